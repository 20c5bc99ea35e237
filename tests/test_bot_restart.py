"""No question lost to a restart, none answered twice: `archive-bot serve` killed with
SIGKILL while answering, by long polling and by webhook.

The bot marks an update `sending` just before the first request of its reply leaves;
after a restart it answers the stored updates not done and not marked. So every
question is answered exactly once, except when the bot dies after that mark and before
Telegram has the request: that window is documented (docs/RELIABILITY.md) and has a
test of its own. To kill outside it on purpose, the tests stop the bot (SIGSTOP), check
that every marked update's reply request has reached the emulator, and only then kill it;
a request still on its way is let through first (see `kill_outside_the_window`).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from bot_fixtures import USER, ask, emulator_fixture, index_dir_fixture  # noqa: F401 (fixtures)
from emulator import Emulator
from test_bot_serve import ARCHIVE_BOT, free_port, post_when_listening

from bot.app import inbox_path
from bot.inbox import SECRET_HEADER

QUESTION = "What was Heilongjiang's border trade volume in 1987?"
ROUNDS = (5, 25, 10)  # questions per run of the bot; the first two runs end in SIGKILL
HELD_BEFORE_KILL = 2  # replies in hand when the bot is killed
WEBHOOK_QUESTIONS = 10
START_TIMEOUT = 30.0
ANSWER_TIMEOUT = 30.0
SETTLE_S = 1.0  # how long a stopped bot's last request may take to reach the emulator before it is let run again
KILL_BOUND_S = 60.0  # every question in hand has its reply sent long before this, even on a loaded machine
POLL_S = 0.01


@pytest.fixture(name="started")
async def started_fixture() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """The `serve` processes a test started: any still alive when it ends (it failed) is killed."""
    processes: list[asyncio.subprocess.Process] = []
    yield processes
    for process in processes:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _start(
    emu: Emulator, index_dir: Path, state: Path, started: list[asyncio.subprocess.Process], *options: str
) -> asyncio.subprocess.Process:
    """`serve` as a process; returns once it receives updates (it deleted or set its webhook)."""
    ready = "setWebhook" if "--webhook-url" in options else "deleteWebhook"
    before = sum(c.method == ready for c in emu.calls)
    process = await asyncio.create_subprocess_exec(
        ARCHIVE_BOT, "serve", "--index", str(index_dir), "--base-url", emu.base_url, "--state", str(state), *options,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": emu.token},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    started.append(process)
    deadline = time.monotonic() + START_TIMEOUT
    while sum(c.method == ready for c in emu.calls) <= before:
        assert time.monotonic() < deadline and process.returncode is None, "serve did not start"
        await asyncio.sleep(0.05)
    return process


def _marked(state: Path) -> dict[int, int]:
    """Update id -> chat id, of the stored updates marked `sending` and not done."""
    with sqlite3.connect(inbox_path(state)) as db:
        rows = db.execute("SELECT update_id, body FROM updates WHERE sending = 1 AND done = 0").fetchall()
    return {update_id: json.loads(body)["message"]["chat"]["id"] for update_id, body in rows}


def _reached(emu: Emulator) -> set[int]:
    """Chats a sendMessage request has reached the emulator for: executed, or held."""
    held = {int(params["chat_id"]) for params in emu.held}
    return held | {int(c.params["chat_id"]) for c in emu.calls if c.method == "sendMessage"}


def _stopped(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "T"


def _closed(emu: Emulator, state: Path) -> bool:
    """Has the reply request of every update marked `sending` reached the emulator?"""
    return set(_marked(state).values()) <= _reached(emu)


async def _within(condition: Callable[[], bool], bound: float) -> bool:
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_S)
    return True


async def kill_outside_the_window(
    emu: Emulator, process: asyncio.subprocess.Process, state: Path
) -> tuple[dict[int, int], set[int]]:
    """SIGKILL at a moment when the reply request of every update marked `sending` has reached
    the emulator: the bot is stopped (SIGSTOP) and looked at; stopped between a mark and its
    request, it is let run until the request arrives, and stopped again. Such a moment always
    comes: at the latest when every question in hand has its reply sent. Returns the updates
    marked at the kill (id -> chat id) and the chats whose replies the emulator held."""
    deadline = time.monotonic() + KILL_BOUND_S
    while time.monotonic() < deadline:
        process.send_signal(signal.SIGSTOP)
        stopped = await _within(lambda: _stopped(process.pid), SETTLE_S)
        # A request written before the stop may still be on its way to the emulator.
        if stopped and await _within(lambda: _closed(emu, state), SETTLE_S):
            marked, held = _marked(state), {int(params["chat_id"]) for params in emu.held}
            process.kill()
            await process.wait()
            await emu.drop_stalled()
            await emu.release_polls()  # the dead bot's long poll ends now
            await emu.release_polls(False)
            return marked, held
        process.send_signal(signal.SIGCONT)
        await _within(lambda: _closed(emu, state), SETTLE_S)  # it sends what it marked
    process.kill()
    raise AssertionError("no moment outside the window was found")


async def _wait_for_held(emu: Emulator) -> None:
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while len(emu.held) < HELD_BEFORE_KILL:
        assert time.monotonic() < deadline, "the bot never started answering"
        await asyncio.sleep(POLL_S)


async def _counts(emu: Emulator, askers: list[dict], silent: frozenset[int] = frozenset()) -> list[int]:
    """sendMessage calls per asker, once every asker outside `silent` has one and a second
    answer has had time to come."""
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline and not all(emu.sent_to(a["id"]) for a in askers if a["id"] not in silent):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # time for a second answer, were one coming
    return [len(emu.sent_to(a["id"])) for a in askers]


async def _stop(emu: Emulator, process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    await emu.release_polls()
    _, err = await asyncio.wait_for(process.communicate(), timeout=15)
    assert process.returncode == 0 and "Traceback" not in err.decode()
    return err.decode()


async def test_a_killed_bot_answers_every_stored_question_exactly_once_after_restarts(
    emulator: Emulator, index_dir: Path, tmp_path: Path, started: list[asyncio.subprocess.Process]
) -> None:
    """Twice, 25 and 10 questions in flight: some replies executed by Telegram whose answer
    the bot never got, the rest not answered yet; SIGKILL, restart."""
    state = tmp_path / "state.json"
    askers = [Emulator.user(70_000 + i) for i in range(sum(ROUNDS))]
    process = await _start(emulator, index_dir, state, started)
    assert (await ask(emulator, USER, "/lang zh"))["text"] == "我会用中文回答。"
    first, *killed_rounds = ROUNDS
    for asker in askers[:first]:
        await ask(emulator, asker, QUESTION)
    done = first
    for count in killed_rounds:
        emulator.stall_sends(executed=True)
        for asker in askers[done : done + count]:
            await emulator.private(asker, QUESTION)
        await _wait_for_held(emulator)
        await kill_outside_the_window(emulator, process, state)
        done += count
        process = await _start(emulator, index_dir, state, started)

    counts = await _counts(emulator, askers)
    assert counts == [1] * len(askers), counts
    assert "3422.7万瑞士法郎" in (await ask(emulator, USER, QUESTION))["text"]  # /lang zh survived the kills
    await _stop(emulator, process)


async def test_a_reply_telegram_never_received_before_a_kill_is_the_one_loss_and_is_logged(
    emulator: Emulator, index_dir: Path, tmp_path: Path, started: list[asyncio.subprocess.Process]
) -> None:
    """The window: replies that left the bot but were never executed (held by the emulator)
    when it was killed. Their questions are not answered again, each named in a warning;
    every other question is answered once."""
    state = tmp_path / "state.json"
    askers = [Emulator.user(80_000 + i) for i in range(ROUNDS[-1])]
    process = await _start(emulator, index_dir, state, started)
    emulator.stall_sends()
    for asker in askers:
        await emulator.private(asker, QUESTION)
    await _wait_for_held(emulator)
    marked, held = await kill_outside_the_window(emulator, process, state)
    assert set(marked.values()) == held  # exactly the replies in hand were marked
    process = await _start(emulator, index_dir, state, started)
    counts = await _counts(emulator, askers, silent=frozenset(held))
    assert counts == [0 if a["id"] in held else 1 for a in askers], counts
    err = await _stop(emulator, process)
    for update_id in marked:
        assert f"update {update_id} was being answered when the bot stopped" in err


async def test_a_webhook_update_is_stored_before_its_200_and_answered_once_after_a_kill(
    emulator: Emulator, index_dir: Path, tmp_path: Path, started: list[asyncio.subprocess.Process]
) -> None:
    """Updates posted to the webhook get their 200 only once stored: the bot killed right
    after the last 200 answers each of them exactly once after the restart, and an update
    Telegram sends again (its 200 lost) is recognised and not answered again."""
    state = tmp_path / "state.json"
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    options = ("--webhook-url", url, "--port", str(port))
    askers = [Emulator.user(90_000 + i) for i in range(WEBHOOK_QUESTIONS)]
    process = await _start(emulator, index_dir, state, started, *options)
    secret = emulator.webhook["secret_token"]
    updates = [{"update_id": 5_000 + i, "message": await emulator.private(a, QUESTION)} for i, a in enumerate(askers)]
    async with aiohttp.ClientSession(headers={SECRET_HEADER: secret}) as session:
        statuses = await asyncio.gather(*(post_when_listening(session, url, u) for u in updates))
    assert statuses == [200] * len(updates)
    await kill_outside_the_window(emulator, process, state)
    process = await _start(emulator, index_dir, state, started, *options)
    counts = await _counts(emulator, askers)
    assert counts == [1] * len(askers), counts
    async with aiohttp.ClientSession(headers={SECRET_HEADER: emulator.webhook["secret_token"]}) as session:
        assert await post_when_listening(session, url, updates[0]) == 200  # a new run registered a new secret
    assert (await _counts(emulator, askers)) == [1] * len(askers)
    await _stop(emulator, process)
