"""No question lost to a restart: `archive-bot serve` killed with SIGKILL while answering.

The emulator holds the bot's sendMessage requests (as if they had not reached
Telegram yet), the bot is killed with questions in hand, the held requests are
dropped, and the bot is started again: every question is answered exactly once,
and a language chosen before the kill is still chosen.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from bot_fixtures import USER, ask, emulator_fixture, index_dir_fixture  # noqa: F401 (fixtures)
from emulator import Emulator
from test_bot_serve import ARCHIVE_BOT

QUESTION = "What was Heilongjiang's border trade volume in 1987?"
ROUNDS = (5, 25, 10)  # questions per run of the bot; the first two runs end in SIGKILL
HELD_BEFORE_KILL = 2  # sends in hand when the bot is killed
START_TIMEOUT = 30.0
ANSWER_TIMEOUT = 30.0


async def _start(emu: Emulator, index_dir: Path, state: Path) -> asyncio.subprocess.Process:
    """`serve` as a process; returns once it polls."""
    polling = sum(c.method == "deleteWebhook" for c in emu.calls)
    process = await asyncio.create_subprocess_exec(
        ARCHIVE_BOT, "serve", "--index", str(index_dir), "--base-url", emu.base_url, "--state", str(state),
        env={**os.environ, "TELEGRAM_BOT_TOKEN": emu.token},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    while sum(c.method == "deleteWebhook" for c in emu.calls) <= polling:
        assert time.monotonic() < deadline and process.returncode is None, "serve did not start"
        await asyncio.sleep(0.05)
    return process


async def _kill_with_sends_in_hand(emu: Emulator, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while emu.stalled < HELD_BEFORE_KILL:
        assert time.monotonic() < deadline, "the bot never started answering"
        await asyncio.sleep(0.01)
    process.kill()
    await process.wait()
    await emu.drop_stalled()
    await emu.release_polls()  # the dead bot's long poll ends now
    await emu.release_polls(False)


def _answers(emu: Emulator, chat_id: int) -> int:
    return len(emu.sent_to(chat_id))


async def test_a_killed_bot_answers_every_stored_question_exactly_once_after_restarts(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    askers = [Emulator.user(70_000 + i) for i in range(sum(ROUNDS))]
    process = await _start(emulator, index_dir, state)
    assert (await ask(emulator, USER, "/lang zh"))["text"] == "我会用中文回答。"
    first, *killed_rounds = ROUNDS
    for asker in askers[:first]:
        await ask(emulator, asker, QUESTION)
    await asyncio.sleep(0.3)  # the first answers are marked done before the kill
    done = first
    for count in killed_rounds:
        emulator.stall_sends()
        for asker in askers[done : done + count]:
            await emulator.private(asker, QUESTION)
        await _kill_with_sends_in_hand(emulator, process)
        done += count
        process = await _start(emulator, index_dir, state)

    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline and not all(_answers(emulator, a["id"]) for a in askers):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # time for a second answer, were one coming
    counts = [_answers(emulator, a["id"]) for a in askers]
    assert counts == [1] * len(askers), counts
    assert "3422.7万瑞士法郎" in (await ask(emulator, USER, QUESTION))["text"]  # /lang zh survived the kills
    process.send_signal(signal.SIGTERM)
    await emulator.release_polls()
    _, err = await asyncio.wait_for(process.communicate(), timeout=15)
    assert process.returncode == 0 and "Traceback" not in err.decode()
