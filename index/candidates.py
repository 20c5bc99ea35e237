"""Candidates for an answer: (passage, figure) pairs found by both searches.

A question searches the passages of its own language, and, through the
bilingual lexicon, those of the other language; each passage found yields one
candidate per figure it holds and one without a figure (for questions whose
answer is a name, a place or a thing). Everything a feature needs of a passage
is read here once: its terms in both languages (as analyzed at ingest) and its title's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from index.lexicon import Lexicon
from index.model import Article, Figure, Passage
from index.question import Frame
from index.text import Analyzer

LANGS = ("en", "zh")


T = TypeVar("T")
TITLES = 4096  # article titles whose terms are kept analyzed: a question's candidates share few articles


@dataclass(frozen=True, eq=False)
class Found:
    """A passage as found: its BM25 score and rank in each search that found it (0 and None otherwise)."""

    passage: Passage
    article: Article
    score: dict[str, float]  # "own" and "cross"
    rank: dict[str, int | None]
    # figure position -> (BM25, rank) of the figure's context (its sentence pair), where the context search found it
    contexts: dict[int, tuple[float, int]]
    terms: dict[str, frozenset[str]]  # analyzed terms of title and passage, per language
    title_terms: dict[str, frozenset[str]]


@dataclass(frozen=True, eq=False)
class Candidate:
    found: Found
    figure: Figure | None


@dataclass(frozen=True)
class Pool:
    """The candidates of one question, with what features compare each one to."""

    frame: Frame
    translations: dict[str, frozenset[str]]  # each term of the question -> its other-language terms
    candidates: tuple[Candidate, ...]
    top: dict[str, float]  # best BM25 score of each search: own, cross, context
    memo: dict[Hashable, object] = field(default_factory=dict)  # what features compute once per question

    def once(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, worked out once per question and key (several features read one context)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[return-value]


def other(lang: str) -> str:
    return "zh" if lang == "en" else "en"


def found_passage(
    passage: Passage,
    article: Article,
    score: dict[str, float],
    rank: dict[str, int | None],
    contexts: dict[int, tuple[float, int]],
    terms: dict[str, frozenset[str]],
    analyzer: Analyzer,
) -> Found:
    """`terms`: what the passage is indexed under (its words and its title's), as stored at ingest."""
    title_terms = {lang: _title_terms(getattr(article, f"title_{lang}"), lang, analyzer) for lang in LANGS}
    return Found(passage, article, score, rank, contexts, terms, title_terms)


@lru_cache(maxsize=TITLES)
def _title_terms(title: str, lang: str, analyzer: Analyzer) -> frozenset[str]:
    return frozenset(analyzer.analyze(title, lang))


def pool(frame: Frame, lexicon: Lexicon, found: list[Found]) -> Pool:
    candidates = []
    for item in found:
        candidates.append(Candidate(item, None))
        candidates.extend(Candidate(item, f) for f in item.passage.figures if f.lang == "zh" or not item.passage.zh)
    top = {side: max((f.score[side] for f in found), default=0.0) for side in ("own", "cross")}
    top["context"] = max((s for f in found for s, _ in f.contexts.values()), default=0.0)
    translations = {t: frozenset(lexicon.translate([t], frame.lang)) for t in frame.content_tokens}
    return Pool(frame, translations, tuple(candidates), top)
