"""The command line as a new user meets it: help, version, clear messages and exit codes, progress,
batch output, info; no traceback for any mistake a user makes."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from bot_fixtures import emulator_fixture  # noqa: F401 (fixtures)
from conftest import CORPUS, ROOT, SAMPLE
from emulator import Emulator

from bot.cli import SEPARATOR

CLI = [sys.executable, "-m", "bot.cli"]
SIX_ARTICLES = ROOT / "tests" / "data" / "archive"
QUESTIONS = "How many laborers were sent to the Soviet Union?\n1987年黑龙江边境贸易额是多少？\n"
TERMINAL_ROWS, TERMINAL_COLUMNS = 24, 100
GUILIN = "How many tourists did Guilin receive?"
LABORERS = "How many laborers were sent to the Soviet Union?"
BOTH = f"{LABORERS}\n{GUILIN}\n"
SHORT_MESSAGE_LINES = 3  # a mistake is explained in a line or two, never a page of log


def run(*args: str, stdin: str = "", cwd: Path = ROOT, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    result = subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd,
                            env=env)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_bare_call_prints_help_and_version_is_known() -> None:
    bare = run()
    assert bare.returncode == 2 and bare.stdout.startswith("usage: archive-bot") and "ingest" in bare.stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == "archive-bot 0.1.0"


@pytest.mark.parametrize("command", ["ingest", "ask", "info", "chat", "serve", "figures", "eval", "train", "bench"])
def test_every_option_is_described_with_its_default(command: str) -> None:
    text = run(command, "--help").stdout
    entries = [" ".join(e.split()) for e in re.split(r"\n  (?=-)", text.split("options:")[1])]
    options = [e for e in entries if e.startswith("--")]  # each option with its description
    assert options and all("default" in e for e in options), options
    if command == "serve":
        assert any(e.startswith("--listen") and e.endswith("(default: 127.0.0.1)") for e in options)


def test_empty_or_missing_questions_are_bad_usage(sample_index: Path) -> None:
    empty = run("ask", "", "--index", str(sample_index))
    assert empty.returncode == 2 and empty.stderr.startswith("archive-bot: the question is empty")
    assert run("ask", "   ", "--index", str(sample_index)).returncode == 2
    leader, follower = pty.openpty()  # a terminal on stdin, as when a user types `archive-bot ask`
    try:
        waiting = subprocess.run([*CLI, "ask", "--index", str(sample_index)], stdin=follower, capture_output=True,
                                 text=True, timeout=60, cwd=ROOT)  # fmt: skip
    finally:
        os.close(leader)
        os.close(follower)
    assert waiting.returncode == 2 and waiting.stderr.startswith("archive-bot: no question: give one")


def test_batch_text_answers_are_separated(sample_index: Path) -> None:
    result = run("ask", "--index", str(sample_index), stdin=QUESTIONS)
    first, second = result.stdout.split(SEPARATOR)
    assert first.startswith("over 9,000 people") and second.strip().startswith("3422.7万瑞士法郎")


def test_ingest_explains_an_empty_folder_and_a_file_given_as_the_index(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.md").write_text("not an article")
    empty = run("ingest", str(tmp_path / "empty"), "--index", str(tmp_path / "ix"))
    assert empty.returncode == 1 and "holds no .txt files" in empty.stderr
    file_index = run("ingest", str(SAMPLE), "--index", str(tmp_path / "notes.md"))
    assert file_index.returncode == 1 and "is a file; give a folder for the index" in file_index.stderr
    assert (tmp_path / "notes.md").read_text() == "not an article"


def test_ingest_shows_a_progress_bar_with_rate_and_time_left(tmp_path: Path) -> None:
    leader, follower = pty.openpty()  # stderr on a terminal, 100 columns wide
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", TERMINAL_ROWS, TERMINAL_COLUMNS, 0, 0))
    try:
        result = subprocess.run([*CLI, "ingest", str(SIX_ARTICLES), "--index", str(tmp_path / "ix")],
                                stderr=follower, stdout=subprocess.PIPE, timeout=120, cwd=ROOT)  # fmt: skip
        os.close(follower)
        shown = b""
        while chunk := _read(leader):
            shown += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    bar = shown.decode("utf-8", "replace")
    assert "6/6" in bar and "file/s" in bar and "<00:00" in bar, bar  # count, rate, time left


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal closed: everything was read
        return b""


def test_an_index_remembers_its_folders_and_ingesting_another_adds_to_it(tmp_path: Path) -> None:
    first, second, index = tmp_path / "first", tmp_path / "second", tmp_path / "ix"
    shutil.copytree(SAMPLE, first)
    shutil.copytree(SIX_ARTICLES, second)
    assert run("ingest", str(first), "--index", str(index)).returncode == 0
    added = run("ingest", str(second), "--index", str(index), "--json")
    assert '"articles": 7' in added.stdout and '"removed": 0' in added.stdout
    info = run("info", "--index", str(index)).stdout
    assert info.startswith("The archive holds 7 People's Daily articles")
    assert f"Archive folder: {first.resolve()}" in info and f"Archive folder: {second.resolve()}" in info
    gone = next(second.glob("*.txt"))
    gone.unlink()  # a file deleted from the second folder leaves the index; the first folder's stay
    again = run("ingest", str(second), "--index", str(index), "--json")
    assert '"articles": 6' in again.stdout and '"removed": 1' in again.stdout


def test_a_rebuild_of_one_folder_keeps_every_folder_the_index_remembers(tmp_path: Path) -> None:
    first, second, index = tmp_path / "first", tmp_path / "second", tmp_path / "ix"
    shutil.copytree(SAMPLE, first)
    shutil.copytree(SIX_ARTICLES, second)
    run("ingest", str(first), "--index", str(index))
    run("ingest", str(second), "--index", str(index))
    rebuilt = run("ingest", str(first), "--index", str(index), "--rebuild", "--json")
    assert rebuilt.returncode == 0 and '"articles": 7' in rebuilt.stdout and '"removed": 0' in rebuilt.stdout
    info = run("info", "--index", str(index)).stdout
    assert f"Archive folder: {first.resolve()}" in info and f"Archive folder: {second.resolve()}" in info
    guilin = json.loads(run("ask", "--index", str(index), "--json", GUILIN).stdout)
    assert guilin["found"] and guilin["archive"] == str(second.resolve())  # read again from the other folder
    shutil.rmtree(first)  # a rebuild that cannot read a remembered folder stops, and the index stays
    refused = run("ingest", str(second), "--index", str(index), "--rebuild")
    assert refused.returncode == 1 and f"{first.resolve()}, which is missing" in refused.stderr
    assert "The archive holds 7 " in run("info", "--index", str(index)).stdout


def test_one_file_name_in_two_folders_is_two_articles_each_with_its_source(tmp_path: Path) -> None:
    first, second, index = tmp_path / "first", tmp_path / "second", tmp_path / "ix"
    first.mkdir()
    shutil.copytree(SIX_ARTICLES, second)
    shutil.copy(next(SAMPLE.glob("*.txt")), first / "a.txt")
    (second / "1993-03-18_p7_guilin-tourism.txt").rename(second / "a.txt")
    run("ingest", str(first), "--index", str(index))
    added = run("ingest", str(second), "--index", str(index), "--json")
    assert '"articles": 7' in added.stdout and '"added": 6' in added.stdout and '"removed": 0' in added.stdout

    def asked() -> list[dict]:
        return [json.loads(line) for line in run("ask", "--index", str(index), "--json", stdin=BOTH).stdout.split("\n")
                if line]  # fmt: skip

    laborers, guilin = asked()
    assert (laborers["source"], laborers["archive"]) == ("a.txt", str(first.resolve()))
    assert (guilin["source"], guilin["archive"]) == ("a.txt", str(second.resolve()))
    assert laborers["article"] != guilin["article"] and all(
        re.fullmatch(r"[0-9a-f]{12}", a["article"]) for a in (laborers, guilin))  # fit for a t.me deep link
    run("ingest", str(second), "--index", str(index), "--rebuild")
    assert [a["article"] for a in asked()] == [laborers["article"], guilin["article"]]  # ids outlive a rebuild
    (second / "a.txt").unlink()  # deleted from the second folder: only that folder's a.txt goes
    removed = run("ingest", str(second), "--index", str(index), "--json")
    assert '"articles": 6' in removed.stdout and '"removed": 1' in removed.stdout
    laborers_again, guilin_again = asked()
    assert laborers_again["article"] == laborers["article"] and guilin_again.get("source") != "a.txt"


def test_a_damaged_default_index_is_reported_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import cli
    from index.store import IndexUnavailable

    index = tmp_path / "data" / "index"
    index.mkdir(parents=True)
    (index / "CURRENT").write_text("gen-that-is-gone\n")
    monkeypatch.setattr(cli, "DEFAULT_INDEX", index)  # the project's own data/index, here a damaged one
    with pytest.raises(IndexUnavailable, match="no index at"):
        cli.open_engine(index)
    assert sorted(p.name for p in index.iterdir()) == ["CURRENT"]  # nothing built over it, nothing deleted


def test_a_default_index_of_an_older_version_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` after an update that changed the index layout answers, rather than asking for an ingest."""
    from bot import cli
    from index.store import current, ingest

    index = tmp_path / "data" / "index"
    ingest(SAMPLE, index)
    manifest = current(index) / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": 1}))
    monkeypatch.setattr(cli, "DEFAULT_INDEX", index)
    monkeypatch.setattr(cli, "DEFAULT_ARCHIVE", SAMPLE)
    engine = cli.open_engine(index)
    assert engine.stats().articles == 1 and engine.ask("What was Heilongjiang's border trade volume in 1987?").found


def test_a_default_index_takes_in_articles_the_sample_archive_gains(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` after a `git pull` that brought articles answers from them too."""
    from bot import cli
    from index.store import ingest

    archive, index = tmp_path / "data" / "archive", tmp_path / "data" / "index"
    shutil.copytree(SAMPLE, archive)
    ingest(archive, index)
    monkeypatch.setattr(cli, "DEFAULT_INDEX", index)
    monkeypatch.setattr(cli, "DEFAULT_ARCHIVE", archive)
    assert cli.open_engine(index).stats().articles == 1
    arrived = archive / "1990-12-07_p2_steel-plan-met-27-days-early.txt"
    shutil.copy(CORPUS / arrived.name, arrived)
    os.utime(arrived, (time.time() + 1, time.time() + 1))  # newer than the ingest, as a pull leaves it
    assert cli.open_engine(index).stats().articles == 2


@pytest.mark.parametrize("token", ["not-a-token", "'123456:abcdefghijkl'", "123456 abcdefghijkl"])
def test_a_malformed_token_is_explained_before_start(token: str, sample_index: Path) -> None:
    result = run("serve", "--index", str(sample_index), env={**os.environ, "TELEGRAM_BOT_TOKEN": token})
    assert result.returncode == 1 and "does not look like a bot token" in result.stderr
    assert len(result.stderr.splitlines()) <= SHORT_MESSAGE_LINES and token not in result.stderr


async def test_a_token_telegram_rejects_is_one_clear_message(emulator: Emulator, sample_index: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "654321:WRONG-token-secret"}
    process = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--index", str(sample_index), "--base-url", emulator.base_url, env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    text = stderr.decode()
    assert process.returncode == 1 and "Traceback" not in text, text
    assert text.strip().splitlines()[-1] == (
        "archive-bot serve: Telegram rejected TELEGRAM_BOT_TOKEN; copy the bot's token from @BotFather again."
    )
    assert len(text.strip().splitlines()) <= SHORT_MESSAGE_LINES, text
