"""The bot under faults: group floods, small forged inputs, unreachable chats, big articles.

Everything runs the real Application against the Bot API emulator on 127.0.0.1;
every wait is bounded.
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bot_fixtures import (  # noqa: F401 (fixtures)
    USER,
    ask,
    bot_fixture,
    buttons,
    emulator_fixture,
    index_dir_fixture,
    running,
)
from emulator import Call, Emulator

from bot import render
from bot.flood import GROUP_BURST, FloodGate
from bot.handlers import ARTICLE_SHOWN
from bot.i18n import t
from index.engine import Engine

QUESTION = "What was Heilongjiang's border trade volume in 1987?"
FLOOD_RATE = 99  # /ask a second in one group: the 990 in 10 s of issue 12
FLOOD_SECONDS = 4  # scaled down from 10 s to keep the test short; the rate is kept
FLOOD_USERS = 200
PRIVATE_RATE = 10  # private questions a second meanwhile, each from its own user
# A private question queued behind the group's budget waits for its refill, a minute or more (issue 12 saw
# 90 s); any wait the machine's load causes is far shorter. The latency itself is printed and recorded in
# docs/RELIABILITY.md: speed is measured, not asserted.
QUEUED_BEHIND_THE_GROUP = 20.0  # seconds
DRAIN = QUEUED_BEHIND_THE_GROUP  # seconds allowed for the last private answers
GROUP = Emulator.group(-100_900)
GROUP_NOTE = t("group_slow_down", "en", seconds=0).partition("0 seconds")[0]  # the note, whatever the wait
BIG_ARTICLE = 50_000_000  # characters: the 50 MB article of issue 12


def _group_replies(emu: Emulator, chat_id: int) -> list[str]:
    return [m["text"] for m in emu.sent_to(chat_id)]


def _private_key(call: Call) -> int | None:
    if call.method == "sendMessage" and call.result and call.result["chat"]["type"] == "private":
        return int(call.result["chat"]["id"])
    return None


async def test_a_group_flood_gets_one_notice_and_never_delays_private_questions(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    async with running(emulator, index_dir, tmp_path / "state.json", FloodGate()):
        start = time.monotonic()
        sent: dict[int, float] = {}
        flood_total = FLOOD_RATE * FLOOD_SECONDS
        for i in range(flood_total):
            await asyncio.sleep(max(0.0, start + i / FLOOD_RATE - time.monotonic()))
            member = Emulator.user(50_000 + i % FLOOD_USERS)
            await emulator.send(GROUP, member, f"/ask {QUESTION}")
            if i % (FLOOD_RATE // PRIVATE_RATE) == 0:
                asker = Emulator.user(60_000 + i)
                sent[asker["id"]] = time.monotonic()
                await emulator.private(asker, QUESTION)
        flooded_for = time.monotonic() - start
        deadline = time.monotonic() + DRAIN
        while time.monotonic() < deadline and not sent.keys() <= {_private_key(c) for c in emulator.calls}:
            await asyncio.sleep(0.05)

    answered: dict[int, list[Call]] = {}
    for call in emulator.calls:
        if (key := _private_key(call)) is not None:
            answered.setdefault(key, []).append(call)
    assert sent.keys() <= answered.keys() and all(len(answered[k]) == 1 for k in sent)
    latencies = sorted(answered[k][0].at - at for k, at in sent.items())
    p99 = statistics.quantiles(latencies, n=100)[98]
    replies = _group_replies(emulator, GROUP["id"])
    notes = [r for r in replies if r.startswith(GROUP_NOTE)]
    refills = int(flooded_for * GROUP_BURST / 60) + 1  # what the group's budget earns back meanwhile
    print(f"\ngroup flood: {flood_total} /ask in {flooded_for:.1f} s, {len(replies)} group replies; "
          f"{len(sent)} private questions, p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms")  # fmt: skip
    assert len(notes) == 1
    assert len(replies) - 1 <= GROUP_BURST + refills  # the excess was dropped, not queued
    assert not emulator.errors()
    assert latencies[-1] < QUEUED_BEHIND_THE_GROUP  # no private question waited on the group's budget


async def test_a_group_question_without_a_sender_counts_against_the_group(bot: Emulator) -> None:
    for _ in range(GROUP_BURST * 3):
        await bot.anonymous(GROUP, f"/ask {QUESTION}")
    await bot.replies(GROUP["id"], GROUP_BURST + 1)
    await asyncio.sleep(0.5)
    replies = _group_replies(bot, GROUP["id"])
    assert sum(r.startswith(GROUP_NOTE) for r in replies) == 1
    assert len(replies) == GROUP_BURST + 1
    assert sum("34.227 million Swiss francs" in r for r in replies) == GROUP_BURST


@pytest.mark.parametrize("offset", ["²", "⑤", "١٢", "99999999", "3"])
async def test_inline_offsets_that_are_not_ascii_numbers_are_answered(bot: Emulator, offset: str) -> None:
    query_id = await bot.inline(USER, "border trade", offset)
    call = await bot.wait_for(lambda c: c.method == "answerInlineQuery" and c.params["inline_query_id"] == query_id)
    assert call.error is None


async def test_a_button_whose_message_is_in_an_unreachable_chat_is_answered_once(
    bot: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    reply = await ask(bot, USER, QUESTION)
    elsewhere = {**reply, "chat": {"id": -100_555, "type": "supergroup", "title": "Gone"}}
    caplog.set_level(logging.INFO)
    query_id = await bot.press(USER, elsewhere, buttons(reply)["Full article"])
    await bot.wait_for(lambda c: c.method == "sendMessage" and c.params.get("chat_id") in (-100_555, "-100555"))
    await asyncio.sleep(0.3)
    answers = [c for c in bot.calls if c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id]
    assert len(answers) == 1 and answers[0].error is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "could not act on a pressed button" in caplog.text


async def test_a_question_id_from_another_users_chat_is_not_honoured(bot: Emulator) -> None:
    reply = await ask(bot, USER, QUESTION)
    other = Emulator.user(4004)
    own = await ask(bot, other, "What is the population of Tokyo?")
    query_id = await bot.press(other, own, buttons(reply)["原文"])  # USER's question id, pressed by `other`
    answered = await bot.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id
    )
    assert answered.params.get("text") == t("expired", "en")
    await asyncio.sleep(0.3)
    assert not [c for c in bot.calls if c.method == "editMessageText"]  # nothing of USER's answer shown


def _huge(article: Any) -> Any:
    paragraph = "The border trade grew. " * (BIG_ARTICLE // 23 // 10)
    return replace(article, paragraphs_en=(paragraph,) * 10)


async def test_a_fifty_megabyte_article_is_capped_and_keeps_the_loop_free(
    bot: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = await ask(bot, USER, QUESTION)
    article_id = buttons(reply)["Full article"].split("|")[1]
    real = Engine.article
    monkeypatch.setattr(Engine, "article", lambda self, i: _huge(real(self, i)))
    started = time.monotonic()
    await bot.private(USER, f"/start a_{article_id}")
    meanwhile = await bot.inline(USER, "border trade")  # answered while the article is being prepared
    await bot.wait_for(lambda c: c.method == "answerInlineQuery" and c.params["inline_query_id"] == meanwhile)
    note = await bot.wait_for(
        lambda c: c.method == "sendMessage" and "too long for a chat" in (c.result or {}).get("text", "")
    )
    parts = [c for c in bot.calls if c.method == "sendMessage" and c.result and c.at <= note.at
             and c.result["message_id"] > reply["message_id"] and "border trade grew" in c.result["text"]]  # fmt: skip
    assert time.monotonic() - started < 10
    assert sum(len(c.result["text"]) for c in parts) <= ARTICLE_SHOWN + render.MESSAGE_LIMIT
    total = int(re.search(r"of (\d+) characters", note.result["text"]).group(1))  # type: ignore[union-attr]
    assert total >= BIG_ARTICLE * 0.99
