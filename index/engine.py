"""The one object the bot and the command line talk to: open an index, ask it things."""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from index import answer, store, text
from index.content import Content
from index.model import Answer, Article, FigureHit, Hit, Passage
from index.search import Filters, TextIndex

CANDIDATES = 20  # passages read from the search index for a question
ANSWERS = 8  # of those, how many are weighed for the answer (the rest are further "next results")
FIGURE_WEIGHT = 0.05  # how much a well-placed figure outweighs BM25 between close passages
YEAR_BOOST = 1.25  # a question naming a year prefers articles of that year, without excluding others
MAX_QUESTION = 1000  # characters read of a question; the rest is cut
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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
        store.load_words(generation)
        try:
            content = Content(generation / "content.sqlite", readonly=True)
            content.counts()
            search = TextIndex(generation / "tantivy", must_exist=True)
        except (sqlite3.Error, OSError, ValueError) as error:
            raise store.IndexUnavailable(
                f"the index at {self.index_dir} is damaged ({error}): run `archive-bot ingest ARCHIVE_DIR "
                f"--index {self.index_dir} --rebuild`"
            ) from None
        self.generation, self.content, self.search = generation, content, search
        self._seen = self._stamp()

    def _stamp(self) -> tuple[str, int]:
        """Which generation CURRENT names, and when its manifest last changed."""
        try:
            name = (self.index_dir / "CURRENT").read_text().strip()
            return name, (self.index_dir / name / "manifest.json").stat().st_mtime_ns
        except OSError:
            return "", 0  # mid-switch or removed: keep answering from what is open

    def _follow(self) -> None:
        """A running bot sees an ingest that finished: a new generation, or an update in place."""
        stamp = self._stamp()
        if stamp == self._seen or not stamp[0]:
            return
        if stamp[0] != self.generation.name:
            with suppress(store.IndexUnavailable):
                self._open(store.current(self.index_dir))
            return
        store.load_words(self.generation)
        self.search.index.reload()
        self._seen = stamp

    def ask(self, question: str, lang: str | None = None, skip: int = 0) -> Answer:
        """Answer in `lang` (default: the question's language); `skip`: the next-best results."""
        self._follow()
        question, cut = clean(question)
        reply = lang or text.detect_lang(question)
        result = self._answer(self._read(question, text.detect_lang(question, default=reply)), reply, skip)
        return replace(result, text=f"{result.text}\n\n{answer.CUT_NOTE[reply]}") if cut else result

    def _answer(self, asked: answer.Question, reply: str, skip: int) -> Answer:
        ranked = self._rank(asked, self._retrieve(asked, keep=skip + ANSWERS))
        if skip >= len(ranked):
            return answer.not_found(asked.text, reply)
        hit, choice = ranked[skip]
        others = tuple(h for h, _ in ranked if h is not hit)[:3]
        return answer.compose(asked, hit, choice.figure if choice else None, others, reply)

    def _retrieve(self, asked: answer.Question, keep: int = CANDIDATES) -> list[Hit]:
        """The first `keep` passages, by BM25, that hold enough of what the question asks."""
        found = self.search.search(
            list(asked.tokens), asked.lang, CANDIDATES, Filters(page=asked.page) if asked.page else None
        )
        passages = self.content.passages([doc for doc, _ in found])
        hits = []
        for doc, score in found:
            passage = passages.get(doc)
            if passage is None:
                continue  # left by an interrupted update: no row to show
            article = self._article(passage.article_id)
            title = article.title_zh if asked.lang == "zh" else article.title_en
            tokens = set(text.passage_terms(title, getattr(passage, asked.lang), asked.lang))
            if answer.answerable(asked, tokens, f"{title}\n{getattr(passage, asked.lang)}", article.date):
                boost = YEAR_BOOST if article.date.year in asked.years else 1.0
                hits.append(Hit(passage, article, score * boost))
                if len(hits) == keep:
                    break
        return sorted(hits, key=lambda hit: -hit.score)

    def _rank(self, asked: answer.Question, hits: list[Hit]) -> list[tuple[Hit, answer.Choice | None]]:
        """Best passage first; for a figure question, passages with a fitting figure lead."""
        if not answer.wants_figure(asked):
            return [(hit, None) for hit in hits]
        ranked = [(hit, answer.best_figure(asked, hit)) for hit in hits]
        top = hits[0].score if hits else 0.0

        def order(pair: tuple[Hit, answer.Choice | None]) -> tuple[bool, float]:
            hit, choice = pair
            fit = choice.score if choice else 0.0
            return choice is None or hit.score < 0.6 * top, -(hit.score / top + FIGURE_WEIGHT * fit)

        return sorted(ranked, key=order)

    def _read(self, question: str, lang: str) -> answer.Question:
        """The question, its terms weighted by BM25's idf in this archive.

        A term no passage holds is weighed as if one did: it is as often a paraphrase
        or a segmentation slip as a sign that the archive cannot answer.
        """
        asked = answer.read_question(question, lang)
        total = max(self.search.count(), 1)
        weights = {}
        for term in set(asked.tokens):
            df = max(self.search.doc_freq(lang, term), 1)
            weights[term] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        return replace(asked, weights=weights)

    def _article(self, article_id: str) -> Article:
        found = self.content.article(article_id)
        assert found is not None, article_id  # passages and articles are written in one transaction
        return found

    def figures(self, query: str, limit: int = 50, offset: int = 0) -> list[FigureHit]:
        """Figures of the passages that match, best first, for inline lookups."""
        self._follow()
        query, _ = clean(query)
        asked = self._read(query, text.detect_lang(query))
        found: list[FigureHit] = []
        for hit in self._retrieve(asked):
            choice = answer.best_figure(asked, hit)
            for figure in hit.passage.figures:
                if figure.unit in ("date", ""):
                    continue  # a year or a bare number says nothing alone in a chat
                bonus = 1.0 if choice and choice.figure == figure else 0.0
                found.append(FigureHit(figure, hit.passage, hit.article, hit.score + bonus))
        found.sort(key=lambda f: -f.score)
        return found[offset : offset + limit]

    def article(self, article_id: str) -> Article | None:
        return self.content.article(article_id)

    def passages(self, article_id: str) -> tuple[Passage, ...]:
        return self.content.article_passages(article_id)

    def stats(self) -> Stats:
        self._follow()
        m = store.manifest(self.generation)
        day = lambda value: date.fromisoformat(value) if value else None  # noqa: E731
        return Stats(m["articles"], m["passages"], m["figures"], day(m["first_date"]), day(m["last_date"]), m["format"])

