"""The index under bad luck: the ingest parent killed alone, a full disk, a read-only medium,
file names that are not UTF-8, links out of the archive, and the default index path.

Tests that need root (a tmpfs, a read-only bind mount) run in a private mount namespace
(`unshare -m`) or unmount what they mounted, and fall back or skip, saying why, elsewhere.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_fixtures import USER, ask, emulator_fixture  # noqa: F401 (a fixture)
from conftest import ROOT, SAMPLE
from emulator import Emulator
from fault_helpers import lock_is_free, marked, wait_until
from test_reliability import QUESTION, REFERENCE, many_articles

from index import store
from index.engine import Engine
from index.store import IngestFailed, current, ingest

KILLS = 8  # the issue asks for many; 8 keeps the test near 45 s
KILL_SEED = 12  # fixed: the same kill moments on every run, so a failure can be replayed
KILLED_ARCHIVE = 1000  # articles: an ingest of them runs for several seconds, with workers
FROM_START_S = 2.5  # a kill drawn from the start lands on start-up, the lock, listing or hashing
AFTER_WORKERS_S = 1.5  # a kill drawn after the workers appear lands while they parse or analyze
WORKERS_APPEAR_S = 60.0  # bound on the wait for a worker to exist (a loaded machine is slow)
GONE_S = 10.0  # bound on the wait for killed workers to end: the kernel signals them at once
CLI_TIMEOUT_S = 300
BOT_START_S = 30  # bound on the wait for the bot to register its commands
BOT_STOP_S = 15
ARCHIVE_BOT = shutil.which("archive-bot") or str(Path(sys.executable).parent / "archive-bot")
SMALL_DISK = "8m"  # a tmpfs that the sample fits on and 400 articles overflow
OVERFLOW = 400
FITS = 30
LATIN1_NAME = "caf\xe9.txt".encode("latin-1")  # not UTF-8: Python sees the name with a lone surrogate


def run_cli(*args: str, wrap: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*wrap, sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_S)


def answers_the_reference(index_dir: Path) -> bool:
    answer = Engine.open(index_dir).ask(QUESTION)
    return answer.found and answer.figure is not None and answer.figure.value == 9000


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 1 with one line on stderr that holds `words`, and no traceback."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(word in lines[0] for word in words), lines[0]


def leftovers(index_dir: Path) -> list[str]:
    """Anything in the index folder besides CURRENT's generation, CURRENT and the lock file."""
    keep = {current(index_dir).name, "CURRENT", store.LOCK_FILE}
    return sorted(p.name for p in index_dir.iterdir() if p.name not in keep)


# --- the ingest parent killed alone ---------------------------------------------------------


def kill_moments(draw: random.Random) -> Iterator[tuple[bool, float]]:
    """(wait for workers first?, then seconds to wait): half from the start, half once workers run."""
    for kill in range(KILLS):
        after_workers = kill % 2 == 1
        yield after_workers, draw.uniform(0, AFTER_WORKERS_S if after_workers else FROM_START_S)


def kill_parent_alone(archive: Path, index_dir: Path, rebuild: bool, after_workers: bool, delay: float,
                      log: Path) -> int:
    """Start an ingest, SIGKILL its parent process alone at the drawn moment, and check what is left.

    Returns how many workers were alive at the kill."""
    mark = f"{os.getpid()}-{log.name}"
    with open(log, "w") as errors:
        parent = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ingest", str(archive), "--index", str(index_dir)]
            + (["--rebuild"] if rebuild else []),
            cwd=ROOT, env={**os.environ, "ARCHIVE_BOT_KILL_TEST": mark}, stdout=subprocess.DEVNULL, stderr=errors,
            start_new_session=True,  # its own group, as a real server's would be: the kill reaches the parent only
        )
    if after_workers:
        assert wait_until(lambda: len(marked(mark)) > 1 or parent.poll() is not None, WORKERS_APPEAR_S)
    time.sleep(delay)
    assert parent.poll() is None, f"the ingest ended before its kill: {log.read_text()}"
    workers = len(marked(mark) - {parent.pid})
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=CLI_TIMEOUT_S)
    assert wait_until(lambda: not marked(mark), GONE_S), f"workers outlived their parent: {marked(mark)}"
    assert lock_is_free(index_dir)  # at once: only the parent held it, and the kernel released it
    return workers


def test_killing_the_ingest_parent_alone_leaves_no_worker_and_the_old_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    before = current(index_dir)
    archive = many_articles(tmp_path / "big", KILLED_ARCHIVE)
    workers_at_kill = []
    for kill, (after_workers, delay) in enumerate(kill_moments(random.Random(KILL_SEED))):
        rebuild = kill % 4 >= 2  # updates and rebuilds, each killed both ways
        workers_at_kill.append(kill_parent_alone(archive, index_dir, rebuild, after_workers, delay,
                                                 tmp_path / f"kill-{kill}.log"))
        assert current(index_dir) == before and answers_the_reference(index_dir)
    print(f"\n{KILLS} kills of the ingest parent alone; workers alive at each kill: {workers_at_kill}")
    assert sum(1 for n in workers_at_kill if n) >= KILLS // 2  # the kills after workers appeared did hit them

    update = run_cli("ingest", str(archive), "--index", str(index_dir), "--json")
    assert update.returncode == 0, update.stderr
    assert leftovers(index_dir) == []  # every killed generation was cleared
    recovered = json.loads(update.stdout)
    ingest(SAMPLE, tmp_path / "fresh")  # the same two folders, built without a kill
    fresh = ingest(archive, tmp_path / "fresh")
    assert (recovered["articles"], recovered["passages"], recovered["figures"]) == (
        fresh.articles, fresh.passages, fresh.figures) == (KILLED_ARCHIVE + 1, fresh.passages, fresh.figures)
    assert recovered["added"] == KILLED_ARCHIVE and recovered["removed"] == 0  # the sample's folder is kept


# --- a full disk ----------------------------------------------------------------------------


@pytest.fixture(name="small_disk")
def small_disk_fixture(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of SMALL_DISK, unmounted afterwards; skipped where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the monkeypatched test still runs")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_fails_in_one_line_and_the_index_in_use_answers(small_disk: Path, tmp_path: Path) -> None:
    index_dir = small_disk / "ix"
    ingest(SAMPLE, index_dir)
    before = current(index_dir)
    overflow = many_articles(tmp_path / "overflow", OVERFLOW)
    for rebuild in ([], ["--rebuild"]):
        result = run_cli("ingest", str(overflow), "--index", str(index_dir), *rebuild)
        one_line_error(result, str(index_dir), "unchanged")
        assert "full" in result.stderr or "No space left" in result.stderr
        assert current(index_dir) == before and leftovers(index_dir) == []  # the partial generation is gone
        assert answers_the_reference(index_dir)
    fits = many_articles(tmp_path / "fits", FITS)
    shutil.copy(REFERENCE, fits)
    report = ingest(fits, index_dir)  # room again: the next update works and counts exactly
    # the reference in the new folder is an article of its own: the sample folder's copy stays too
    assert (report.articles, report.added, report.removed, report.unchanged) == (FITS + 2, FITS + 1, 0, 0)
    assert leftovers(index_dir) == []


def test_a_write_error_at_the_end_of_an_update_keeps_the_index_in_use(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without root: ENOSPC raised where an update writes its last files."""
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    before = current(index_dir)
    written = store._atomic_write

    def full(path: Path, data: str) -> None:
        if path.name == "words.txt":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written(path, data)

    monkeypatch.setattr(store, "_atomic_write", full)
    archive = many_articles(tmp_path / "a", FITS)
    with pytest.raises(IngestFailed, match=r"words\.txt: No space left on device; the index in use is unchanged"):
        ingest(archive, index_dir)
    assert current(index_dir) == before and leftovers(index_dir) == []
    assert answers_the_reference(index_dir)


# --- a read-only medium ---------------------------------------------------------------------


def read_only_wrapper(tmp_path: Path, folder: Path) -> tuple[str, ...]:
    """A command prefix that runs its command where `folder` is read-only, or () where nothing can make it so.

    As root: a read-only bind mount in a private mount namespace (gone when the command ends).
    Otherwise: chmod -R a-w, which binds everyone but root.
    """
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    wrapper = ("unshare", "-m", "sh", "-c", script, "sh", str(folder))
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        return ()
    probe = subprocess.run([*wrapper, "touch", str(folder / "probe")], capture_output=True, text=True)
    if probe.returncode == 0 or "Read-only file system" not in probe.stderr:
        pytest.skip(f"as root without a mount namespace, nothing here makes a folder read-only: {probe.stderr}")
    return wrapper


def test_ask_reads_a_read_only_index_and_ingest_says_why_it_cannot_write(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    wrap = read_only_wrapper(tmp_path, index_dir)
    asked = run_cli("ask", "--index", str(index_dir), "--json", QUESTION, wrap=wrap)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["found"] and answer["figure"]["value"] == 9000
    refused = run_cli("ingest", str(SAMPLE), "--index", str(index_dir), wrap=wrap)
    one_line_error(refused, str(index_dir / store.LOCK_FILE))
    assert "Read-only file system" in refused.stderr or "Permission denied" in refused.stderr


async def test_serve_answers_from_a_read_only_index(emulator: Emulator, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    wrap = read_only_wrapper(tmp_path, index_dir)
    process = await asyncio.create_subprocess_exec(
        *wrap, ARCHIVE_BOT, "serve", "--index", str(index_dir), "--base-url", emulator.base_url,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": emulator.token},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emulator.wait_for(lambda c: c.method == "setMyCommands", timeout=BOT_START_S)
        assert "9,000" in (await ask(emulator, USER, QUESTION))["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        await emulator.release_polls()
        _, err = await asyncio.wait_for(process.communicate(), timeout=BOT_STOP_S)
    assert process.returncode == 0 and "Traceback" not in err.decode(), err.decode()


# --- archive files ------------------------------------------------------------------------


def test_a_latin1_file_name_is_one_error_and_the_rest_is_ingested(tmp_path: Path) -> None:
    archive = many_articles(tmp_path / "a", FITS)
    os.rename(archive / "a00000.txt", os.fsencode(archive) + b"/" + LATIN1_NAME)
    result = run_cli("ingest", str(archive), "--index", str(tmp_path / "ix"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == FITS - 1
    assert report["errors"] == [{"file": "caf\\xe9.txt", "line": 0, "error": "the file name is not UTF-8: rename "
                                                                              "the file"}]
    assert result.stderr.strip() == "error: caf\\xe9.txt:0: the file name is not UTF-8: rename the file"


def test_links_out_of_the_archive_are_not_followed_unless_asked(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(REFERENCE, archive / "inside.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text(REFERENCE.read_text(encoding="utf-8").replace("1989-08-29", "1990-01-02"), encoding="utf-8")
    (archive / "out.txt").symlink_to(outside)
    (archive / "also-inside.txt").symlink_to(archive / "inside.txt")  # a link within the archive is read
    report = ingest(archive, tmp_path / "ix")
    assert (report.articles, [e.path for e in report.errors]) == (2, ["out.txt"])
    assert "--follow-links" in report.errors[0].reason
    followed = run_cli("ingest", str(archive), "--index", str(tmp_path / "ix"), "--follow-links", "--json")
    assert json.loads(followed.stdout)["articles"] == 3
    assert ingest(archive, tmp_path / "ix").removed == 1  # without the option again, the link's article goes


# --- the default index ----------------------------------------------------------------------


def test_ask_without_index_elsewhere_uses_the_projects_data_folder(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", QUESTION], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                            timeout=CLI_TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["found"]
    assert list(tmp_path.iterdir()) == []  # no ./data/index where the command ran


def test_a_default_index_that_cannot_be_built_says_what_is_missing(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import cli

    monkeypatch.setattr(cli, "DEFAULT_INDEX", tmp_path / "data" / "index")
    monkeypatch.setattr(cli, "DEFAULT_ARCHIVE", tmp_path / "data" / "archive")
    with pytest.raises(store.IndexUnavailable, match=r"no index at .*sample archive .* is missing"):
        cli.open_engine(cli.DEFAULT_INDEX)
    assert not (tmp_path / "data" / "index" / "CURRENT").exists()
