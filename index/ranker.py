"""The fitted ranker, read from JSON: a linear score per candidate and two calibrated confidences.

Three parts, all fitted by `index.training`:
- the scorer: one weight per named feature over standardised values; the
  candidates of a question are ranked by it (a listwise, softmax model);
- the answer calibrator: the probability that the best candidate (a passage and
  the figure it cites) is right, from its score, its lead over the next
  candidate (two close figures of one passage make either unsure) and its
  features (a score earned by a matching year is surer than one earned by words),
  as boosted regression trees: how sure a score makes it depends on what earned it;
- the passage calibrator: the probability that the best candidate's passage is
  right, from its score, its lead over the best candidate of another passage and
  its features, the same way.
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


LEAF = -1  # a Tree node's feature when the node is a leaf


@dataclass(frozen=True)
class Tree:
    """A regression tree in flat lists: node k sends inputs whose feature[k] is at most threshold[k] to node
    left[k], the others to right[k]; a leaf (feature LEAF) adds value[k] to the log-odds. Node 0 is the root."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    @property
    def depth(self) -> int:
        """The most splits between the root and a leaf."""
        below = [0] * len(self.feature)
        for k in reversed(range(len(self.feature))):  # children come after their parent
            if self.feature[k] != LEAF:
                below[k] = 1 + max(below[self.left[k]], below[self.right[k]])
        return below[0]


@dataclass(frozen=True)
class Calibrator:
    """Boosted trees over a candidate's score, its lead over a rival and its feature values, whose summed
    leaves are the log-odds that it is right; and the probability it must reach."""

    trees: tuple[Tree, ...]
    threshold: float

    def probability(self, score: float, rival: float | None, values: Sequence[float]) -> float:
        if not self.trees:
            return 0.5
        feature, threshold, left, right, value, roots, depth = self._packed
        inputs = np.array([score, lead(score, rival), *values])
        node = roots
        for _ in range(depth):  # every tree a step down at once; a leaf leads to itself
            node = np.where(inputs[feature[node]] <= threshold[node], left[node], right[node])
        z = float(value[node].sum())
        return 1.0 / (1.0 + math.exp(-max(min(z, _EXP_LIMIT), -_EXP_LIMIT)))

    @cached_property
    def _packed(self) -> tuple[np.ndarray, ...]:
        """All trees' nodes in flat arrays, children numbered across trees, each leaf its own child (splitting
        on input 0), so the trees are walked together with no test for leaves; the roots; the depth."""
        roots = np.cumsum([0, *(len(t.feature) for t in self.trees[:-1])])
        feature, threshold, left, right, value = [], [], [], [], []
        for root, tree in zip(roots, self.trees, strict=True):
            for k, split in enumerate(tree.feature):
                leaf = split == LEAF
                feature.append(0 if leaf else split)
                threshold.append(tree.threshold[k])
                left.append(root + (k if leaf else tree.left[k]))
                right.append(root + (k if leaf else tree.right[k]))
                value.append(tree.value[k])
        return (np.array(feature), np.array(threshold), np.array(left), np.array(right), np.array(value), roots,
                max(t.depth for t in self.trees))

    @classmethod
    def from_dict(cls, raw: dict) -> Calibrator:
        trees = tuple(Tree(**{field: tuple(v) for field, v in tree.items()}) for tree in raw["trees"])
        return cls(trees, raw["threshold"])


UNFITTED = Calibrator((), 1.0)


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
        scores = np.asarray(vectors) @ weights[1] + constants[1]
        return np.argsort(-scores, kind="stable")[: self.shortlisted].tolist()

    def score(self, values: Sequence[float]) -> float:
        """The candidate's linear score: higher is more likely the answer."""
        return self._linear(values, 0)

    def sure_of_answer(self, score: float, runner_up: float | None, values: Sequence[float]) -> float:
        """The probability that the best candidate (scored `score`, with `values`) and its figure are right."""
        return self.answer.probability(score, runner_up, values)

    def sure_of_passage(self, score: float, other_passage: float | None, values: Sequence[float]) -> float:
        """The probability that the best candidate's passage is right."""
        return self.passage.probability(score, other_passage, values)

    def _linear(self, values: Sequence[float], part: int) -> float:
        """Weights (of the scorer, of the first stage) times the standardised values."""
        weights, constants = self._folded
        return float(weights[part] @ np.asarray(values)) + constants[part]

    @cached_property
    def _folded(self) -> tuple[np.ndarray, tuple[float, ...]]:
        """Each part's weights over raw values and its constant: the standardisation folded into the weights,
        so a candidate costs one dot product (sum w (v - m) / s = sum (w / s) v - sum w m / s)."""
        zero = (0.0,) * len(self.names)
        parts = np.array([self.weights, self.first or zero])
        weights = parts / np.array(self.scale)
        return weights, tuple(float(c) for c in -(weights @ np.array(self.mean)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))  # 600 trees: a third of the size indented

    @classmethod
    def from_json(cls, data: str) -> Ranker:
        raw = json.loads(data)
        if "trees" not in raw["answer"]:  # saved before the calibrators were trees
            raise RankerMismatch("the ranker was fitted by an older version: run `archive-bot train` again")
        answer, passage = (Calibrator.from_dict(raw[part]) for part in ("answer", "passage"))
        ranker = cls(tuple(raw["names"]), tuple(raw["mean"]), tuple(raw["scale"]), tuple(raw["weights"]),
                     answer, passage, tuple(raw.get("first", ())), raw.get("shortlisted", 0))
        if ranker.names != NAMES:
            raise RankerMismatch("the ranker was fitted on other features: run `archive-bot train` again")
        return ranker

    @classmethod
    def load(cls, index_dir: Path | None = None) -> Ranker:
        """The index's own ranker (`archive-bot train --index`) when it has one, else the packaged one."""
        own = index_dir / "ranker.json" if index_dir else None
        path = own if own and own.exists() else PACKAGED
        return cls.from_json(path.read_text(encoding="utf-8"))
