"""What holds when things go wrong: a killed rebuild, two ingests at once, a fuzzed archive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, SAMPLE
from fault_helpers import lock_is_free, wait_until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.engine import Engine
from index.store import IndexLocked, current, ingest

REFERENCE = SAMPLE / "1989-08-29_p4_south-connect-north-open.txt"
QUESTION = "How many laborers were sent to the Soviet Union?"
LOCK_RELEASE_S = 30.0  # bound on the wait for the kernel to release a killed ingest's lock


def many_articles(folder: Path, count: int) -> Path:
    """`count` variants of the sample article, each on its own date."""
    text = REFERENCE.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        day = f"19{50 + n % 50}-0{1 + n % 9}-1{n % 10}"
        (folder / f"a{n:05}.txt").write_text(text.replace("1989-08-29", day).replace("9000", str(9000 + n)),
                                             encoding="utf-8")
    return folder


def test_a_rebuild_killed_midway_leaves_the_old_index_answering(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    before = current(index_dir)
    archive = many_articles(tmp_path / "big", 1500)
    rebuild = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", str(archive), "--index", str(index_dir), "--rebuild"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    time.sleep(3)
    assert rebuild.poll() is None, "the rebuild finished before it could be killed: make the archive larger"
    os.killpg(rebuild.pid, signal.SIGKILL)
    rebuild.wait(timeout=30)
    # The kernel releases the lock as the parent ends; its workers never held it. Wait on the
    # kernel, bounded, rather than race it: a loaded machine may still be tearing the group down.
    assert wait_until(lambda: lock_is_free(index_dir), LOCK_RELEASE_S)
    assert current(index_dir) == before
    answer = Engine.open(index_dir).ask(QUESTION)
    assert answer.found and answer.figure is not None and answer.figure.value == 9000
    assert ingest(SAMPLE, index_dir, rebuild=True).articles == 1  # and the next ingest clears the debris
    assert [p.name for p in index_dir.glob("gen-*")] == [current(index_dir).name]


def test_two_ingests_at_once_are_refused_clearly(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    archive = many_articles(tmp_path / "big", 600)
    first = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", str(archive), "--index", str(index_dir)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (index_dir / ".lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        second = subprocess.run(
            [sys.executable, "-m", "bot.cli", "ingest", str(SAMPLE), "--index", str(index_dir)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )
        assert first.poll() is None, "the first ingest ended too soon to test the lock"
        assert second.returncode == 1
        assert "another ingest is writing" in second.stderr
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0
    assert Engine.open(index_dir).stats().articles == 600


def test_the_lock_is_released_after_an_ingest(tmp_path: Path) -> None:
    ingest(SAMPLE, tmp_path / "ix")
    ingest(SAMPLE, tmp_path / "ix")
    assert IndexLocked.__doc__


damage = st.sampled_from(["truncate", "append_bytes", "latin1", "huge_line", "nul"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(damage, min_size=1, max_size=5), cut=st.floats(0.0, 1.0), junk=st.binary(max_size=300))
def test_a_fuzzed_archive_ingests_every_good_file(tmp_path_factory, kinds: list[str], cut: float,
                                                  junk: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    raw = REFERENCE.read_bytes()
    (folder / "good.txt").write_bytes(raw)
    for n, kind in enumerate(kinds):
        data = {
            "truncate": raw[: int(len(raw) * cut)],
            "append_bytes": raw + junk,
            "latin1": raw.decode("utf-8").encode("utf-8")[:200] + "Ångström café".encode("latin-1"),
            "huge_line": raw + b"\n" + b"x" * 200_000 + b"\n",
            "nul": raw[:500] + b"\x00" + raw[500:],
        }[kind]
        (folder / f"bad{n}.txt").write_bytes(data)
    report = ingest(folder, folder.parent / f"{folder.name}-ix")
    sources = {f"bad{n}.txt" for n in range(len(kinds))} | {"good.txt"}
    reported = {e.path for e in report.errors}
    assert report.articles + len(reported) == len(sources)
    assert "good.txt" not in reported
    assert all(e.reason for e in report.errors)
