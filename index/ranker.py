"""The fitted ranker, read from JSON: a linear score per candidate and a calibrated confidence.

Two parts, both fitted by `index.training`:
- the scorer: one weight per named feature over standardised values; the
  candidates of a question are ranked by it (a listwise, softmax model);
- the calibrator: the probability that the best candidate is the right answer,
  a logistic function of its score and of its lead over the next one. The
  bot answers only when it reaches the threshold chosen on the dev split.
Serving needs no training library.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from index.features import NAMES

PACKAGED = Path(__file__).with_name("ranker.json")
_EXP_LIMIT = 50.0  # beyond this |z| the logistic is 0 or 1 to double precision; math.exp would overflow later


class RankerMismatch(Exception):
    """The saved model was fitted on other features than this version computes."""


@dataclass(frozen=True)
class Ranker:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    calibration: tuple[float, float, float]  # intercept, weight of the score, weight of the lead
    threshold: float  # answer only when the confidence reaches it

    def score(self, values: list[float]) -> float:
        """The candidate's linear score: higher is more likely the answer."""
        return sum(w * (v - m) / s for w, v, m, s in zip(self.weights, values, self.mean, self.scale, strict=True))

    def confidence(self, score: float, runner_up: float | None) -> float:
        """The calibrated probability that a candidate with this score, ahead of the next by so much, is right."""
        intercept, by_score, by_lead = self.calibration
        lead = score - runner_up if runner_up is not None else 0.0
        z = intercept + by_score * score + by_lead * lead
        return 1.0 / (1.0 + math.exp(-max(min(z, _EXP_LIMIT), -_EXP_LIMIT)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, data: str) -> Ranker:
        raw = json.loads(data)
        ranker = cls(tuple(raw["names"]), tuple(raw["mean"]), tuple(raw["scale"]), tuple(raw["weights"]),
                     tuple(raw["calibration"]), float(raw["threshold"]))
        if ranker.names != NAMES:
            raise RankerMismatch("the ranker was fitted on other features: run `archive-bot train` again")
        return ranker

    @classmethod
    def load(cls, index_dir: Path | None = None) -> Ranker:
        """The index's own ranker (`archive-bot train --index`) when it has one, else the packaged one."""
        own = index_dir / "ranker.json" if index_dir else None
        path = own if own and own.exists() else PACKAGED
        return cls.from_json(path.read_text(encoding="utf-8"))
