"""BM25 retrieval over analyzed passages, on disk with tantivy.

Tokens come from `index.text`; tantivy only splits them on white space, so
index and query see the very same terms. One text field per language: a
question searches the passages of its own language.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import tantivy

LANGS = ("en", "zh")
META_LOCK = ".tantivy-meta.lock"  # the lock file a tantivy reader takes while it opens segments
LOCK_MODE = 0o644  # what tantivy itself creates it with
# Hits read past the ones asked for, so that documents of equal score at the cut are chosen by doc number
# (a tie wider than this at the cut is still chosen by tantivy, as rare as ten passages scoring alike).
TIES = 8
# A figure-context document stands for every cited figure of one (Chinese sentence, English sentence) pair,
# their positions in Passage.figures kept as a bitmask in one u64 fast field counted from a block start.
# Not a range: the figures of one pair need not be contiguous (two figures of a Chinese sentence may have
# their translations in different English sentences). A passage with more figures than MASK_BITS (a table
# read as a paragraph) gets one document per block of MASK_BITS positions that its pair's figures fall in.
MASK_BITS = 64


@dataclass(frozen=True)
class Filters:
    """Restrict a search to an article date range (yyyymmdd, inclusive) and a page."""

    first_day: int | None = None
    last_day: int | None = None
    page: int | None = None


def _lockable(folder: Path) -> bool:
    """Whether tantivy's reader can make its lock file here (not on a read-only medium)."""
    try:
        os.close(os.open(folder / META_LOCK, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, LOCK_MODE))
    except OSError:
        return False
    return True


def _read_only_view(folder: Path) -> Path:
    """A writable temporary folder of links to a read-only index's files.

    tantivy's reader takes a lock file beside the files it opens, even to only read; the
    files themselves are read through the links. A generation never changes once
    published, so the links stay true.
    """
    view = Path(tempfile.mkdtemp(prefix="archive-bot-index-"))
    for entry in folder.iterdir():
        if not entry.name.endswith(".lock"):
            (view / entry.name).symlink_to(entry.resolve())
    return view


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("doc", stored=True, indexed=True, fast=True)
    # in a figure-context index: the positions of the figures a document stands for (MASK_BITS)
    builder.add_unsigned_field("block", fast=True)
    builder.add_unsigned_field("mask", fast=True)
    builder.add_text_field("article", tokenizer_name="raw", index_option="basic")
    for lang in LANGS:
        builder.add_text_field(lang, tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("page", indexed=True, fast=True)
    return builder.build()


def _masks(positions: tuple[int, ...]) -> dict[int, int]:
    """Figure positions as {block start: bitmask of the positions from it} (one block below MASK_BITS figures)."""
    masks: dict[int, int] = {}
    for position in positions:
        block = position - position % MASK_BITS
        masks[block] = masks.get(block, 0) | 1 << (position - block)
    return masks


def _positions(block: int, mask: int) -> tuple[int, ...]:
    """The positions a bitmask from `block` stands for, in order (its lowest set bit taken off each time)."""
    positions = []
    while mask:
        lowest = mask & -mask
        positions.append(block + lowest.bit_length() - 1)
        mask ^= lowest
    return tuple(positions)


class TextIndex:
    """The tantivy index of one generation: add, delete by article, search."""

    def __init__(self, path: Path, create: bool = False, must_exist: bool = False) -> None:
        if must_exist and not (path / "meta.json").exists():
            raise FileNotFoundError(f"no search index in {path}")
        if must_exist and not _lockable(path):
            view = _read_only_view(path)
            weakref.finalize(self, shutil.rmtree, view, True)
            path = view
        path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, str(path), reuse=not create)
        self._writer: tantivy.IndexWriter | None = None

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=256_000_000, num_threads=2)
        return self._writer

    def add(
        self, doc: int, article: str, day: int, page: int, texts: dict[str, str], figures: tuple[int, ...] = ()
    ) -> None:
        """A passage's document; in a figure-context index, the context (one sentence pair) of the passage's
        figures at the positions `figures`."""
        for block, mask in (_masks(figures) or {0: 0}).items():
            document = tantivy.Document()
            document.add_unsigned("doc", doc)
            document.add_unsigned("block", block)
            document.add_unsigned("mask", mask)
            document.add_text("article", article)
            document.add_integer("day", day)
            document.add_integer("page", page)
            for lang in LANGS:
                document.add_text(lang, texts.get(lang, ""))
            self.writer.add_document(document)

    def delete_article(self, article: str) -> None:
        self.writer.delete_documents_by_term("article", article)

    def commit(self) -> None:
        """Make every change since the last commit visible at once, or none of them."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.index.reload()

    def search(
        self, tokens: list[str], lang: str, limit: int = 10, filters: Filters | None = None
    ) -> list[tuple[int, float]]:
        """Top passages as (doc, BM25 score), best first."""
        return [(doc, score) for doc, _, score in self._ranked(tokens, lang, limit, filters, with_figures=False)]

    def search_figures(
        self, tokens: list[str], lang: str, limit: int = 10, filters: Filters | None = None
    ) -> list[tuple[int, tuple[int, ...], float]]:
        """Top figure contexts, one a sentence pair, as (doc of their passage, positions of the figures the
        sentences hold, BM25 score), best first."""
        return self._ranked(tokens, lang, limit, filters, with_figures=True)

    def _ranked(
        self, tokens: list[str], lang: str, limit: int, filters: Filters | None, with_figures: bool
    ) -> list[tuple[int, tuple[int, ...], float]]:
        """The top `limit` as (doc, figure positions or none, score), equal scores in doc order: tantivy breaks
        ties by where its indexing threads put each document, which differs from one ingest to the next."""
        searcher, hits = self._top(tokens, lang, limit + TIES, filters)
        addresses = [address for _, address in hits]
        docs = searcher.fast_field_values("doc", addresses)
        figures: list[tuple[int, ...]] = [()] * len(docs)
        if with_figures:
            blocks, masks = (searcher.fast_field_values(field, addresses) for field in ("block", "mask"))
            figures = [_positions(block, mask) for block, mask in zip(blocks, masks, strict=True)]
        found = sorted(zip(docs, figures, (score for score, _ in hits), strict=True), key=lambda h: (-h[2], h[0], h[1]))
        return found[:limit]

    def _top(
        self, tokens: list[str], lang: str, limit: int, filters: Filters | None
    ) -> tuple[tantivy.Searcher, list[tuple[float, tantivy.DocAddress]]]:
        searcher = self.index.searcher()
        if not tokens:
            return searcher, []
        terms = [tantivy.Query.term_query(self.schema, lang, t) for t in tokens]
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms])
        if filters:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), *((tantivy.Occur.Must, q) for q in self._filters(filters))]
            )
        # count=False: counting every match costs more than ranking the top ones on common terms;
        # the doc numbers come from the fast field, without reading the document store.
        return searcher, searcher.search(query, limit, count=False).hits

    def _filters(self, filters: Filters) -> list[tantivy.Query]:
        queries = []
        if filters.first_day is not None or filters.last_day is not None:
            queries.append(self._range("day", filters.first_day, filters.last_day))
        if filters.page is not None:
            queries.append(self._range("page", filters.page, filters.page))
        return queries

    def _range(self, field: str, low: int | None, high: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, field, tantivy.FieldType.Integer, low, high)

    def count(self) -> int:
        return self.index.searcher().num_docs

    def doc_freq(self, lang: str, token: str) -> int:
        return self.index.searcher().doc_freq(lang, token)
