"""Fixtures for the bot tests: a real index of the sample archive, the Bot API
emulator, and the real Application polling it over HTTP."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from emulator import Emulator, check_text, utf16_len

from bot.app import build_application, inbox_path, install_redaction, poll
from bot.flood import FloodGate
from bot.inbox import Inbox
from bot.state import BotState
from bot.worker import EngineWorker
from index.store import ingest

ARCHIVE = Path(__file__).resolve().parent / "data" / "reference"
USER = Emulator.user(1001)
USER_ZH = Emulator.user(1002, "zh-hans", "读者")
START_TIMEOUT = 10.0  # seconds for the bot to start polling
STOP_TIMEOUT = 20.0  # seconds for it to finish the updates in hand and stop


@pytest.fixture(name="index_dir", scope="session")
def index_dir_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bot") / "index"
    ingest(ARCHIVE, target)
    return target


@pytest.fixture(name="emulator")
async def emulator_fixture() -> AsyncIterator[Emulator]:
    emu = Emulator()
    await emu.start()
    yield emu
    await emu.stop()


@asynccontextmanager
async def running(
    emu: Emulator,
    index_dir: Path,
    state: Path,
    flood: FloodGate | None = None,
    group_flood: FloodGate | None = None,
) -> AsyncIterator[Any]:
    """The real Application, long polling the emulator through the Inbox (as `serve` does),
    until the block ends. The group budget is the production one unless one is given."""
    worker = EngineWorker(index_dir)
    redaction = install_redaction(emu.token)
    roomy = FloodGate(burst=100)  # tests press quickly; the flood tests pass their own gate
    app = build_application(emu.token, worker, emu.base_url, BotState(state), flood or roomy, group_flood)
    inbox = Inbox(inbox_path(state))
    stop = asyncio.Event()
    task = asyncio.create_task(poll(app, inbox, stop))
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not app.running and not task.done() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert app.running, "the bot did not start"
        yield app
    finally:
        stop.set()
        await emu.release_polls()  # the emulator answers the abandoned long poll now, not at its timeout
        await asyncio.wait_for(task, STOP_TIMEOUT)
        await emu.release_polls(False)
        inbox.close()
        worker.close()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(redaction)


@pytest.fixture(name="bot")
async def bot_fixture(emulator: Emulator, index_dir: Path, tmp_path: Path) -> AsyncIterator[Emulator]:
    """The emulator, with the bot running against it."""
    async with running(emulator, index_dir, tmp_path / "state.json"):
        yield emulator


async def ask(emu: Emulator, sender: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sends `text` (privately, or in `chat`) and returns the bot's first reply to it."""
    sent = await (emu.send(chat, sender, text) if chat else emu.private(sender, text))
    return await reply_to(emu, sent)


async def reply_to(emu: Emulator, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    call = await emu.wait_for(lambda c: _answers(c, message), timeout)
    return dict(call.result)


def _answers(call: Any, message: dict[str, Any]) -> bool:
    """Is `call` a message (text or photo) the bot sent after `message`, in its chat?"""
    result = call.result if call.method in ("sendMessage", "sendPhoto") else None
    return bool(
        result and result["chat"]["id"] == message["chat"]["id"] and result["message_id"] > message["message_id"]
    )


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Button text -> callback data, of a message's inline keyboard."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}



PHONE_CHARS = 600  # an answer a phone shows on about one screen, buttons aside


def phone_text(message: dict[str, Any], limit: int = PHONE_CHARS) -> str:
    """The text a phone shows for a message the bot sent as HTML, checked as Telegram checks
    it (tags balanced and known, entities whole) and held to `limit` characters."""
    plain = check_text(message["html"], "HTML")
    assert plain == message["text"]
    assert utf16_len(plain) <= limit, (utf16_len(plain), plain)
    return plain
