"""Bot state as data: a JSON file, atomic, 0600, saved when a setting changes; a bad file is set aside."""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
from pathlib import Path

import pytest
from bot_fixtures import ARCHIVE, USER, ask, emulator_fixture, index_dir_fixture, running  # noqa: F401 (fixtures)
from emulator import Emulator
from test_bot_serve import serving

from bot.state import FORMAT, OLD_STATE_NAME, BotState
from index.store import ingest

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What was Heilongjiang's border trade volume in 1987?"


PWNED = Path("/tmp/archive-bot-pwned")


class _Payload:
    """What a tampered pickle would carry: code run at load time (it creates `mark`)."""

    def __init__(self, mark: Path = PWNED) -> None:
        self.mark = mark

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.mark}",))


GOOD = json.dumps({"format": FORMAT, "langs": {"1001": "zh"}, "questions": {}})
BAD_FILES = {
    "truncated": GOOD[: len(GOOD) // 2],
    "empty": "",
    "not json": "lang = zh",
    "a pickle": pickle.dumps(_Payload()),
    "invalid utf-8": b"\xff\xfe{\x00",
    "wrong format": json.dumps({"format": 99, "langs": {}, "questions": {}}),
    "tampered language": json.dumps({"format": FORMAT, "langs": {"1001": "<script>"}, "questions": {}}),
    "tampered user id": json.dumps({"format": FORMAT, "langs": {"__class__": "en"}, "questions": {}}),
    "a list": "[1, 2, 3]",
}


async def test_a_language_choice_is_saved_at_once_atomically_and_privately(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "chosen" / "state.json"
    state.parent.mkdir()
    async with running(emulator, index_dir, state):
        assert (await ask(emulator, USER, "/lang zh"))["text"] == "我会用中文回答。"
        saved = json.loads(state.read_text())  # on disk before the bot said so, while it still runs
        assert saved["langs"] == {str(USER["id"]): "zh"}
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert sorted(p.name for p in state.parent.iterdir() if not p.name.endswith(".sqlite")) == ["state.json"]


@pytest.mark.parametrize("damage", list(BAD_FILES))
async def test_a_bad_state_file_is_reported_set_aside_and_the_bot_starts(
    emulator: Emulator, index_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    state = tmp_path / "state.json"
    content = BAD_FILES[damage]
    state.write_bytes(content if isinstance(content, bytes) else content.encode())
    caplog.set_level(logging.WARNING, logger="bot.state")
    async with running(emulator, index_dir, state):
        assert "34.227 million Swiss francs" in (await ask(emulator, USER, QUESTION))["text"]
    lines = [r for r in caplog.records if r.name == "bot.state"]
    assert len(lines) == 1 and "unreadable" in lines[0].getMessage() and "set aside" in lines[0].getMessage()
    assert [p.name for p in tmp_path.glob("state.json.unreadable-*")]
    if damage == "a pickle":
        assert not PWNED.exists()


async def test_a_state_file_of_the_old_pickle_format_is_reported_set_aside_and_never_loaded(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Versions before issue 12 kept a pickle beside the index folder, readable by all: `serve`
    says so in one line, renames it out of the way, makes it private, and answers."""
    index = tmp_path / "index"
    ingest(ARCHIVE, index)
    old = tmp_path / OLD_STATE_NAME
    old.write_bytes(pickle.dumps({"user_data": {1001: {"lang": "zh"}}, "payload": _Payload(tmp_path / "pwned")}))
    old.chmod(0o644)
    async with serving(emulator, index, "--base-url", emulator.base_url) as stderr:
        assert "34.227 million Swiss francs" in (await ask(emulator, USER, QUESTION))["text"]  # not the old zh
    lines = [line for line in stderr[0].splitlines() if OLD_STATE_NAME in line]
    assert len(lines) == 1 and "WARNING" in lines[0] and "never loaded" in lines[0] and "set aside" in lines[0]
    (aside,) = tmp_path.glob(f"{OLD_STATE_NAME}.unreadable-*")
    assert not old.exists() and stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert not (tmp_path / "pwned").exists()
    assert (index / "bot-state.json").exists()  # the new state lives inside the index folder


def test_a_symlink_in_place_of_the_state_file_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text(GOOD)
    (tmp_path / "state.json").symlink_to(target)
    state = BotState(tmp_path / "state.json")
    assert state.langs == {} and target.read_text() == GOOD


def test_no_pickle_is_loaded_anywhere() -> None:
    sources = [p for folder in ("bot", "index") for p in (ROOT / folder).glob("*.py")]
    for source in sources:
        text = source.read_text()
        assert "import pickle" not in text and "PicklePersistence" not in text and "pickle.load" not in text, source
