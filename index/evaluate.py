"""Scoring answers against labelled questions, beside raw BM25 top-1 on the same questions.

The question schema and the measures are those of the shared evaluation
(`shared/eval/README.md`): a correct answer comes from the right article and
Chinese paragraph, cites the right value, holds the keywords, is in the
question's language, and warns about a figure the English gets wrong; a
question the archive cannot answer is declined. Two measures are added:
false declines (answerable questions declined) and raw BM25 top-1, the
floor any answer logic must beat: rank-bm25 over the question language's
passages, no title, no figure logic.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rank_bm25 import BM25Okapi

from index import text
from index.model import Answer, Passage
from index.text import Analyzer

MIN_PASSAGE = 10  # characters a passage must have to count as naming a paragraph (the shared scorer's rule)
RELATIVE_TOLERANCE = 1e-6  # a value is right when within this share of the expected one
MEASURES = ("passage", "figure", "keywords", "lang", "abstain", "flagged")


@dataclass(frozen=True)
class Labelled:
    """One labelled question (the shared schema; `near` names the article an unanswerable one comes close to)."""

    id: str
    lang: str
    question: str
    article: str | None
    paragraph_zh: int | None
    figure: dict | None
    answer_keywords: tuple[str, ...]
    mistranslated: bool
    near: str | None = None

    @property
    def home(self) -> str | None:
        """The article a question belongs to when splitting by article."""
        return self.article or self.near


def load_questions(path: Path) -> list[Labelled]:
    """Every question of a JSON-lines file; a malformed line raises ValueError naming it."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            raw["answer_keywords"] = tuple(raw["answer_keywords"])
            questions.append(Labelled(**raw))
        except (json.JSONDecodeError, TypeError, KeyError) as error:
            raise ValueError(f"{path}:{number}: not a question of the schema ({error})") from None
    return questions


def fold(value: str | None) -> str:
    """Width, case, white space and thousands separators folded, as the shared scorer compares."""
    value = unicodedata.normalize("NFKC", value or "").lower()
    value = re.sub(r"(?<=\d),(?=\d{3})", "", value)
    return re.sub(r"\s+", "", value)


def chinese_body(path: Path) -> list[str]:
    """The non-empty Chinese body lines after the column line, the unit `paragraph_zh` counts in."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("专栏"):
            return [body.strip() for body in lines[i + 1 :] if body.strip()]
    return []


@dataclass(frozen=True)
class Verdict:
    """How one answer fared: each measure that applies to its question, True or False."""

    question: Labelled
    checks: dict[str, bool]
    got: str  # what was answered, for a failure listing


@dataclass(frozen=True)
class Report:
    verdicts: tuple[Verdict, ...]
    bm25_top1: float | None  # passage measure of raw BM25 top-1

    def summary(self) -> dict[str, float | int | None]:
        out: dict[str, float | int | None] = {}
        for measure in MEASURES:
            marks = [v.checks[measure] for v in self.verdicts if measure in v.checks]
            out[measure] = round(sum(marks) / len(marks), 3) if marks else None
        answered = [v.checks["answered"] for v in self.verdicts if "answered" in v.checks]
        out["false_declines"] = round(1 - sum(answered) / len(answered), 3) if answered else None
        out["bm25_top1_passage"] = self.bm25_top1
        out["questions"] = len(self.verdicts)
        out["failed"] = sum(not all(v.checks.values()) for v in self.verdicts)
        return out

    def failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if not all(v.checks.values())]


def same_paragraph(source: str | None, passage_zh: str | None, question: Labelled, bodies: Bodies) -> bool:
    if question.article is None or source != question.article:
        return False
    want = fold(bodies.line(question.article, question.paragraph_zh or 0))
    got = fold(passage_zh)
    return len(got) >= MIN_PASSAGE and (got in want or want in got)


def same_value(got: float | None, want: float) -> bool:
    return got is not None and abs(got - want) <= RELATIVE_TOLERANCE * max(1.0, abs(want))


class Bodies:
    """The Chinese body lines of the archive's files, read once each."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self._read: dict[str, list[str]] = {}

    def line(self, source: str, number: int) -> str:
        if source not in self._read:
            self._read[source] = chinese_body(self.archive / source)
        lines = self._read[source]
        return lines[number] if 0 <= number < len(lines) else ""


def judge(question: Labelled, answer: Answer, bodies: Bodies) -> Verdict:
    """The measures of one answer, as the shared scorer counts them."""
    hit = answer.hit if answer.found else None
    source = hit.article.source if hit else None
    got = f"{source} «{(hit.passage.zh if hit else '')[:40]}» {answer.figure.value if answer.figure else None}"
    if question.article is None:
        return Verdict(question, {"abstain": not answer.found}, got)
    checks = {
        "passage": same_paragraph(source, hit.passage.zh if hit else None, question, bodies),
        "keywords": all(fold(k) in fold(answer.text) for k in question.answer_keywords),
        "lang": answer.lang == question.lang,
        "answered": answer.found,
    }
    if question.figure:
        checks["figure"] = answer.found and same_value(
            answer.figure.value if answer.figure else None, float(question.figure["value"])
        )
    if question.mistranslated and question.lang == "en":
        checks["flagged"] = bool(answer.warnings)
    return Verdict(question, checks, got)


def evaluate(questions: Iterable[Labelled], archive: Path, ask: Callable[[str], Answer],
             reference: tuple[list[tuple[str, Passage]], Analyzer] | None = None) -> Report:
    """Every question asked and judged; with a `reference` (the archive's (source, passage) pairs and the
    index's analyzer), raw BM25 top-1 beside."""
    questions = list(questions)
    bodies = Bodies(archive)
    verdicts = tuple(judge(q, ask(q.question), bodies) for q in questions)
    floor = bm25_top1(questions, *reference, bodies) if reference is not None else None
    return Report(verdicts, floor)


def bm25_top1(
    questions: list[Labelled], passages: list[tuple[str, Passage]], analyzer: Analyzer, bodies: Bodies
) -> float | None:
    """The passage measure of plain BM25: the top passage in the question's language, nothing else."""
    answerable = [q for q in questions if q.article is not None]
    if not answerable:
        return None
    rankers = {}
    for lang in ("en", "zh"):
        docs = [(source, p) for source, p in passages if getattr(p, lang)]
        rankers[lang] = (docs, BM25Okapi([analyzer.analyze(getattr(p, lang), lang) or [""] for _, p in docs]))
    right = 0
    for q in answerable:
        docs, ranker = rankers[text.detect_lang(q.question, default=q.lang)]
        scores = ranker.get_scores(analyzer.analyze(q.question, text.detect_lang(q.question, default=q.lang)))
        best = max(range(len(docs)), key=scores.__getitem__)
        source, passage = docs[best]
        right += same_paragraph(source, passage.zh, q, bodies)
    return round(right / len(answerable), 3)
