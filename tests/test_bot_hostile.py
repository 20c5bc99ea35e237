"""Hostile input, several users at once, flood control, and the token kept out of logs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from bot_fixtures import (  # noqa: F401 (fixtures)
    USER,
    USER_ZH,
    ask,
    bot_fixture,
    buttons,
    emulator_fixture,
    index_dir_fixture,
    running,
)
from emulator import Emulator

from bot.flood import FloodGate
from index.engine import Engine

QUESTION = "What was Heilongjiang's border trade volume in 1987?"
HOSTILE = [
    "<script>alert('pwned')</script>",
    "<b>unclosed <i>tags",
    "&amp; &lt; &#0; &bogus; </b>",
    "x" * 10_000,
    "🙂" * 3000,
    "\x00\x01\x07\x1b[31m red \x7f",
    "\u202e\u200f right to left",
    "'; DROP TABLE articles; --",
    "../../../../etc/passwd",
    "%s %n {0} {__class__} $(rm -rf /)",
    "\ud800 lone surrogate \udfff",
    "   \n\t  ",
    "/start " + "a_" + "x" * 300,
]


async def test_every_hostile_message_gets_one_polite_reply(bot: Emulator) -> None:
    for text in HOSTILE:
        reply = await ask(bot, USER, text)
        assert reply["text"].strip()
    assert not bot.errors(), bot.errors()
    texts = [m["text"] for m in bot.sent_to(USER["id"])]
    assert not [t for t in texts if "went wrong" in t]
    assert any("first 1000 characters" in t for t in texts)  # the 10,000 characters were cut, with a note


async def test_two_chats_at_once_each_get_their_own_answer(bot: Emulator) -> None:
    english, chinese = await asyncio.gather(
        ask(bot, USER, QUESTION), ask(bot, USER_ZH, "对苏经济技术合作合同多少项？")
    )
    assert english["chat"]["id"] == USER["id"] and "34.227 million Swiss francs" in english["text"]
    assert chinese["chat"]["id"] == USER_ZH["id"] and "94项" in chinese["text"]


async def test_a_flooding_user_gets_one_note_while_others_are_served(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    flooder = Emulator.user(3003)
    async with running(emulator, index_dir, tmp_path / "state.json", FloodGate(burst=5, interval=2.0)):
        for i in range(30):
            await emulator.private(flooder, f"question {i} about border trade")
        other = await ask(emulator, USER, QUESTION)
        assert "34.227 million Swiss francs" in other["text"]
        await emulator.replies(flooder["id"], 6)
        await asyncio.sleep(0.5)
    replies = [m["text"] for m in emulator.sent_to(flooder["id"])]
    notes = [t for t in replies if "faster than I can answer: I will not answer this question" in t]
    assert len(notes) == 1 and len(replies) == 6


async def test_the_token_never_reaches_a_log_line_and_failures_are_told_politely(
    bot: Emulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Engine, question: str, **_: object) -> None:
        raise RuntimeError(f"engine failure while calling {bot.base_url}{bot.token}/getMe")

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(Engine, "ask", explode)
    reply = await ask(bot, USER, QUESTION)
    assert reply["text"] == "Sorry, something went wrong on my side. Please try again in a moment."
    assert "update" in caplog.text and "RuntimeError" in caplog.text  # the failure is logged
    secret = bot.token.partition(":")[2]
    assert secret not in caplog.text
    assert all(secret not in r.getMessage() for r in caplog.records)


async def test_only_questions_count_and_a_dropped_question_is_said_to_be_dropped(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    async with running(emulator, index_dir, tmp_path / "state.json", FloodGate(burst=1, interval=60.0)):
        answered = await ask(emulator, USER, QUESTION)
        assert "34.227 million Swiss francs" in answered["text"]
        for command in ("/help", "/about", "/lang en"):  # commands are not questions: never dropped
            assert (await ask(emulator, USER, command))["text"]
        mark = len(emulator.calls)
        query = await emulator.press(USER, answered, buttons(answered)["原文"])  # nor are buttons
        await emulator.wait_for(lambda c: c.method == "editMessageText" and emulator.calls.index(c) >= mark)
        assert query
        dropped = await ask(emulator, USER, "How much were the new border trade contracts signed this year worth?")
        assert dropped["text"].startswith("You are asking faster than I can answer: I will not answer this question, "
                                          "nor any you send in the next ")  # fmt: skip
        assert dropped["reply_to_message"]["text"].startswith("How much")  # the note names the question it drops
        await emulator.private(USER, "and another one")
        await asyncio.sleep(0.5)
        assert emulator.sent_to(USER["id"])[-1]["message_id"] == dropped["message_id"]  # within the window: silence
