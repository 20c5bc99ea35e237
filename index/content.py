"""The content store: articles, passages and figures in SQLite (standard library).

Rows hold what answers need to show; tantivy holds only tokens and refers to
passages by `doc`, a number derived from the passage and its article's content,
so a document left over from an interrupted update never matches a newer row.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from index.model import Article, Figure, Passage

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, archive TEXT NOT NULL, source TEXT NOT NULL, hash TEXT NOT NULL,
    day INTEGER NOT NULL, page INTEGER, data TEXT NOT NULL, UNIQUE (archive, source));
CREATE TABLE IF NOT EXISTS passages (
    doc INTEGER PRIMARY KEY, id TEXT NOT NULL, article_id TEXT NOT NULL, position INTEGER NOT NULL,
    kind TEXT NOT NULL, en TEXT NOT NULL, zh TEXT NOT NULL, terms_en TEXT NOT NULL, terms_zh TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id, position);
CREATE TABLE IF NOT EXISTS figures (
    doc INTEGER NOT NULL, ordinal INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (doc, ordinal));
CREATE INDEX IF NOT EXISTS figures_value ON figures (json_extract(data, '$.value'));
"""
VALUE_TOLERANCE = 1e-9  # relative: 6.08 × 10⁸ and 608 × 10⁶ are one value in floating point


def doc_number(passage_id: str, content_hash: str) -> int:
    """A 63-bit number naming one version of one passage (SQLite integers are signed)."""
    digest = hashlib.blake2b(f"{passage_id}@{content_hash}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _article_json(article: Article) -> str:
    data = dataclasses.asdict(article)
    data["date"] = article.date.isoformat()
    return json.dumps(data, ensure_ascii=False)


def _article_from_json(text: str) -> Article:
    data = json.loads(text)
    data["date"] = date.fromisoformat(data["date"])
    return Article(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def _figure_from_json(text: str) -> Figure:
    data = json.loads(text)
    data["span"] = tuple(data["span"])
    return Figure(**data)


class Content:
    """One SQLite database of a generation of the index."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        uri = path.resolve().as_uri() + (_read_only(path) if readonly else "")  # as_uri escapes ? and # in paths
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        if not readonly:
            self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def hashes(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(archive folder, source) -> (article id, content hash), to skip unchanged files."""
        rows = self.db.execute("SELECT archive, source, id, hash FROM articles")
        return {(archive, source): (aid, digest) for archive, source, aid, digest in rows}

    def put(
        self, article: Article, content_hash: str, passages: Iterable[tuple[int, Passage, dict[str, str]]]
    ) -> None:
        """Replace an article and its passages, each with its distinct terms per language, joined by spaces
        (call inside a transaction)."""
        self.delete(article.id)
        self.db.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.archive,
                article.source,
                content_hash,
                day_number(article.date),
                article.page,
                _article_json(article),
            ),
        )
        for doc, p, terms in passages:
            self.db.execute(
                "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc, p.id, p.article_id, p.position, p.kind, p.en, p.zh, terms["en"], terms["zh"]),
            )
            # vars, not dataclasses.asdict: a figure holds only flat values, and asdict's deep copy
            # was most of the main process's time in a bulk ingest.
            rows = [(doc, i, json.dumps(vars(f), ensure_ascii=False)) for i, f in enumerate(p.figures)]
            self.db.executemany("INSERT INTO figures VALUES (?, ?, ?)", rows)

    def delete(self, article_id: str) -> None:
        self.db.execute(
            "DELETE FROM figures WHERE doc IN (SELECT doc FROM passages WHERE article_id = ?)", (article_id,)
        )
        self.db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article_from_json(row[0]) if row else None

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """The articles with these ids, read at once (a question's passages come from a dozen articles)."""
        ids = list(article_ids)
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, data FROM articles WHERE id IN ({marks})", ids)
        return {article_id: _article_from_json(data) for article_id, data in rows}

    def passages(self, docs: list[int]) -> dict[int, Passage]:
        """The passages with these doc numbers; unknown numbers are left out."""
        if not docs:
            return {}
        marks = ",".join("?" * len(docs))
        rows = self.db.execute(
            f"SELECT doc, id, article_id, position, kind, en, zh FROM passages WHERE doc IN ({marks})", docs
        ).fetchall()
        figures = self._figures([row[0] for row in rows])
        return {
            doc: Passage(pid, aid, pos, en, zh, kind, tuple(figures.get(doc, ())))
            for doc, pid, aid, pos, kind, en, zh in rows
        }

    def terms(self, docs: list[int]) -> dict[int, dict[str, frozenset[str]]]:
        """The terms each passage is indexed under, per language, as analyzed at ingest: a question's
        features read them without analyzing its passages again."""
        marks = ",".join("?" * len(docs))
        rows = self.db.execute(f"SELECT doc, terms_en, terms_zh FROM passages WHERE doc IN ({marks})", docs)
        return {doc: {"en": frozenset(en.split()), "zh": frozenset(zh.split())} for doc, en, zh in rows}

    def article_passages(self, article_id: str) -> tuple[Passage, ...]:
        docs = [
            d
            for (d,) in self.db.execute(
                "SELECT doc FROM passages WHERE article_id = ? ORDER BY position", (article_id,)
            )
        ]
        found = self.passages(docs)
        return tuple(found[d] for d in docs)

    def figures_valued(self, values: Iterable[float], limit: int) -> list[tuple[int, Figure]]:
        """(doc, figure) for figures of one of these values, in archive order, at most `limit`."""
        bounds = [(v - abs(v) * VALUE_TOLERANCE, v + abs(v) * VALUE_TOLERANCE) for v in values]
        if not bounds:
            return []
        where = " OR ".join("json_extract(data, '$.value') BETWEEN ? AND ?" for _ in bounds)
        rows = self.db.execute(f"SELECT doc, data FROM figures WHERE {where} ORDER BY doc, ordinal LIMIT ?",
                               [*(b for pair in bounds for b in pair), limit])  # fmt: skip
        return [(doc, _figure_from_json(data)) for doc, data in rows]

    def _figures(self, docs: list[int]) -> dict[int, list[Figure]]:
        marks = ",".join("?" * len(docs))
        rows = self.db.execute(f"SELECT doc, data FROM figures WHERE doc IN ({marks}) ORDER BY doc, ordinal", docs)
        grouped: dict[int, list[Figure]] = {}
        for doc, data in rows:
            grouped.setdefault(doc, []).append(_figure_from_json(data))
        return grouped

    def counts(self) -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "passages", "figures")
        )

    def date_range(self) -> tuple[date | None, date | None]:
        low, high = self.db.execute("SELECT min(day), max(day) FROM articles").fetchone()
        return _from_day(low), _from_day(high)

    def articles(self) -> Iterator[Article]:
        for (data,) in self.db.execute("SELECT data FROM articles ORDER BY day, source, archive"):
            yield _article_from_json(data)


def _read_only(path: Path) -> str:
    """URI parameters for a reader, which needs no write access to the medium.

    A published generation is never written again, so SQLite may skip its locks and its
    look for a journal (immutable=1). Only a journal or WAL beside the file (left by an
    index updated in place, before generations were copied) needs SQLite to look.
    """
    leftover = any(path.with_name(path.name + suffix).exists() for suffix in ("-journal", "-wal"))
    return "?mode=ro" if leftover else "?mode=ro&immutable=1"


def _from_day(day: int | None) -> date | None:
    return date(day // 10000, day // 100 % 100, day % 100) if day else None
