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
from pathlib import Path

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

    def probability(self, score: float, rival: float | None, standardised: Sequence[float]) -> float:
        z = self.intercept + self.by_score * score + self.by_lead * lead(score, rival)
        z += sum(w * v for w, v in zip(self.by_feature, standardised, strict=False))
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
    point_threshold: float = 1.0  # the answer probability from which a figure is a point of a series

    def score(self, values: Sequence[float]) -> float:
        """The candidate's linear score: higher is more likely the answer."""
        return sum(w * z for w, z in zip(self.weights, self.standardised(values), strict=True))

    def standardised(self, values: Sequence[float]) -> list[float]:
        return [(v - m) / s for v, m, s in zip(values, self.mean, self.scale, strict=True)]

    def sure_of_answer(self, score: float, runner_up: float | None, values: Sequence[float]) -> float:
        """The probability that the best candidate (scored `score`, with `values`) and its figure are right."""
        return self.answer.probability(score, runner_up, self.standardised(values))

    def sure_of_passage(self, score: float, other_passage: float | None, values: Sequence[float]) -> float:
        """The probability that the best candidate's passage is right."""
        return self.passage.probability(score, other_passage, self.standardised(values))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, data: str) -> Ranker:
        raw = json.loads(data)
        answer, passage = ({**raw[part], "by_feature": tuple(raw[part].get("by_feature", ()))}
                           for part in ("answer", "passage"))
        ranker = cls(tuple(raw["names"]), tuple(raw["mean"]), tuple(raw["scale"]), tuple(raw["weights"]),
                     Calibrator(**answer), Calibrator(**passage), raw.get("point_threshold", 1.0))
        if ranker.names != NAMES:
            raise RankerMismatch("the ranker was fitted on other features: run `archive-bot train` again")
        return ranker

    @classmethod
    def load(cls, index_dir: Path | None = None) -> Ranker:
        """The index's own ranker (`archive-bot train --index`) when it has one, else the packaged one."""
        own = index_dir / "ranker.json" if index_dir else None
        path = own if own and own.exists() else PACKAGED
        return cls.from_json(path.read_text(encoding="utf-8"))
