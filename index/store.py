"""The on-disk index: build, version, update, open.

An index folder holds generations (`gen-<n>/`, each an SQLite content store,
a tantivy index, the jieba words and a manifest) and a file `CURRENT` naming
the one in use. Every ingest writes a new generation and then replaces
`CURRENT` in one rename: a build or a rebuild starts it empty, an update starts
it as a copy of the current one (tantivy's write-once files hard-linked, the
rest copied). A published generation is never written again, so a reader never
meets a half-written state and needs no write access, and a crash, a full disk
or a read-only medium at any moment leaves the previous index answering. Each
ingest first clears what a killed one left. A lock keeps two ingests apart.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from index import figures, lexicon, text
from index.align import align
from index.archive import ArchiveError, iter_archive, parse_file, shown_name
from index.content import Content, day_number, doc_number
from index.model import Article, Figure, Passage
from index.question import years_in
from index.search import TextIndex
from index.text import WORDS_FILE, Analyzer, Sentence

FORMAT_VERSION = 7  # bump when analyzers, the figure parser or the layout change: older indexes must be re-ingested
FIGURES_DIR = "figures"  # the tantivy index of figure contexts, beside the passages' "tantivy"
LANGS = ("en", "zh")
BATCH_FILES = 2000
LEXICON_SAMPLE = 50_000  # passage pairs an ingest learns word pairs from: the common words are learnt by then
PARSE_CHUNK = 16  # files a worker parses per task: few enough that results come back many times a second
SMALL = 50  # fewer items than this are handled in the main process: forking would cost more
LOCK_FILE = ".lock"
LOCK_FILE_MODE = 0o644  # like the index's other files: anyone may read, only the owner writes
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>: the signal a process gets when its parent dies
PARENT_POLL_S = 1.0  # where prctl is missing, how often a worker checks that its parent lives
# What forked analysis workers inherit: the analyzer (rjieba's dictionary cannot be pickled) and the batch's
# parsed files, which they read by position rather than receive pickled.
_forked: tuple[Analyzer, list[Prepared]] | None = None
_held: set[Path] = set()  # index folders this process is ingesting (POSIX locks do not exclude oneself)
Progress = Callable[[int, int], None]


ARCHIVES_NAME = "archives.json"


class IndexUnavailable(Exception):
    """The index is missing, damaged, or of another format version."""


class IndexOutdated(IndexUnavailable):
    """The index was built by a version that laid it out otherwise: an ingest builds it anew."""


class IndexLocked(Exception):
    """Another ingest is writing this index."""


class IngestFailed(Exception):
    """The new generation could not be written (disk full, read-only medium); the index in use is unchanged."""


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
        raise IndexOutdated(
            f"the index at {index_dir} has format {manifest.get('format')}, this version reads "
            f"{FORMAT_VERSION}: {advice}"
        )
    return generation


def archives(generation: Path) -> list[str]:
    """The archive folders (resolved paths) the generation was built from."""
    try:
        return sorted(json.loads((generation / ARCHIVES_NAME).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return []  # built before folders were remembered


def manifest(generation: Path) -> dict:
    return json.loads((generation / "manifest.json").read_text())


def ingest(
    archive: Path, index_dir: Path, progress: Progress | None = None, rebuild: bool = False, follow_links: bool = False
) -> IngestReport:
    """Build or update the index from every archive file; bad files are reported, not fatal.

    An update reads `archive` alone; a build (`rebuild`, or no usable index) reads it and every
    folder the index remembers, so no folder's articles are lost. IngestFailed (one line, naming
    the file or folder) when the index cannot be written; the index in use stays.
    `follow_links`: also ingest links to files outside the archive folder.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with _lock(index_dir):
            _clear_leftovers(index_dir)
            base = None if rebuild else _usable(index_dir)
            folders = [archive.resolve()] if base else _every_folder(archive, index_dir)
            return _build(folders, index_dir, base, progress, follow_links)
    except (OSError, sqlite3.Error, ValueError) as error:
        reason = _write_failure(error, index_dir)
        if reason is None:
            raise
        raise IngestFailed(f"{reason}; the index in use is unchanged") from None


def _every_folder(archive: Path, index_dir: Path) -> list[Path]:
    """`archive`, then every other folder the index in use remembers, whatever its format or state."""
    named = archive.resolve()
    try:
        remembered = archives(index_dir / (index_dir / "CURRENT").read_text().strip())
    except (OSError, ValueError):
        remembered = []  # no index, or one too damaged to say: nothing else to keep
    others = [Path(folder) for folder in remembered if Path(folder) != named]
    for folder in others:
        if not folder.is_dir():
            raise IngestFailed(
                f"cannot rebuild {index_dir}: it holds the articles of {folder}, which is missing; the index "
                f"in use is unchanged (bring the folder back, or build a new index with another --index)"
            )
    return [named, *others]


def _build(
    folders: list[Path], index_dir: Path, base: Path | None, progress: Progress | None, follow_links: bool
) -> IngestReport:
    """A new generation, empty or a copy of `base`, brought up to date with the folders and made current."""
    target = _new_generation(index_dir)
    try:
        if base:
            _copy_generation(base, target)
        report = _update(folders, target, fresh=base is None, progress=progress, follow_links=follow_links)
        _switch(index_dir, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # unfinished: never to be read, nor left to fill the disk
        raise
    return report


def _write_failure(error: Exception, index_dir: Path) -> str | None:
    """One line for a failure of the medium (full, read-only, I/O), naming the file; None for anything else."""
    if isinstance(error, OSError):
        where = error.filename2 or error.filename or index_dir  # a failed copy names its destination second
        verb = "write" if Path(os.fsdecode(where)).is_relative_to(index_dir) else "read"
        return f"cannot {verb} {where}: {error.strerror or error}"
    if isinstance(error, sqlite3.OperationalError):  # full, read-only, I/O; not a misuse of SQL, which is a bug
        return f"cannot write the index at {index_dir} (content.sqlite): {error}"
    if isinstance(error, sqlite3.Error):
        return None
    # tantivy reports its I/O errors as ValueError naming the OS error; any other ValueError is a bug
    message = " ".join(str(error).split())
    if "os error" in message.lower() or "io error" in message.lower():
        return f"cannot write the index at {index_dir} (tantivy): {message}"
    return None


def _usable(index_dir: Path) -> Path | None:
    try:
        return current(index_dir)
    except IndexUnavailable:
        return None


def _update(
    folders: list[Path], target: Path, fresh: bool, progress: Progress | None, follow_links: bool = False
) -> IngestReport:
    """Bring `target` up to date with the folders (resolved paths; the first is the one asked for)."""
    content = Content(target / "content.sqlite")
    search = TextIndex(target / "tantivy", create=fresh)
    contexts = TextIndex(target / FIGURES_DIR, create=fresh)
    known = content.hashes()
    files: list[tuple[Path, Path]] = []
    errors: list[ArchiveError] = []
    for folder in folders:
        found, refused = _archive_files(folder, follow_links)
        files += [(folder, path) for path in found]
        errors += [_named(folder, folders[0], error) for error in refused]
    asked = shown_name(str(folders[0]))
    tally = {"added": 0, "updated": 0, "unchanged": 0, "parsed": 0, "stored": 0}
    warnings: list[str] = []
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[set[str], set[str]]] = []
    analyzer = Analyzer.load(target)

    def step(*stages: str) -> None:
        """Count a file through parsing and storing; the bar shows files through both, so it moves
        while a batch is parsed as well as while one is stored."""
        for stage in stages:
            tally[stage] += 1
        if progress:
            progress((tally["parsed"] + tally["stored"]) // 2, len(files))

    def changed(batch: list[tuple[Path, Path]]) -> list[tuple[Path, Path, str]]:
        todo = []
        for folder, path in batch:
            key = (shown_name(str(folder)), path.relative_to(folder).as_posix())
            seen.add(key)
            digest = _file_hash(path)
            if known.get(key, ("", ""))[1] == digest:
                tally["unchanged"] += 1
                step("parsed", "stored")
            else:
                todo.append((path, folder, digest))
        return todo

    batches = list(_batches(files, BATCH_FILES))
    with _pool(len(files)) as parser:
        for results in _parsed((changed(b) for b in batches), parser, lambda: step("parsed")):
            prepared = []
            for folder, result in results:
                if isinstance(result, ArchiveError):
                    errors.append(_named(folder, folders[0], result))
                    step("stored")
                else:
                    prepared.append(result)
            analyzer.learn(_names(prepared))
            for item, tokens in zip(prepared, analyze_all(prepared, analyzer), strict=True):
                article = item.article
                tally["updated" if (article.archive, article.source) in known else "added"] += 1
                shown = article.source if article.archive == asked else f"{article.archive}/{article.source}"
                warnings.extend(f"{shown}: {w}" for w in article.warnings)
                _store(content, (search, contexts), item, tokens)
                pairs.extend(_term_pairs(tokens)[: LEXICON_SAMPLE - len(pairs)])
                step("stored")
    # Only files gone from a folder read here are removed: the articles of every other folder stay.
    read = {shown_name(str(folder)) for folder in folders}
    removed = [aid for key, (aid, _) in known.items() if key[0] in read and key not in seen]
    for aid in removed:
        content.delete(aid)
        search.delete_article(aid)
        contexts.delete_article(aid)
    # tantivy first: its documents name passages by content, so until SQLite commits
    # too, new documents find no rows and old rows stay as they were.
    search.commit()
    contexts.commit()
    content.db.commit()
    _atomic_write(target / WORDS_FILE, analyzer.saved())
    # ASCII escapes: a folder name that is not UTF-8 still has a place in JSON.
    remembered = set() if fresh else set(archives(target))
    _atomic_write(target / ARCHIVES_NAME, json.dumps(sorted(remembered | {str(f) for f in folders})))
    _atomic_write(target / "lexicon.json", load_lexicon(target).merged(lexicon.build(pairs)).to_json())
    counts = content.counts()
    _write_manifest(target, content, counts)
    content.close()
    return IngestReport(
        *counts, tally["added"], tally["updated"], len(removed), tally["unchanged"], tuple(errors), tuple(warnings)
    )


def _named(folder: Path, asked: Path, error: ArchiveError) -> ArchiveError:
    """An error names its file relative to the folder asked for; a rebuild also reads the other
    folders the index remembers, whose files it names by their whole path."""
    return error if folder == asked else ArchiveError(f"{folder}/{error.path}", error.line, error.reason)


def _store(
    content: Content, searches: tuple[TextIndex, TextIndex], prepared: Prepared, analyzed: list[Terms]
) -> None:
    """An article's rows, its passages' documents and its figures' contexts' documents (one a sentence pair)."""
    article = prepared.article
    day = day_number(article.date)
    passages, contexts = searches
    passages.delete_article(article.id)
    contexts.delete_article(article.id)
    numbered = []
    for passage, terms in zip(prepared.passages, analyzed, strict=True):
        doc = doc_number(passage.id, prepared.content_hash)
        passages.add(doc, article.id, day, article.page or 0, terms.passage)
        for positions, context in terms.contexts:
            contexts.add(doc, article.id, day, article.page or 0, context, figures=positions)
        numbered.append((doc, passage, terms.distinct))
    content.put(article, prepared.content_hash, numbered)


@dataclass(frozen=True)
class Terms:
    """What a passage is indexed under, per language, and the contexts of its cited figures, each as text: its
    terms joined by spaces (no term holds one). A string crosses from an analysis worker to the main process
    at a fraction of the cost of a list of short strings, which was a quarter of a bulk ingest's CPU."""

    passage: dict[str, str]
    distinct: dict[str, str]  # the passage's terms, each once: what content.sqlite keeps for the features
    # One a (Chinese sentence, English sentence) pair: (positions in Passage.figures of the figures it holds,
    # text per language). A sentence citing three figures is searched once, not three times.
    contexts: tuple[tuple[tuple[int, ...], dict[str, str]], ...]


def analyze(prepared: Prepared, analyzer: Analyzer) -> list[Terms]:
    """The terms each passage of a parsed file is indexed under: its title's and its sentences'."""
    article = prepared.article
    titles = {"en": analyzer.analyze(article.title_en, "en"), "zh": analyzer.analyze(article.title_zh, "zh")}
    return [_passage_terms(passage, titles, analyzer, article.date.year) for passage in prepared.passages]


def _passage_terms(passage: Passage, titles: dict[str, list[str]], analyzer: Analyzer, published: int) -> Terms:
    """Each sentence analyzed once: the passage's terms are all of them, a figure's context its own."""
    bodies = {lang: getattr(passage, lang) for lang in LANGS}
    sentences = {lang: [_with_years(s, bodies[lang], lang, published) for s in analyzer.sentences(bodies[lang], lang)]
                 for lang in LANGS}  # fmt: skip
    terms = {
        lang: [*titles[lang], *(t for s in sentences[lang] for t in s.terms)] if sentences[lang] else []
        for lang in LANGS
    }
    pairs: dict[tuple[Sentence | None, ...], list[int]] = {}
    for position, figure in enumerate(passage.figures):
        if figure.lang == "zh" or not passage.zh:  # the ones answers cite
            pairs.setdefault(_context_sentences(figure, passage, sentences), []).append(position)
    contexts = tuple(
        (tuple(positions), {lang: " ".join(s.terms) if s else "" for lang, s in zip(LANGS, pair, strict=True)})
        for pair, positions in pairs.items()
        if any(pair)  # a context with no sentence has no terms: no search could find it
    )
    return Terms({lang: " ".join(terms[lang]) for lang in LANGS},
                 {lang: " ".join(dict.fromkeys(terms[lang])) for lang in LANGS}, contexts)  # fmt: skip


def _with_years(sentence: Sentence, body: str, lang: str, published: int) -> Sentence:
    """The sentence's terms and, as digits, the years it speaks of (今年 in a paper of 1989: 1989; 一九八二年:
    1982), so that a question naming a year finds the report that says "this year"."""
    said = {str(year) for year in years_in(body[sentence.start : sentence.end], published, lang)}
    extra = sorted(said - set(sentence.terms))
    return replace(sentence, terms=(*sentence.terms, *extra)) if extra else sentence


def _context_sentences(
    figure: Figure, passage: Passage, sentences: dict[str, list[Sentence]]
) -> tuple[Sentence | None, ...]:
    """The figure's sentence and the sentence that holds its translation, in LANGS order (None: not found)."""
    at = {figure.lang: figure.span[0]}
    if figure.translation and (found := passage.en.find(figure.translation)) >= 0:
        at["en"] = found
    return tuple(next((s for s in sentences[lang] if s.holds(at[lang])), None) if lang in at else None
                 for lang in LANGS)  # fmt: skip


def _pool(files: int) -> ProcessPoolExecutor | nullcontext[None]:
    """Worker processes for parsing, unless there is too little to parse to pay for them."""
    return nullcontext() if files < SMALL else _workers()


def _parsed(
    batches: Iterator[list[tuple[Path, Path, str]]], pool: ProcessPoolExecutor | None, each: Callable[[], None]
) -> Iterator[list[tuple[Path, Prepared | ArchiveError]]]:
    """Each batch parsed, (folder, result) a file, the next one already parsing while the caller
    analyzes and stores this one; `each` is called as each file's result comes back.

    Parsing needs none of the words jieba learns, so one pool serves every batch; the
    cores stay busy while the main process writes SQLite and tantivy.
    """
    ahead: tuple[list[Path], Iterator[Prepared | ArchiveError]] | None = None
    for todo in batches:
        # Executor.map submits every task at once: the batch runs while the previous one is yielded.
        submitted = pool.map(_prepare_star, todo, chunksize=PARSE_CHUNK) if pool else map(_prepare_star, todo)
        if ahead is not None:
            yield _collected(*ahead, each)
        ahead = [folder for _, folder, _ in todo], submitted
    if ahead is not None:
        yield _collected(*ahead, each)


def _collected(
    folders: list[Path], results: Iterator[Prepared | ArchiveError], each: Callable[[], None]
) -> list[tuple[Path, Prepared | ArchiveError]]:
    collected = []
    for folder, result in zip(folders, results, strict=True):
        collected.append((folder, result))
        each()
    return collected


def analyze_all(prepared: list[Prepared], analyzer: Analyzer) -> list[list[Terms]]:
    """Every file's terms, over both cores: workers forked now start with the names learnt so far."""
    global _forked
    if len(prepared) < SMALL:
        return [analyze(item, analyzer) for item in prepared]
    _forked = analyzer, prepared
    try:
        with _workers() as pool:
            return list(pool.map(_analyze_forked, range(len(prepared)), chunksize=16))
    finally:
        _forked = None  # the batch is not kept past its analysis


def _analyze_forked(position: int) -> list[Terms]:
    assert _forked is not None  # set by analyze_all before the fork
    analyzer, prepared = _forked
    return analyze(prepared[position], analyzer)


def _workers() -> ProcessPoolExecutor:
    """One process a core, forked: a worker starts with what the main process has loaded.

    Workers die with the ingest process, however it dies, and never hold the ingest lock
    (a POSIX lock, which a forked process does not inherit).
    """
    return ProcessPoolExecutor(
        max_workers=os.cpu_count() or 2,
        mp_context=get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end this worker when the ingest process ends, so none outlives a kill -9."""
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = getattr(libc, "prctl", None)
    # The kernel sends the signal when the thread that forked us ends: ingest forks from its own thread.
    if prctl is None or prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before prctl took effect: no signal will come
        os._exit(1)


def _watch_parent(parent: int) -> None:
    """Where prctl is missing: poll, since an orphan is adopted by another process."""
    while os.getppid() == parent:
        threading.Event().wait(PARENT_POLL_S)
    os._exit(1)


def _archive_files(archive: Path, follow_links: bool) -> tuple[list[Path], list[ArchiveError]]:
    """The archive's files; a link leading out of the archive folder is reported, not read, unless asked."""
    root = archive.resolve()
    files: list[Path] = []
    refused: list[ArchiveError] = []
    for path in iter_archive(archive):
        # only links can lead out: folders reached through links are not searched (rglob)
        if follow_links or not path.is_symlink() or path.resolve().is_relative_to(root):
            files.append(path)
        else:
            source = shown_name(path.relative_to(archive).as_posix())
            refused.append(ArchiveError(source, 0, "a link to a file outside the archive folder, not followed "
                                                   "(ingest --follow-links reads it)"))
    return files, refused


def _names(prepared: list[Prepared]) -> set[str]:
    """Names to segment whole: items of lists (see text.list_names), authors, photographers."""
    names: set[str] = set()
    for item in prepared:
        article = item.article
        for paragraph in (*article.paragraphs_zh, *article.captions_zh):
            names |= text.list_names(paragraph)
        names.update(n for n in (*article.authors_zh, article.photographer) if len(n) >= 2)
    return names


def load_lexicon(generation: Path) -> lexicon.Lexicon:
    path = generation / "lexicon.json"
    return lexicon.Lexicon.from_json(path.read_text(encoding="utf-8")) if path.exists() else lexicon.Lexicon.empty()


def _term_pairs(analyzed: list[Terms]) -> list[tuple[set[str], set[str]]]:
    """Each passage's (Chinese words, English terms), numbers left out."""
    return [
        ({t for t in zh if not t[0].isdigit()}, {t for t in en if not t[0].isdigit()})
        for zh, en in ((terms.distinct["zh"].split(), terms.distinct["en"].split()) for terms in analyzed)
        if zh and en
    ]


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


def _copy_generation(base: Path, target: Path) -> None:
    """Start an update from the current generation, which stays as it is for its readers.

    tantivy never changes a file once written (deletes and merges make new files, meta.json is
    replaced by a rename), so its files are hard-linked; SQLite and the rest are copied. The
    manifest is left out: it is written last, when the generation is complete.
    """
    for entry in base.iterdir():
        if entry.name == "manifest.json":
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, copy_function=_link_or_copy, ignore=_lock_files)
        else:
            shutil.copyfile(entry, target / entry.name)


def _link_or_copy(source: str, destination: str) -> None:
    if source.endswith(".json"):  # small, and rewritten by tantivy: a private copy costs nothing
        shutil.copyfile(source, destination)
        return
    try:
        os.link(source, destination)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, destination)


def _lock_files(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name.endswith(".lock")}  # tantivy's, made afresh by whoever opens


def _clear_leftovers(index_dir: Path) -> None:
    """Remove what a killed or failed ingest left: generations CURRENT does not name, half-written files."""
    try:
        keep = (index_dir / "CURRENT").read_text().strip()
    except OSError:
        keep = ""
    for generation in index_dir.glob("gen-*"):
        if generation.name != keep:
            shutil.rmtree(generation, ignore_errors=True)
    for temporary in index_dir.glob("*.tmp"):
        temporary.unlink(missing_ok=True)


def _switch(index_dir: Path, target: Path) -> None:
    """Point CURRENT at the new generation in one rename, then drop the others."""
    _atomic_write(index_dir / "CURRENT", target.name)
    _sync_folder(index_dir)  # the rename itself survives a power cut
    for old in index_dir.glob("gen-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)


def _atomic_write(path: Path, data: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def _lock(index_dir: Path) -> Iterator[None]:
    """One ingest at a time. A POSIX record lock (lockf), not flock: forked workers do not inherit
    it, and the kernel releases it when this process ends, however it ends."""
    key = index_dir.resolve()
    locked = IndexLocked(f"another ingest is writing {index_dir}; try again when it ends")
    if key in _held:
        raise locked
    descriptor = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, LOCK_FILE_MODE)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise locked from None
            raise
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
    finally:
        os.close(descriptor)  # releases the lock
