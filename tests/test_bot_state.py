"""Bot state as data: a JSON file, atomic, 0600, saved when a setting changes; a bad file is set aside."""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
from pathlib import Path

import pytest
from bot_fixtures import USER, ask, emulator_fixture, index_dir_fixture, running  # noqa: F401 (fixtures)
from emulator import Emulator

from bot.state import FORMAT, BotState

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What was Heilongjiang's border trade volume in 1987?"


class _Payload:
    """What a tampered pickle would carry: code run at load time."""

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, ("touch /tmp/archive-bot-pwned",))


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
        assert not Path("/tmp/archive-bot-pwned").exists()


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
