"""The one object the bot and the command line talk to: open an index, ask it things."""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from index import answer, candidates, features, membership, series, store, text
from index import figures as figs
from index.candidates import Candidate, Found, Pool
from index.content import Content
from index.model import QUESTION_CUT, Answer, Article, Comparison, Figure, FigureHit, Flag, Hit, Passage, Series
from index.question import Frame, series_query
from index.question import read as read_question
from index.ranker import Ranker
from index.search import Filters, TextIndex
from index.text import Analyzer

# Passages read from each search. On the corpus's train and dev questions the right passage is among the
# first 8 of the question's language or the first 5 through the lexicon for 99.1% of those that have one
# (99.5% at 20 and 10), at half the candidates to weigh.
CANDIDATES = 8
CROSS_CANDIDATES = 5
# Figure contexts (sentence pairs) read from their own search: each one brings its passage, if neither
# passage search did, and ranks every figure its sentences hold.
CONTEXT_CANDIDATES = 8
MAX_QUESTION = 1000  # characters read of a question; the rest is cut
TREND_POINTS = 2  # years a series needs to show a trend; with fewer, the question is answered by its report
UNSPOKEN_UNITS = frozenset({"date", ""})  # a year or a bare number says nothing alone
# Units that say how long or how many times, not how much: they mean little without their sentence.
RELATIVE_UNITS = frozenset({"year", "month", "day", "times"})
# A number typed alone may stand for a figure printed with a scale word: 608 for "608 million",
# "6.08亿", "608万".
NUMBER_SCALES = (1, 1e3, 1e4, 1e6, 1e8, 1e9)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class Scored:
    pool: Pool
    candidates: tuple[Candidate, ...]
    vectors: list[list[float]]


@dataclass(frozen=True)
class Stats:
    articles: int
    passages: int
    figures: int
    first_date: date | None
    last_date: date | None
    version: int


def clean(question: str, limit: int = MAX_QUESTION) -> tuple[str, bool]:
    """Printable text on one line, at most `limit` characters; and whether it was cut."""
    question = " ".join(unicodedata.normalize("NFC", _CONTROL.sub(" ", question)).split())
    return question[:limit], len(question) > limit


def typed_values(query: str) -> list[float]:
    """The values a query that is only a number may mean ("608", "6.08", "608 million", "6.08亿");
    none for a query with words."""
    query = query.strip()
    if _NUMBER.fullmatch(query):
        number = float(query.replace(",", ""))
        return [number * scale for scale in NUMBER_SCALES]
    found = figs.extract(query)
    if len(found) == 1 and len(found[0].text) == len(query):
        return [found[0].value]
    return []


class Engine:
    """Answers questions over the current generation of an index folder, following rebuilds and updates."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._open(store.current(index_dir))

    @classmethod
    def open(cls, index_dir: Path) -> Engine:
        """Raises store.IndexUnavailable with what to do when there is no usable index."""
        return cls(index_dir)

    def _open(self, generation: Path) -> None:
        try:
            content = Content(generation / "content.sqlite", readonly=True)
            content.counts()
            search = TextIndex(generation / "tantivy", must_exist=True)
            contexts = TextIndex(generation / store.FIGURES_DIR, must_exist=True)
        except (sqlite3.Error, OSError, ValueError) as error:
            raise store.IndexUnavailable(
                f"the index at {self.index_dir} is damaged ({error}): run `archive-bot ingest ARCHIVE_DIR "
                f"--index {self.index_dir} --rebuild`"
            ) from None
        self.generation, self.content, self.search, self.contexts = generation, content, search, contexts
        self.lexicon = store.load_lexicon(generation)
        self.analyzer = Analyzer.load(generation)

    @cached_property
    def ranker(self) -> Ranker:
        """The fitted ranker, read at the first question (training needs the candidates, not a ranker)."""
        return Ranker.load(self.index_dir)

    def _named(self) -> str:
        """The generation CURRENT names ("" mid-switch or removed: keep answering from what is open)."""
        try:
            return (self.index_dir / "CURRENT").read_text().strip()
        except OSError:
            return ""

    def _follow(self) -> None:
        """A running bot sees an ingest that finished: every ingest publishes a new generation."""
        name = self._named()
        if name and name != self.generation.name:
            with suppress(store.IndexUnavailable):
                self._open(store.current(self.index_dir))

    def ask(self, question: str, lang: str | None = None, skip: int = 0) -> Answer:
        """Answer in `lang` (default: the question's language); `skip`: the next-best results."""
        self._follow()
        question, cut = clean(question)
        reply = lang or text.detect_lang(question)
        frame = self.frame(question, text.detect_lang(question, default=reply))
        result = self._answer(frame, reply, skip)
        if not cut:
            return result
        return replace(result, warnings=(*result.warnings, Flag(QUESTION_CUT, (("limit", MAX_QUESTION),))))

    def reply(self, question: str, lang: str | None = None) -> Answer | Series | Comparison:
        """What a question gets: both figures when it sets two years against each other, the series
        when it asks how a figure went over years, else the answer. A comparison missing a year, or a
        trend of fewer than TREND_POINTS years, is answered as any question: one report is all there is."""
        cleaned, _ = clean(question)
        frame = read_question(cleaned, text.detect_lang(cleaned, default=lang or "en"), self.analyzer)
        if frame.compared:
            series = self.series(series_query(cleaned, frame.lang), lang, *frame.compared)
            points = tuple(p for p in series.points if p.year in frame.compared)
            if len(points) == len(frame.compared):
                return Comparison(replace(series, points=points))
        elif frame.trend:
            series = self.series(series_query(cleaned, frame.lang), lang, *frame.span)
            if len(series.points) >= TREND_POINTS:
                return series
        return self.ask(question, lang=lang)

    def over_years(self, query: str, lang: str | None = None) -> Series:
        """The series a query names, over the years it names ("from 1978 to 1990", "since 1957"), else all;
        read without the words that ask for years ("how did ... change")."""
        cleaned, _ = clean(query)
        frame = read_question(cleaned, text.detect_lang(cleaned, default=lang or "en"), self.analyzer)
        return self.series(series_query(cleaned, frame.lang), lang, *frame.span)

    def _answer(self, frame: Frame, reply: str, skip: int) -> Answer:
        results = self._results(frame)
        if skip >= len(results):
            return answer.not_found(frame.text, reply)
        probability, chosen, figure = results[skip]
        hit = Hit(chosen.found.passage, chosen.found.article, probability)
        figure = answer.named(figure, hit.passage, self.lexicon, self.analyzer) if figure else None
        others = tuple(Hit(c.found.passage, c.found.article, p) for p, c, _ in results if c is not chosen)[:3]
        return answer.compose(frame, hit, figure, others, reply, more=skip + 1 < len(results))

    def _results(self, frame: Frame) -> list[tuple[float, Candidate, Figure | None]]:
        """The best candidate of each passage, best first, with the probability that it is right and the
        figure to cite: its own when the answer calibrator is sure of it, none when only its passage is
        sure; no results at all when neither is sure of the best candidate."""
        ranked = self.ranked(frame)
        results: list[tuple[float, Candidate, Figure | None]] = []
        seen: set[str] = set()
        for k, (score, candidate, values) in enumerate(ranked):
            passage = candidate.found.passage.id
            if passage in seen:
                continue
            seen.add(passage)
            runner_up = ranked[k + 1][0] if k + 1 < len(ranked) else None
            other = next((s for s, c, _ in ranked[k + 1 :] if c.found.passage.id != passage), None)
            sure_answer = self.ranker.sure_of_answer(score, runner_up, values)
            if sure_answer >= self.ranker.answer.threshold:
                results.append((sure_answer, candidate, candidate.figure))
            elif (sure_passage := self.ranker.sure_of_passage(score, other, values)) >= self.ranker.passage.threshold:
                results.append((sure_passage, candidate, None))
            elif not results:
                return []
        return results

    def ranked(self, frame: Frame, shortlisted: bool = True) -> list[tuple[float, Candidate, list[float]]]:
        """The candidates the first stage keeps (or all of them) with the ranker's score and their feature values,
        best first."""
        scored = self.scored(frame, shortlisted)
        ranked = [(self.ranker.score(v), c, v) for c, v in zip(scored.candidates, scored.vectors, strict=True)]
        return sorted(ranked, key=lambda ranking: -ranking[0])

    def scored(self, frame: Frame, shortlisted: bool = True) -> Scored:
        """The question's candidates and their feature vectors: those the ranker's first stage keeps (what
        serving weighs), or all of them (what training fits)."""
        pool = candidates.pool(frame, self.lexicon, self._retrieve(frame))
        kept = pool.candidates
        if shortlisted:
            early = [features.vector(pool, c, late=False) for c in pool.candidates]
            kept = tuple(pool.candidates[k] for k in self.ranker.shortlist(early))
        return Scored(pool, kept, [features.vector(pool, c) for c in kept])

    def series(self, query: str, lang: str | None = None, start: int | None = None, end: int | None = None) -> Series:
        """The figure a query names across the archive, one point a year from `start` to `end` (inclusive)."""
        self._follow()
        query, _ = clean(query)
        reply = lang or text.detect_lang(query)
        frame = self.frame(query, text.detect_lang(query, default=reply))
        pool = self.series_pool(frame)
        subject = membership.subject(frame, self.lexicon, self.analyzer)
        groups = series.by_year(pool, subject, self.passages, start, end)
        return series.build(pool, self.ranker, groups, reply)

    def series_pool(self, frame: Frame) -> Pool:
        """The candidates of a series: more passages than an answer reads (series.PASSAGES)."""
        return candidates.pool(frame, self.lexicon, self._retrieve(frame, series.PASSAGES, series.PASSAGES))

    def _retrieve(self, frame: Frame, own: int = CANDIDATES, cross: int = CROSS_CANDIDATES) -> list[Found]:
        """Passages from the question-language search and the lexicon-translated one (`own` and `cross`
        passages read from each), and the passages of the figure contexts the question's terms find (a
        context holds both languages, so the lexicon's search of them found no answer the others missed)."""
        limit = Filters(page=frame.page) if frame.page else None
        queries = {
            "own": (list(frame.tokens), frame.lang, own),
            "cross": (sorted(self.lexicon.translate(frame.content_tokens, frame.lang)), candidates.other(frame.lang),
                      cross),
        }
        scores: dict[int, dict[str, float]] = {}
        ranks: dict[int, dict[str, int | None]] = {}
        contexts: dict[int, dict[int, tuple[float, int]]] = {}
        for side, (tokens, lang, count) in queries.items():
            found = self.search.search(tokens, lang, count, limit)
            for rank, (doc, score) in enumerate(found):
                scores.setdefault(doc, {"own": 0.0, "cross": 0.0})[side] = score
                ranks.setdefault(doc, {"own": None, "cross": None})[side] = rank
        context_hits = self.contexts.search_figures(list(frame.tokens), frame.lang, CONTEXT_CANDIDATES, limit)
        for rank, (doc, figures, score) in enumerate(context_hits):
            for figure in figures:  # every figure of the sentence pair, at the pair's score and rank
                contexts.setdefault(doc, {}).setdefault(figure, (score, rank))
            scores.setdefault(doc, {"own": 0.0, "cross": 0.0})
            ranks.setdefault(doc, {"own": None, "cross": None})
        passages, terms = self.content.passages(list(scores)), self.content.terms(list(scores))
        articles = self.content.articles_by_id({p.article_id for p in passages.values()})
        return [
            candidates.found_passage(
                passages[doc], articles[passages[doc].article_id], scores[doc], ranks[doc],
                contexts.get(doc, {}), terms[doc], self.analyzer,
            )
            for doc in scores
            if doc in passages  # a document left by an interrupted update has no row
        ]

    def frame(self, question: str, lang: str) -> Frame:
        """The question read, its terms weighted by BM25's idf in this archive.

        A term no passage holds is weighed as if one did: it is as often a paraphrase
        or a segmentation slip as a sign that the archive cannot answer.
        """
        frame = read_question(question, lang, self.analyzer)
        total = max(self.search.count(), 1)
        weights = {}
        for term in set(frame.tokens):
            df = max(self.search.doc_freq(lang, term), 1)
            weights[term] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        return replace(frame, weights=weights)

    def _article(self, article_id: str) -> Article:
        found = self.content.article(article_id)
        assert found is not None, article_id  # passages and articles are written in one transaction
        return found

    def figures(self, query: str, limit: int = 50, offset: int = 0) -> list[FigureHit]:
        """Figures for inline lookups: those of the value typed when the query is a number, else
        those of the passages that match, most probable first; durations and multipliers ("15
        years", "2 times") after the figures that mean something alone."""
        self._follow()
        query, _ = clean(query)
        values = typed_values(query)
        if values:
            found = self._figures_of_value(values, offset + limit)
        else:
            found = [
                FigureHit(c.figure, c.found.passage, c.found.article, p)
                # every candidate: a lookup lists figures beyond the few an answer weighs
                for p, c, _ in self.ranked(self.frame(query, text.detect_lang(query)), shortlisted=False)
                if c.figure is not None and c.figure.unit not in UNSPOKEN_UNITS
            ]
        found.sort(key=lambda hit: hit.figure.unit in RELATIVE_UNITS)  # stable: probability order within each
        return [replace(hit, figure=answer.named(hit.figure, hit.passage, self.lexicon, self.analyzer))
                for hit in found[offset : offset + limit]]  # fmt: skip

    def _figures_of_value(self, values: list[float], limit: int) -> list[FigureHit]:
        rows = [(doc, f) for doc, f in self.content.figures_valued(values, limit) if f.unit not in UNSPOKEN_UNITS]
        passages = self.content.passages(sorted({doc for doc, _ in rows}))
        return [
            FigureHit(figure, passages[doc], self._article(passages[doc].article_id), 1.0)
            for doc, figure in rows
            if doc in passages
        ]

    def article(self, article_id: str) -> Article | None:
        return self.content.article(article_id)

    def passages(self, article_id: str) -> tuple[Passage, ...]:
        return self.content.article_passages(article_id)

    def every_passage(self) -> list[tuple[str, Passage]]:
        """(archive file, passage) for the whole index: what a baseline over all passages ranks."""
        self._follow()
        return [(a.source, p) for a in self.content.articles() for p in self.passages(a.id)]

    def archives(self) -> list[str]:
        """The archive folders the index was built from."""
        return sorted(store.archives(self.generation))

    def stats(self) -> Stats:
        self._follow()
        m = store.manifest(self.generation)
        day = lambda value: date.fromisoformat(value) if value else None  # noqa: E731
        return Stats(m["articles"], m["passages"], m["figures"], day(m["first_date"]), day(m["last_date"]), m["format"])

