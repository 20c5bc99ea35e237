"""Fixtures for the bot tests: a real index of the sample archive, the Bot API
emulator, and the real Application polling it over HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from emulator import Emulator

from bot.app import build_application, install_redaction
from bot.flood import FloodGate
from bot.worker import EngineWorker
from index.store import ingest

ARCHIVE = Path(__file__).resolve().parent / "data" / "reference"
USER = Emulator.user(1001)
USER_ZH = Emulator.user(1002, "zh-hans", "读者")


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
    emu: Emulator, index_dir: Path, state: Path, flood: FloodGate | None = None
) -> AsyncIterator[Any]:
    """The real Application, long polling the emulator, until the block ends."""
    worker = EngineWorker(index_dir)
    redaction = install_redaction(emu.token)
    roomy = FloodGate(burst=100)  # tests press quickly; the flood test passes its own gate
    app = build_application(emu.token, worker, emu.base_url, state, flood or roomy)
    try:
        async with app:
            assert app.post_init is not None
            await app.post_init(app)  # as run_polling does: registers the commands
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield app
            finally:
                await emu.release_polls()
                await app.updater.stop()
                await app.stop()
                await emu.release_polls(False)
    finally:
        worker.close()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(redaction)


@pytest.fixture(name="bot")
async def bot_fixture(emulator: Emulator, index_dir: Path, tmp_path: Path) -> AsyncIterator[Emulator]:
    """The emulator, with the bot running against it."""
    async with running(emulator, index_dir, tmp_path / "state.pickle"):
        yield emulator


async def ask(emu: Emulator, sender: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sends `text` (privately, or in `chat`) and returns the bot's first reply to it."""
    sent = await (emu.send(chat, sender, text) if chat else emu.private(sender, text))
    return await reply_to(emu, sent)


async def reply_to(emu: Emulator, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    call = await emu.wait_for(lambda c: _answers(c, message), timeout)
    return dict(call.result)


def _answers(call: Any, message: dict[str, Any]) -> bool:
    """Is `call` a message the bot sent after `message`, in its chat?"""
    result = call.result if call.method == "sendMessage" else None
    return bool(
        result and result["chat"]["id"] == message["chat"]["id"] and result["message_id"] > message["message_id"]
    )


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Button text -> callback data, of a message's inline keyboard."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}

