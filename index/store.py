"""The on-disk index: build, version, update, open.

An index folder holds generations (`gen-<n>/`, each an SQLite content store,
a tantivy index, the jieba words and a manifest) and a file `CURRENT` naming
the one in use. A first build or a rebuild writes a new generation and then
replaces `CURRENT` in one rename, so a crash at any moment leaves the previous
index answering. An update of a current index changes it in place through
tantivy's and SQLite's own atomic commits. A lock file keeps two ingests apart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

import jieba

from index import figures, lexicon, text
from index.align import align
from index.archive import ArchiveError, iter_archive, parse_file
from index.content import Content, day_number, doc_number
from index.model import Article, Passage
from index.search import TextIndex

FORMAT_VERSION = 2  # bump when analyzers or layout change: older indexes must be re-ingested
BATCH_FILES = 2000
LEXICON_SAMPLE = 50_000  # passage pairs an ingest learns word pairs from: the common words are learnt by then
SMALL = 50  # fewer items than this are handled in the main process: forking would cost more
Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")


ARCHIVES_NAME = "archives.json"


class IndexUnavailable(Exception):
    """The index is missing, damaged, or of another format version."""


class IndexLocked(Exception):
    """Another ingest is writing this index."""


@dataclass(frozen=True)
class IngestReport:
    articles: int
    passages: int
    figures: int
    added: int
    updated: int
    removed: int
    unchanged: int
    errors: tuple[ArchiveError, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Prepared:
    """One parsed file with its passages, ready to be analyzed and stored."""

    article: Article
    content_hash: str
    passages: tuple[Passage, ...]


def current(index_dir: Path) -> Path:
    """The generation in use, checked; IndexUnavailable says what to do otherwise."""
    advice = f"run `archive-bot ingest ARCHIVE_DIR --index {index_dir}` to build it"
    try:
        generation = index_dir / (index_dir / "CURRENT").read_text().strip()
        manifest = json.loads((generation / "manifest.json").read_text())
    except FileNotFoundError:
        raise IndexUnavailable(f"no index at {index_dir}: {advice}") from None
    except (OSError, ValueError) as error:
        raise IndexUnavailable(f"the index at {index_dir} is damaged ({error}): {advice}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexUnavailable(
            f"the index at {index_dir} has format {manifest.get('format')}, this version reads "
            f"{FORMAT_VERSION}: {advice}"
        )
    return generation


def archives(generation: Path) -> dict[str, list[str]]:
    """The archive folders the generation was built from, each with its files (paths relative to it)."""
    try:
        return json.loads((generation / ARCHIVES_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}  # built before folders were remembered


def manifest(generation: Path) -> dict:
    return json.loads((generation / "manifest.json").read_text())


def load_words(generation: Path) -> None:
    """Give jieba the archive names this generation was analyzed with."""
    text.add_words(_read_words(generation))


def ingest(archive: Path, index_dir: Path, progress: Progress | None = None, rebuild: bool = False) -> IngestReport:
    """Build or update the index from every archive file; bad files are reported, not fatal."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with _lock(index_dir):
        generation = None if rebuild else _usable(index_dir)
        target = generation or _new_generation(index_dir)
        load_words(target)
        report = _update(archive, target, fresh=generation is None, progress=progress)
        if generation is None:
            _switch(index_dir, target)
        return report


def _usable(index_dir: Path) -> Path | None:
    try:
        return current(index_dir)
    except IndexUnavailable:
        return None


def _update(archive: Path, target: Path, fresh: bool, progress: Progress | None) -> IngestReport:
    content = Content(target / "content.sqlite")
    search = TextIndex(target / "tantivy", create=fresh)
    known = content.hashes()
    files = list(iter_archive(archive))
    tally = {"added": 0, "updated": 0, "unchanged": 0}
    errors: list[ArchiveError] = []
    warnings: list[str] = []
    seen: set[str] = set()
    pairs: list[tuple[set[str], set[str]]] = []
    words = _read_words(target)
    jieba.initialize()  # once here, not in every forked worker of every batch
    done = 0

    def changed(batch: list[Path]) -> list[tuple[Path, Path, str]]:
        todo = []
        for path in batch:
            source = path.relative_to(archive).as_posix()
            seen.add(source)
            digest = _file_hash(path)
            if known.get(source, ("", ""))[1] == digest:
                tally["unchanged"] += 1
            else:
                todo.append((path, archive, digest))
        return todo

    batches = list(_batches(files, BATCH_FILES))
    with _pool(len(files)) as parser:
        for batch, results in zip(batches, _parsed((changed(b) for b in batches), parser), strict=True):
            prepared = []
            for result in results:
                if isinstance(result, ArchiveError):
                    errors.append(result)
                else:
                    prepared.append(result)
            words.update(_learn_names(prepared))
            for stored, (item, tokens) in enumerate(zip(prepared, _parallel(analyze, prepared), strict=True), 1):
                tally["updated" if item.article.source in known else "added"] += 1
                warnings.extend(f"{item.article.source}: {w}" for w in item.article.warnings)
                _store(content, search, item, tokens)
                pairs.extend(_term_pairs(tokens)[: LEXICON_SAMPLE - len(pairs)])
                if progress:  # per file stored, so a bar moves within a batch too
                    progress(done + stored, len(files))
            done += len(batch)
            if progress:
                progress(done, len(files))
    folders = {} if fresh else archives(target)
    folder = str(archive.resolve())
    # Only files that came from this folder and are gone from it are removed: another
    # folder's articles, and those of an index from before folders were remembered, stay.
    mine = set(folders.get(folder, ()))
    removed = [(source, aid) for source, (aid, _) in known.items() if source in mine and source not in seen]
    folders[folder] = sorted(seen)
    for _, aid in removed:
        content.delete(aid)
        search.delete_article(aid)
    # tantivy first: its documents name passages by content, so until SQLite commits
    # too, new documents find no rows and old rows stay as they were.
    search.commit()
    content.db.commit()
    _atomic_write(target / "words.txt", "\n".join(sorted(words)))
    _atomic_write(target / ARCHIVES_NAME, json.dumps(folders, ensure_ascii=False))
    _atomic_write(target / "lexicon.json", load_lexicon(target).merged(lexicon.build(pairs)).to_json())
    counts = content.counts()
    _write_manifest(target, content, counts)
    content.close()
    return IngestReport(
        *counts, tally["added"], tally["updated"], len(removed), tally["unchanged"], tuple(errors), tuple(warnings)
    )


def _store(content: Content, search: TextIndex, prepared: Prepared, analyzed: list[dict[str, list[str]]]) -> None:
    article = prepared.article
    day = day_number(article.date)
    search.delete_article(article.id)
    numbered = []
    for passage, tokens in zip(prepared.passages, analyzed, strict=True):
        doc = doc_number(passage.id, prepared.content_hash)
        search.add(doc, article.id, day, article.page or 0, tokens)
        numbered.append((doc, passage))
    content.put(article, prepared.content_hash, numbered)


def analyze(prepared: Prepared) -> list[dict[str, list[str]]]:
    """The terms each passage of a parsed file is indexed under, per language."""
    article = prepared.article
    return [
        {"en": text.passage_terms(article.title_en, p.en, "en"), "zh": text.passage_terms(article.title_zh, p.zh, "zh")}
        for p in prepared.passages
    ]


def _pool(files: int) -> ProcessPoolExecutor | nullcontext[None]:
    """Worker processes for parsing, unless there is too little to parse to pay for them."""
    return nullcontext() if files < SMALL else _workers()


def _parsed(
    batches: Iterator[list[tuple[Path, Path, str]]], pool: ProcessPoolExecutor | None
) -> Iterator[list[Prepared | ArchiveError]]:
    """Each batch parsed, the next one already parsing while the caller analyzes and stores this one.

    Parsing needs none of the words jieba learns, so one pool serves every batch; the
    cores stay busy while the main process writes SQLite and tantivy.
    """
    ahead = None
    for todo in batches:
        # Executor.map submits every task at once: the batch runs while the previous one is yielded.
        submitted = pool.map(_prepare_star, todo, chunksize=16) if pool else map(_prepare_star, todo)
        if ahead is not None:
            yield list(ahead)
        ahead = submitted
    if ahead is not None:
        yield list(ahead)


def _parallel(work: Callable[[T], R], items: list[T]) -> list[R]:
    """Map over both cores; forked workers inherit the words jieba has learnt so far."""
    if len(items) < SMALL:
        return [work(item) for item in items]
    with _workers() as pool:
        return list(pool.map(work, items, chunksize=16))


def _workers() -> ProcessPoolExecutor:
    """One process a core, forked: a worker starts with what the main process has loaded."""
    return ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=get_context("fork"))


def _learn_names(prepared: list[Prepared]) -> set[str]:
    names: set[str] = set()
    for item in prepared:
        article = item.article
        for paragraph in (*article.paragraphs_zh, *article.captions_zh):
            names |= text.list_names(paragraph)
        names.update(n for n in (*article.authors_zh, article.photographer) if len(n) >= 2)
    text.add_words(names)
    return names


def load_lexicon(generation: Path) -> lexicon.Lexicon:
    path = generation / "lexicon.json"
    return lexicon.Lexicon.from_json(path.read_text(encoding="utf-8")) if path.exists() else lexicon.Lexicon.empty()


def _term_pairs(analyzed: list[dict[str, list[str]]]) -> list[tuple[set[str], set[str]]]:
    """Each passage's (Chinese words, English terms), numbers left out."""
    return [
        ({t for t in terms["zh"] if not t[0].isdigit()}, {t for t in terms["en"] if not t[0].isdigit()})
        for terms in analyzed
        if terms["zh"] and terms["en"]
    ]


def _read_words(generation: Path) -> set[str]:
    path = generation / "words.txt"
    return set(path.read_text(encoding="utf-8").split()) if path.exists() else set()


def _prepare_star(item: tuple[Path, Path, str]) -> Prepared | ArchiveError:
    return _prepare(*item)


def _prepare(path: Path, archive: Path, digest: str) -> Prepared | ArchiveError:
    """Parse, align and read the figures of one file (runs in a worker process)."""
    try:
        article = parse_file(path, archive)
    except ArchiveError as error:
        return error
    except OSError as error:
        return ArchiveError(path.relative_to(archive).as_posix(), 0, f"cannot read: {error.strerror}")
    try:
        passages = tuple(replace(p, figures=figures.for_passage(p.en, p.zh, article.date)) for p in align(article))
    except Exception as error:  # a reader's bug on one file must not stop a million-file ingest
        reason = f"internal error aligning or reading figures, please report: {type(error).__name__}: {error}"
        return ArchiveError(article.source, 0, reason)
    return Prepared(article, digest, passages)


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return ""  # unreadable: _prepare reports it


def _batches(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_manifest(target: Path, content: Content, counts: tuple[int, int, int]) -> None:
    first, last = content.date_range()
    data = {
        "format": FORMAT_VERSION,
        "articles": counts[0],
        "passages": counts[1],
        "figures": counts[2],
        "first_date": first.isoformat() if first else None,
        "last_date": last.isoformat() if last else None,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _atomic_write(target / "manifest.json", json.dumps(data, indent=2))


def _new_generation(index_dir: Path) -> Path:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    target = index_dir / f"gen-{max(numbers, default=0) + 1}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    return target


def _switch(index_dir: Path, target: Path) -> None:
    """Point CURRENT at the new generation in one rename, then drop the others."""
    _atomic_write(index_dir / "CURRENT", target.name)
    for old in index_dir.glob("gen-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)


def _atomic_write(path: Path, data: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@contextmanager
def _lock(index_dir: Path) -> Iterator[None]:
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLocked(f"another ingest is writing {index_dir}; try again when it ends") from None
        yield
