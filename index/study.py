"""The measurements behind docs/ANSWERS.md: ablations, a learning curve, a reliability diagram.

    python -m index.study data/questions/train.jsonl data/questions/dev.jsonl data/archive docs/reliability.png

Prints Markdown tables; writes the diagram. Training-time code (LightGBM, matplotlib), never served.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from index.engine import Engine
from index.evaluate import Bodies, load_questions
from index.features import FEATURES, GROUPS, NAMES
from index.ranker import Ranker
from index.store import ingest
from index.training import Examples, answer_confidence, choices, examples, scorer_top1

FRACTIONS = (0.25, 0.5, 0.75, 1.0)  # shares of the training articles for the learning curve
BINS = 10  # confidence bins of the reliability diagram


def ablation(train: Sequence[Examples], dev: Sequence[Examples]) -> list[tuple[str, float]]:
    """Dev top-1 with every feature, then with each group left out."""
    rows = [("all features", scorer_top1(train, dev))]
    for group in GROUPS:
        keep = [f.name for f in FEATURES if f.group != group]
        rows.append((f"without {group}", scorer_top1(train, dev, keep)))
    return rows


def learning_curve(train: Sequence[Examples], dev: Sequence[Examples]) -> list[tuple[int, int, float]]:
    """(training articles, training questions, dev top-1) as the training articles grow."""
    homes = sorted({e.question.home or "" for e in train})
    rows = []
    for share in FRACTIONS:
        kept = set(homes[: max(1, round(share * len(homes)))])
        subset = [e for e in train if e.question.home in kept]
        rows.append((len(kept), len(subset), scorer_top1(subset, dev)))
    return rows


def reliability(ranker: Ranker, dev: Sequence[Examples], png: Path) -> list[tuple[float, float, int]]:
    """Confidence against the share right, by bin, for every dev question; drawn to `png`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    said = [(answer_confidence(ranker, c), c.right) for c in choices(ranker, dev)]
    edges = np.linspace(0, 1, BINS + 1)
    rows = []
    for low, high in pairwise(edges):
        inside = [(p, r) for p, r in said if low <= p < high or (high == 1 and p == 1)]
        if inside:
            rows.append((float(np.mean([p for p, _ in inside])), float(np.mean([r for _, r in inside])), len(inside)))
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    axes.plot([p for p, _, _ in rows], [r for _, r, _ in rows], marker="o", label="dev questions")
    for p, r, n in rows:
        axes.annotate(str(n), (p, r), textcoords="offset points", xytext=(4, -10), fontsize=8)
    threshold = ranker.answer.threshold
    axes.axvline(threshold, color="red", linewidth=0.8, label=f"threshold to cite a figure {threshold:.2f}")
    axes.set(xlabel="confidence of the best candidate", ylabel="share whose best candidate is right",
             xlim=(0, 1), ylim=(0, 1), title="Reliability of the ranker's confidence (dev split)")
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return rows


def main(argv: list[str]) -> int:
    train_file, dev_file, archive, png = (Path(a) for a in argv[1:5])
    with tempfile.TemporaryDirectory() as scratch:
        ingest(archive, Path(scratch) / "index", rebuild=True)
        engine = Engine.open(Path(scratch) / "index")
        bodies = Bodies(archive)
        train = examples(engine, load_questions(train_file), bodies)
        dev = examples(engine, load_questions(dev_file), bodies)
    print("| model | dev top-1 |\n|---|---|")
    for name, score in ablation(train, dev):
        print(f"| {name} | {score:.3f} |")
    print("\n| training articles | training questions | dev top-1 |\n|---|---|---|")
    for articles, questions, score in learning_curve(train, dev):
        print(f"| {articles} | {questions} | {score:.3f} |")
    print("\n| mean confidence | share right | questions |\n|---|---|---|")
    for p, r, n in reliability(Ranker.load(), dev, png):
        print(f"| {p:.2f} | {r:.2f} | {n} |")
    print(f"\n{len(NAMES)} features; diagram written to {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
