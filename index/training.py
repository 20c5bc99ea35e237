"""Fitting the ranker on labelled questions (numpy, scipy, LightGBM; never imported when serving).

A candidate is right when it comes from the labelled article and paragraph
and cites the labelled value (or, for a question whose answer is not a
number, cites none). Four steps:
1. the scorer: a listwise (softmax) model over each question's candidates,
   fitted by L-BFGS on the training questions that have a right candidate;
2. its first stage: the same model over the features that are cheap to work
   out (features.EARLY), which picks the candidates the scorer weighs;
3. the calibrators: boosted trees (LightGBM, log loss) for "the best candidate is
   right" over its score, its lead over the next candidate and its features, and
   for "its passage is right" over its score, its lead over the best of another
   passage and its features, fitted on the choices a scorer made for questions it
   was not fitted on (folds by article), unanswerable ones included;
4. the thresholds: the lowest confidence at which the dev questions whose answer
   is a figure, when answered, cite the right figure at least `PRECISION` of the
   time; and the lowest passage confidence at which the bot still declines
   `ABSTENTION` of the dev questions the archive cannot answer.
The scorer's L2 strength, the first stage's shortlist and the calibrators' size
are chosen together on dev, by the right figures and passages the answers give at the
thresholds (what a user gets), among the settings that decline `ABSTENTION` of what the
archive cannot answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
from scipy.optimize import minimize

from index import text
from index.candidates import Candidate
from index.engine import Engine
from index.evaluate import Bodies, Labelled, same_paragraph, same_value
from index.features import EARLY, NAMES
from index.ranker import LEAF, Calibrator, Ranker, Tree, lead

PRECISION = 0.9  # of figures cited, the share that must be right
ABSTENTION = 0.85  # of the questions the archive cannot answer, the share the bot must decline (issue 11)
STRENGTHS = (3.0, 10.0, 30.0, 100.0)  # L2 penalties tried on dev (per question, on standardised features)
# How many of the first stage's best candidates the scorer weighs, tried on dev with the strengths: the late
# features are worked out for each one kept, so a tie goes to the fewest.
SHORTLISTS = (3, 6, 12)
FOLDS = 5  # out-of-fold scores for the calibrator: each fold's articles scored by a model fitted without them


@dataclass(frozen=True)
class Boosting:
    """A size of the calibrators' boosted trees, tried on dev."""

    leaves: int  # per tree: 4 lets a tree weigh two inputs together, 8 three
    trees: int


BOOSTINGS = (Boosting(4, 100), Boosting(4, 300), Boosting(8, 100), Boosting(8, 300))
LEARNING_RATE = 0.05  # small steps, so the number of trees (chosen on dev) sets how closely the trees fit
TREE_PENALTY = 10.0  # L2 on leaf values: 1,200 out-of-fold choices are few for 8-leaf trees
# The calibrators' inputs are the score, the lead, then the features: a higher score or lead never makes a
# candidate less likely right (trees left free learn dips where the training choices are few, and rate a
# strong series point below a weak one), the features may count either way.
RISING = (1, 1)


@dataclass(frozen=True)
class Examples:
    """One question's candidates: feature vectors and whether each is the right answer."""

    question: Labelled
    vectors: list[list[float]]
    right: list[bool]
    figures: list[float | None]  # each candidate's value: a right figure may stand in a wrong passage
    passages: list[str]  # each candidate's passage
    in_passage: list[bool]  # each candidate comes from the labelled paragraph


def examples(engine: Engine, questions: Iterable[Labelled], bodies: Bodies) -> list[Examples]:
    out = []
    for question in questions:
        lang = text.detect_lang(question.question, default=question.lang)
        scored = engine.scored(engine.frame(question.question, lang), shortlisted=False)
        out.append(Examples(
            question,
            scored.vectors,
            [is_right(question, c, bodies) for c in scored.candidates],
            [c.figure.value if c.figure else None for c in scored.candidates],
            [c.found.passage.id for c in scored.candidates],
            [same_paragraph(c.found.article.source, c.found.passage.zh, question, bodies) for c in scored.candidates],
        ))
    return out


def is_right(question: Labelled, candidate: Candidate, bodies: Bodies) -> bool:
    found = candidate.found
    if question.article is None or not same_paragraph(found.article.source, found.passage.zh, question, bodies):
        return False
    if question.figure:
        return candidate.figure is not None and same_value(candidate.figure.value, float(question.figure["value"]))
    return candidate.figure is None


# The scorer ------------------------------------------------------------------------------------


def fit(train: Sequence[Examples], dev: Sequence[Examples], keep: Sequence[str] = NAMES) -> Ranker:
    """Scorer, calibrator and threshold; `keep` names the features used (the rest weigh 0, for ablations)."""
    mean, scale = _standardisation(train)
    mask = np.array([name in keep for name in NAMES], dtype=float)
    # (ranker, its dev choices): the choices hang on the scorer and the shortlist, not on the calibrators
    calibrated: list[tuple[Ranker, list[Choice]]] = []
    for strength in STRENGTHS:
        scorer = _scorer(train, mean, scale, mask, strength)
        folds = _folds(train, mean, scale, mask, strength)
        for size in SHORTLISTS:
            held_out = [c for ranker, held in folds for c in choices(replace(ranker, shortlisted=size), held)]
            shortlisted = replace(scorer, shortlisted=size)
            chosen = choices(shortlisted, dev)
            calibrated += [(_thresholded(shortlisted, *_calibrators(held_out, mask, b), chosen), chosen)
                           for b in BOOSTINGS]  # fmt: skip
    best, _ = max(calibrated, key=lambda pair: _preferred(served(*pair), _cross_validated(*pair)))
    return best


def scorer_top1(train: Sequence[Examples], dev: Sequence[Examples], keep: Sequence[str] = NAMES) -> float:
    """Dev top-1 of the scorer alone, fitted with the features `keep` at each L2 strength, the best kept: what
    the ablations and the learning curve compare (the calibrators do not move which candidate is first)."""
    mean, scale = _standardisation(train)
    mask = np.array([name in keep for name in NAMES], dtype=float)
    return max(top1(_scorer(train, mean, scale, mask, strength), dev) for strength in STRENGTHS)


def _thresholded(ranker: Ranker, answer: Calibrator, passage: Calibrator, dev: Sequence[Choice]) -> Ranker:
    calibrated = replace(ranker, answer=answer, passage=passage)
    calibrated = replace(calibrated, answer=replace(answer, threshold=_answer_threshold(calibrated, dev)))
    return replace(calibrated, passage=replace(passage, threshold=_passage_threshold(calibrated, dev)))


@dataclass(frozen=True)
class Served:
    """What the answers to labelled questions score, as the shared scorer counts them (a decline is not right)."""

    figure: float  # of the questions whose answer is a figure, those answered with the right figure
    passage: float  # of the questions the archive can answer, those answered from the right passage
    abstain: float  # of the questions the archive cannot answer, those declined


def served(ranker: Ranker, chosen: Sequence[Choice]) -> Served:
    """What the ranker's answers score, from its choices (`choices(ranker, examples)`)."""
    return _scored(_said(ranker, chosen))


def _said(ranker: Ranker, chosen: Sequence[Choice]) -> list[tuple[Choice, bool, bool]]:
    """Each question's choice, and whether the bot cites its figure and whether it gives its passage."""
    return [(c, answer_confidence(ranker, c) >= ranker.answer.threshold,
             passage_confidence(ranker, c) >= ranker.passage.threshold)
            for c in chosen]  # fmt: skip


def _scored(said: list[tuple[Choice, bool, bool]]) -> Served:
    return Served(
        _mean([c.figure_right and figure for c, figure, _ in said if c.question.figure]),
        _mean([c.passage_right and (figure or passage) for c, figure, passage in said if c.question.article]),
        _mean([not (figure or passage) for c, figure, passage in said if c.question.article is None]),
    )


def _preferred(score: Served, expected: Served) -> tuple[bool, float]:
    """The settings a user is best served by: of those that decline ABSTENTION of what the archive cannot answer
    (`score`, at the thresholds set on all of dev: the answer threshold alone may fail it, when sure wrong answers
    to such questions are many), the most right figures and passages to be `expected` at thresholds set on other
    questions. Right figures alone chose settings that gave passages only from a probability of 1.0."""
    return score.abstain >= ABSTENTION, expected.figure + expected.passage


def _cross_validated(ranker: Ranker, dev: Sequence[Choice]) -> Served:
    """What each fifth of the dev articles is served at thresholds set on the other four fifths, pooled: a
    setting scored at thresholds set on the very questions it is scored on is flattered by how well they fit
    those questions, the more so the more settings are tried."""
    parts = _by_article(dev)
    said = []
    for k, held in enumerate(parts):
        rest = [e for j, part in enumerate(parts) if j != k for e in part]
        said += _said(_thresholded(ranker, ranker.answer, ranker.passage, rest), held)
    return _scored(said)


def _mean(judged: list[bool]) -> float:
    return sum(judged) / len(judged) if judged else 0.0


def _standardisation(train: Sequence[Examples]) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([v for e in train for v in e.vectors])
    scale = rows.std(axis=0)
    return rows.mean(axis=0), np.where(scale > 0, scale, 1.0)


def _scorer(train: Sequence[Examples], mean: np.ndarray, scale: np.ndarray, mask: np.ndarray,
            strength: float) -> Ranker:
    """The scorer and its first stage (the same model over the early features alone), each fitted on every
    candidate of the training questions."""
    first = _weights(train, mean, scale, mask * np.array(EARLY, dtype=float), strength)
    weights = _weights(train, mean, scale, mask, strength)
    return Ranker(NAMES, tuple(mean.tolist()), tuple(scale.tolist()), weights, first=first)


def _weights(train: Sequence[Examples], mean: np.ndarray, scale: np.ndarray, mask: np.ndarray,
             strength: float) -> tuple[float, ...]:
    """Weights maximising the softmax likelihood of the right candidates, with an L2 penalty."""
    lists = [((np.array(e.vectors) - mean) / scale * mask, np.array(e.right)) for e in train if any(e.right)]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = strength * w @ w / 2, strength * w
        for x, right in lists:
            s = x @ w
            p_all = _softmax(s)
            p_right = _softmax(s[right])
            total += _logsumexp(s) - _logsumexp(s[right])
            grad = grad + p_all @ x - p_right @ x[right]
        return total, grad * mask

    return tuple(minimize(loss, np.zeros(len(NAMES)), jac=True, method="L-BFGS-B").x.tolist())


def _softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max())
    return e / e.sum()


def _logsumexp(s: np.ndarray) -> float:
    top = s.max()
    return float(top + np.log(np.exp(s - top).sum()))


# Choices, calibration, threshold ----------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What the ranker answers to one question and how right it is."""

    question: Labelled
    score: float  # the best candidate's
    runner_up: float | None  # the next candidate's
    other_passage: float | None  # the best candidate's of another passage
    values: tuple[float, ...]  # the best candidate's feature values
    right: bool  # the best candidate is the labelled answer
    figure_right: bool  # it cites the labelled value (what the figure measure counts)
    passage_right: bool  # it comes from the labelled paragraph


Judged = TypeVar("Judged", Examples, Choice)  # a question's examples or the ranker's choice for it


def choices(ranker: Ranker, examples_: Iterable[Examples]) -> list[Choice]:
    out = []
    for e in examples_:
        if not e.vectors:
            out.append(Choice(e.question, float("-inf"), None, None, (), False, False, False))
            continue
        scored = sorted(((ranker.score(e.vectors[k]), k) for k in ranker.shortlist(e.vectors)), reverse=True)
        score, k = scored[0]
        want = e.question.figure["value"] if e.question.figure else None
        figure_right = want is not None and same_value(e.figures[k], float(want))
        runner_up = scored[1][0] if len(scored) > 1 else None
        other = next((s for s, j in scored if e.passages[j] != e.passages[k]), None)
        out.append(Choice(e.question, score, runner_up, other, tuple(e.vectors[k]), e.right[k], figure_right,
                          e.in_passage[k]))
    return out


def top1(ranker: Ranker, examples_: Sequence[Examples]) -> float:
    """Share of answerable questions whose best candidate is right."""
    answerable = [c for c in choices(ranker, examples_) if c.question.article is not None]
    return sum(c.right for c in answerable) / len(answerable) if answerable else 0.0


def _folds(train: Sequence[Examples], mean: np.ndarray, scale: np.ndarray, mask: np.ndarray,
           strength: float) -> list[tuple[Ranker, list[Examples]]]:
    """For each fold of the training articles, a scorer (with its first stage) fitted without them, and the
    fold's questions: its choices for them are what the calibrators learn from."""
    folds = []
    for held in _by_article(train):
        homes = {e.question.home for e in held}
        ranker = _scorer([e for e in train if e.question.home not in homes], mean, scale, mask, strength)
        folds.append((ranker, [e for e in held if e.vectors]))
    return folds


def _by_article(examples_: Sequence[Judged]) -> list[list[Judged]]:
    """The questions (their examples or choices) in FOLDS parts, each article's (or near miss's) in one part."""
    homes = sorted({e.question.home or "" for e in examples_})
    part = {home: i % FOLDS for i, home in enumerate(homes)}
    return [[e for e in examples_ if part[e.question.home or ""] == k] for k in range(FOLDS)]


def _calibrators(held_out: Sequence[Choice], mask: np.ndarray, boosting: Boosting) -> tuple[Calibrator, Calibrator]:
    """Both calibrators, boosted trees on the out-of-fold choices (thresholds still unset)."""
    import lightgbm

    def fitted(rival: Callable[[Choice], float | None], right: Callable[[Choice], bool]) -> Calibrator:
        rows = np.array([[c.score, lead(c.score, rival(c)), *(np.array(c.values) * mask)] for c in held_out])
        params = {"objective": "binary", "num_leaves": boosting.leaves, "learning_rate": LEARNING_RATE,
                  "lambda_l2": TREE_PENALTY, "monotone_constraints": [*RISING, *[0] * len(NAMES)],
                  "num_threads": 1, "deterministic": True, "verbose": -1}
        labels = [float(right(c)) for c in held_out]
        booster = lightgbm.train(params, lightgbm.Dataset(rows, labels), num_boost_round=boosting.trees)
        return Calibrator(tuple(read_tree(t["tree_structure"]) for t in booster.dump_model()["tree_info"]), 1.0)

    return (fitted(lambda c: c.runner_up, lambda c: c.right),
            fitted(lambda c: c.other_passage, lambda c: c.passage_right))


def read_tree(root: dict) -> Tree:
    """A tree of LightGBM's dump (nested nodes; numeric splits, values at most the threshold to the left) in
    flat lists, each node before its children."""
    nodes = [root]
    for node in nodes:  # grows as it goes: breadth first
        nodes += [node[side] for side in ("left_child", "right_child") if side in node]
    place = {id(node): k for k, node in enumerate(nodes)}
    return Tree(
        tuple(node.get("split_feature", LEAF) for node in nodes),
        tuple(float(node.get("threshold", 0.0)) for node in nodes),
        tuple(place[id(node["left_child"])] if "left_child" in node else 0 for node in nodes),
        tuple(place[id(node["right_child"])] if "right_child" in node else 0 for node in nodes),
        tuple(float(node.get("leaf_value", 0.0)) for node in nodes),
    )


def answer_confidence(ranker: Ranker, choice: Choice) -> float:
    if choice.score == float("-inf"):
        return 0.0
    return ranker.sure_of_answer(choice.score, choice.runner_up, choice.values)


def passage_confidence(ranker: Ranker, choice: Choice) -> float:
    if choice.score == float("-inf"):
        return 0.0
    return ranker.sure_of_passage(choice.score, choice.other_passage, choice.values)


def _answer_threshold(ranker: Ranker, dev: Sequence[Choice]) -> float:
    """The lowest confidence at which the answered figure questions cite the right figure PRECISION of the time."""
    asked = [(answer_confidence(ranker, c), c.figure_right) for c in dev if c.question.figure]
    return _lowest_precise(asked)


def _passage_threshold(ranker: Ranker, dev: Sequence[Choice]) -> float:
    """The lowest passage confidence at which the bot still declines ABSTENTION of the dev questions the archive
    cannot answer (those it cites no figure for): a passage given where the archive holds nothing misleads less
    than a figure, but a passage withheld where it holds the answer is a false decline."""
    unanswerable = [c for c in dev if c.question.article is None]
    left = sorted(passage_confidence(ranker, c) for c in unanswerable
                  if answer_confidence(ranker, c) < ranker.answer.threshold)  # fmt: skip
    must_decline = math.ceil(ABSTENTION * len(unanswerable))  # each below both thresholds
    if must_decline == 0:
        return 0.0
    if must_decline > len(left):
        return 1.0
    return _between(left[must_decline - 1], left[must_decline] if must_decline < len(left) else 1.0)


def _lowest_precise(said: list[tuple[float, bool]]) -> float:
    """The lowest confidence above which at least PRECISION of the judgements are right (1.0: none is)."""
    seen = sorted({p for p, _ in said})
    for k, threshold in enumerate(seen):
        kept = [right for p, right in said if p >= threshold]
        if sum(kept) >= PRECISION * len(kept):
            return _between(seen[k - 1] if k else 0.0, threshold)
    return 1.0


def _between(below: float, above: float) -> float:
    """A threshold halfway between the confidences on either side of it: a confidence worked out again with its
    sums in another order (Python's string hashing orders sets differently in every process) differs in its
    last bits, and must not cross a threshold that sits on it."""
    return (below + above) / 2


def train(engine: Engine, train_questions: list[Labelled], dev_questions: list[Labelled], archive: Path) -> Ranker:
    """The ranker fitted on the train questions, its settings and thresholds chosen on the dev ones."""
    bodies = Bodies(archive)
    return fit(examples(engine, train_questions, bodies), examples(engine, dev_questions, bodies))
