"""The fitted ranker, read from JSON: a linear score per candidate and two calibrated confidences.

Three parts, all fitted by `index.training`:
- the scorer: one weight per named feature over standardised values; the
  candidates of a question are ranked by it (a listwise, softmax model);
- the answer calibrator: the probability that the best candidate (a passage and
  the figure it cites) is right, from its score, its lead over the next
  candidate (two close figures of one passage make either unsure) and its
  features (a score earned by a matching year is surer than one earned by words);
- the passage calibrator: the probability that the best candidate's passage is
  right, from its score, its lead over the best candidate of another passage and
  its features.
Each has a threshold chosen on the dev split: below the first, the bot cites no
figure; below both, it answers that the archive holds nothing. Serving needs no
training library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.features import NAMES

PACKAGED = Path(__file__).with_name("ranker.json")
_EXP_LIMIT = 50.0  # beyond this |z| the logistic is 0 or 1 to double precision; math.exp would overflow later


class RankerMismatch(Exception):
    """The saved model was fitted on other features than this version computes."""


def lead(score: float, rival: float | None) -> float:
    """How far a score is ahead of a rival's; 0 without a rival (no lead is claimed)."""
    return score - rival if rival is not None else 0.0


@dataclass(frozen=True)
class Calibrator:
    """A logistic function of a candidate's score, its lead over a rival and its standardised feature
    values, and the probability it must reach."""

    intercept: float
    by_score: float
    by_lead: float
    threshold: float
    by_feature: tuple[float, ...] = ()  # one weight per named feature

    def probability(self, score: float, rival: float | None, by_features: float) -> float:
        """`by_features`: the sum of by_feature times the standardised values (Ranker.sure_of_* work it out)."""
        z = self.intercept + self.by_score * score + self.by_lead * lead(score, rival) + by_features
        return 1.0 / (1.0 + math.exp(-max(min(z, _EXP_LIMIT), -_EXP_LIMIT)))


UNFITTED = Calibrator(0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Ranker:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    answer: Calibrator = UNFITTED  # is the best (passage, figure) right?
    passage: Calibrator = UNFITTED  # is the best candidate's passage right?
    first: tuple[float, ...] = ()  # the first stage's weights: over the early features (features.EARLY) only
    # How many of the first stage's best candidates the scorer weighs (chosen on dev with the L2 strengths); the
    # others' late features are not worked out at all. 0: every candidate.
    shortlisted: int = 0

    def shortlist(self, vectors: Sequence[Sequence[float]]) -> list[int]:
        """The positions of the `shortlisted` candidates the first stage ranks highest (ties in order), or all of
        them for a ranker without a first stage. Late features may be left at 0: it does not read them."""
        if not self.first or not self.shortlisted or len(vectors) <= self.shortlisted:
            return list(range(len(vectors)))
        weights, constants = self._folded
        scores = np.asarray(vectors) @ weights[3] + constants[3]
        return np.argsort(-scores, kind="stable")[: self.shortlisted].tolist()

    def score(self, values: Sequence[float]) -> float:
        """The candidate's linear score: higher is more likely the answer."""
        return self._linear(values, 0)

    def sure_of_answer(self, score: float, runner_up: float | None, values: Sequence[float]) -> float:
        """The probability that the best candidate (scored `score`, with `values`) and its figure are right."""
        return self.answer.probability(score, runner_up, self._linear(values, 1))

    def sure_of_passage(self, score: float, other_passage: float | None, values: Sequence[float]) -> float:
        """The probability that the best candidate's passage is right."""
        return self.passage.probability(score, other_passage, self._linear(values, 2))

    def _linear(self, values: Sequence[float], part: int) -> float:
        """Weights (of the scorer, the answer and the passage calibrator, the first stage) times the
        standardised values."""
        weights, constants = self._folded
        return float(weights[part] @ np.asarray(values)) + constants[part]

    @cached_property
    def _folded(self) -> tuple[np.ndarray, tuple[float, ...]]:
        """Each part's weights over raw values and its constant: the standardisation folded into the weights,
        so a candidate costs one dot product (sum w (v - m) / s = sum (w / s) v - sum w m / s)."""
        zero = (0.0,) * len(self.names)
        parts = np.array([self.weights, self.answer.by_feature or zero, self.passage.by_feature or zero,
                          self.first or zero])
        weights = parts / np.array(self.scale)
        return weights, tuple(float(c) for c in -(weights @ np.array(self.mean)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, data: str) -> Ranker:
        raw = json.loads(data)
        answer, passage = ({**raw[part], "by_feature": tuple(raw[part].get("by_feature", ()))}
                           for part in ("answer", "passage"))
        ranker = cls(tuple(raw["names"]), tuple(raw["mean"]), tuple(raw["scale"]), tuple(raw["weights"]),
                     Calibrator(**answer), Calibrator(**passage), tuple(raw.get("first", ())),
                     raw.get("shortlisted", 0))
        if ranker.names != NAMES:
            raise RankerMismatch("the ranker was fitted on other features: run `archive-bot train` again")
        return ranker

    @classmethod
    def load(cls, index_dir: Path | None = None) -> Ranker:
        """The index's own ranker (`archive-bot train --index`) when it has one, else the packaged one."""
        own = index_dir / "ranker.json" if index_dir else None
        path = own if own and own.exists() else PACKAGED
        return cls.from_json(path.read_text(encoding="utf-8"))
