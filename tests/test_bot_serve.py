"""`archive-bot serve` as a process against the Bot API emulator: polling, webhook, shutdown."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from bot_fixtures import USER, USER_ZH, ask, buttons, emulator_fixture, index_dir_fixture  # noqa: F401 (fixtures)
from emulator import Emulator

from bot.app import serve

GROUP = Emulator.group(-100777)
ARCHIVE_BOT = shutil.which("archive-bot") or str(Path(sys.executable).parent / "archive-bot")


def test_a_missing_token_is_explained(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert serve(index_dir, None, None, 8443) == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err


def test_a_missing_index_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-token-secret")
    assert serve(tmp_path / "nothing", None, None, 8443) == 1
    err = capsys.readouterr().err
    assert err.startswith("archive-bot serve: ") and "TEST-token-secret" not in err


@asynccontextmanager
async def serving(
    emu: Emulator, index_dir: Path, *options: str, stop: signal.Signals = signal.SIGTERM
) -> AsyncIterator[list[str]]:
    """The bot as a process; yields a list that holds its stderr once it has stopped.
    On leaving, `stop` (SIGTERM, or SIGINT as Ctrl-C sends): it must exit 0, without a
    traceback or the token on stderr."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": emu.token}
    process = await asyncio.create_subprocess_exec(
        ARCHIVE_BOT, "serve", "--index", str(index_dir), *options,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stderr: list[str] = []
    try:
        await emu.wait_for(lambda c: c.method == "setMyCommands", timeout=30)
        yield stderr
    finally:
        process.send_signal(stop)
        await emu.release_polls()
        _, err = await asyncio.wait_for(process.communicate(), timeout=15)
        stderr.append(err.decode())
    assert process.returncode == 0, stderr[0]
    assert "Traceback" not in stderr[0]
    assert emu.token.partition(":")[2] not in stderr[0]


async def test_serve_answers_over_long_polling_and_stops_cleanly(emulator: Emulator, index_dir: Path) -> None:
    async with serving(emulator, index_dir, "--base-url", emulator.base_url) as stderr:
        assert "Tap an example" in (await ask(emulator, USER, "/start"))["text"]
        english = await ask(emulator, USER, "What was Heilongjiang's border trade volume in 1987?")
        assert "34.227 million Swiss francs" in english["text"]
        assert "94项" in (await ask(emulator, USER_ZH, "对苏经济技术合作合同多少项？"))["text"]
        await emulator.send(GROUP, USER, "What was the border trade in 1987?")
        await asyncio.sleep(0.5)
        assert emulator.sent_to(GROUP["id"]) == []
        grouped = await ask(emulator, USER, "/ask What was the border trade volume in 1987?", GROUP)
        assert "34.227 million Swiss francs" in grouped["text"]
        query_id = await emulator.inline(USER, "border trade")
        inline = await emulator.wait_for(lambda c: c.method == "answerInlineQuery"
                                         and c.params["inline_query_id"] == query_id)  # fmt: skip
        assert inline.error is None and inline.params["results"]
        press_id = await emulator.press(USER, english, buttons(english)["原文"])
        await emulator.wait_for(lambda c: c.method == "answerCallbackQuery"
                                and c.params["callback_query_id"] == press_id)  # fmt: skip
        assert (await ask(emulator, USER, "<script>alert(1)</script>\x00 & 🙂"))["text"]
    assert not emulator.errors()
    assert "Application started" in stderr[0] or stderr[0] == ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def post_when_listening(session: aiohttp.ClientSession, url: str, update: dict) -> int:
    """PTB registers the webhook just before its server listens: retry for a few seconds."""
    for _ in range(50):
        try:
            async with session.post(url, json=update) as response:
                return response.status
        except aiohttp.ClientConnectorError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens at {url}")


async def test_webhook_mode_requires_the_secret_token(emulator: Emulator, index_dir: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    options = ("--base-url", emulator.base_url, "--webhook-url", url, "--port", str(port))
    async with serving(emulator, index_dir, *options, stop=signal.SIGINT):
        registered = await emulator.wait_for(lambda c: c.method == "setWebhook")
        assert registered.params["url"] == url and len(registered.params["secret_token"]) >= 32
        message = await emulator.private(USER, "/about")  # stored, then delivered by webhook, not polling
        update = {"update_id": 999_999, "message": message}
        async with aiohttp.ClientSession() as session:
            assert await post_when_listening(session, url, update) == 403  # no secret token
            headers = {"X-Telegram-Bot-Api-Secret-Token": registered.params["secret_token"]}
            async with session.post(url, json=update, headers=headers) as accepted:
                assert accepted.status == 200
        assert "1989-08-29" in (await emulator.replies(USER["id"]))[0]["text"]
