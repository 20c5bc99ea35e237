"""Groups: the bot answers /ask, mentions and replies to it, and nothing else."""

from __future__ import annotations

import asyncio

from bot_fixtures import (  # noqa: F401 (fixtures)
    USER,
    ask,
    bot_fixture,
    emulator_fixture,
    index_dir_fixture,
    phone_text,
)
from emulator import Call, Emulator

GROUP = Emulator.group(-100123)
QUESTION = "What was Heilongjiang's border trade volume in 1987?"


async def test_silent_on_chatter_then_answers_ask_quoting_the_question(bot: Emulator) -> None:
    for chatter in (QUESTION, "hello everyone", "/ask@some_other_bot " + QUESTION, "/start@some_other_bot"):
        await bot.send(GROUP, USER, chatter)
    await asyncio.sleep(0.5)
    assert bot.sent_to(GROUP["id"]) == []
    asking = await bot.send(GROUP, USER, "/ask " + QUESTION)
    reply = (await bot.replies(GROUP["id"]))[0]
    assert "<b>34.227 million Swiss francs</b>" in reply["html"]
    assert reply["reply_to_message"]["message_id"] == asking["message_id"]


async def test_ask_with_the_bots_name_a_mention_and_a_reply_are_answered(bot: Emulator) -> None:
    reply = await ask(bot, USER, "/ask@archive_test_bot " + QUESTION, GROUP)
    assert "34.227 million Swiss francs" in reply["text"]
    mention = await ask(bot, USER, "🙂 @archive_test_bot 对苏经济技术合作合同多少项？", GROUP)
    assert "94项" in mention["text"]
    follow = await bot.send(GROUP, USER, "How much were the new border trade contracts signed this year worth?",
                            reply_to=mention)  # fmt: skip

    def replies_to_follow(call: Call) -> bool:
        quoted = (call.result or {}).get("reply_to_message") if call.method == "sendMessage" else None
        return bool(quoted) and quoted["message_id"] == follow["message_id"]

    answer = await bot.wait_for(replies_to_follow)
    assert "608 million Swiss francs" in answer.result["text"]


async def test_ask_without_a_question_explains_itself(bot: Emulator) -> None:
    assert "Ask after the command" in (await ask(bot, USER, "/ask", GROUP))["text"]


async def test_a_reply_to_someone_else_is_not_for_the_bot(bot: Emulator) -> None:
    other = await bot.send(GROUP, Emulator.user(2002), "I think it was about 30 million")
    await bot.send(GROUP, USER, "no, it was more", reply_to=other)
    await asyncio.sleep(0.5)
    assert bot.sent_to(GROUP["id"]) == []


async def test_in_groups_long_content_goes_to_the_private_chat_by_a_deep_link(bot: Emulator) -> None:
    reply = await ask(bot, USER, "/ask " + QUESTION, GROUP)
    phone_text(reply)
    rows = reply["reply_markup"]["inline_keyboard"]
    links = [b for row in rows for b in row if "url" in b]
    assert [b["text"] for b in links] == ["Read in private chat"]
    payload = links[0]["url"].removeprefix("https://t.me/archive_test_bot?start=")
    assert payload.startswith("a_")
    assert not [b for row in rows for b in row if b.get("callback_data", "").startswith("a|")]  # no article posted here
    article = await ask(bot, USER, f"/start {payload}")  # what the link sends, in the private chat
    assert article["chat"]["id"] == USER["id"] and article["text"].startswith("Implementing")
