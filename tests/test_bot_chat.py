"""Private chat end to end: the real Application against the Bot API emulator."""

from __future__ import annotations

import asyncio
from pathlib import Path

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
from emulator import Call, Emulator

TRADE_1987 = "What was the value of Heilongjiang's border trade with the USSR in 1987?"
NEW_CONTRACTS = "How much were the new border trade contracts signed this year worth?"
PROJECTS_ZH = "黑龙江对苏经济技术合作合同累计多少项？"


async def press(emu: Emulator, message: dict, data: str) -> Call:
    """Presses a button; returns the bot's answerCallbackQuery call (every press is answered)."""
    query_id = await emu.press(USER, message, data)
    return await emu.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id and not c.error
    )


async def edited(emu: Emulator, message: dict, after: int = 0) -> dict:
    call = await emu.wait_for(
        lambda c: c.method == "editMessageText"
        and int(c.params["message_id"]) == message["message_id"]
        and c.result
        and emu.calls.index(c) >= after
    )
    return dict(call.result)


async def test_start_greets_and_commands_are_registered_in_both_languages(bot: Emulator) -> None:
    reply = await ask(bot, USER, "/start")
    assert "Ask me" in reply["text"]
    assert {c["command"] for c in bot.commands[""]} == {"start", "help", "ask", "lang", "about"}
    assert any("档案" in c["description"] for c in bot.commands["zh"])
    assert "你好" in (await ask(bot, USER_ZH, "/start"))["text"]


async def test_english_question_answered_with_figure_passage_and_citation(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    assert "<b>34.227 million Swiss francs</b>" in reply["html"]
    assert "<u>" in reply["html"]  # the question's words are marked in the passage
    assert "People's Daily, 1989-08-29, page 4" in reply["text"]
    assert set(buttons(reply)) == {"原文", "Next result ▸", "Full article"}


async def test_corrected_translation_is_flagged_never_repeated_as_the_answer(bot: Emulator) -> None:
    reply = await ask(bot, USER, NEW_CONTRACTS)
    assert reply["html"].startswith("<b>608 million Swiss francs</b>")
    answer, warning = reply["text"].split("⚠️", 1)
    assert "6.08 billion" in warning and "6.08 billion" not in answer
    assert "608 million Swiss francs in new contracts" in answer


async def test_chinese_question_answered_in_chinese(bot: Emulator) -> None:
    reply = await ask(bot, USER_ZH, PROJECTS_ZH)
    assert "<b>94项</b>" in reply["html"]
    assert "《人民日报》1989年8月29日第4版" in reply["text"]
    assert set(buttons(reply)) == {"English", "下一条 ▸", "全文"}


async def test_unanswerable_question_gets_a_polite_no(bot: Emulator) -> None:
    reply = await ask(bot, USER, "What is the population of Tokyo?")
    assert "nothing in the archive" in reply["text"].lower() or "sorry" in reply["text"].lower()
    assert not buttons(reply)


async def test_other_language_button_toggles_the_passage(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    await press(bot, reply, buttons(reply)["原文"])
    shown = await edited(bot, reply)
    assert "3422.7万瑞士法郎" in shown["text"] and "Original (Chinese)" in shown["text"]
    assert "English" in buttons(shown)
    mark = len(bot.calls)
    await press(bot, reply, buttons(shown)["English"])
    back = await edited(bot, reply, after=mark)
    assert "34.227 million Swiss francs" in back["text"]


async def test_double_press_is_answered_without_an_error_message(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    data = buttons(reply)["原文"]
    await press(bot, reply, data)
    await edited(bot, reply)
    await press(bot, reply, data)  # the same content again: "message is not modified"
    await asyncio.sleep(0.3)
    assert not [m for m in bot.sent_to(USER["id"]) if "went wrong" in m["text"]]


async def test_next_result_shows_another_passage_or_says_there_is_none(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    answered = await press(bot, reply, buttons(reply)["Next result ▸"])
    if answered.params.get("text"):
        assert "No further results" in answered.params["text"]
    else:
        assert (await edited(bot, reply))["text"] != reply["text"]


async def test_full_article_button_sends_the_whole_article(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    await press(bot, reply, buttons(reply)["Full article"])
    parts = await bot.replies(USER["id"], 2)
    article = parts[1]["text"]
    assert article.startswith("Implementing the \"South Connect, North Open\"")
    assert "over 3,000 now" in article and "Khabarovsk" in article
    assert "608 million Swiss francs in new contracts" in article and "6.08 billion" not in article


async def test_buttons_keep_working_on_old_messages_after_a_restart(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    async with running(emulator, index_dir, state):
        reply = await ask(emulator, USER, TRADE_1987)
    async with running(emulator, index_dir, state):
        await press(emulator, reply, buttons(reply)["原文"])
        assert "3422.7万瑞士法郎" in (await edited(emulator, reply))["text"]


async def test_forged_or_stale_callback_data_is_answered_politely(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    for data in ("garbage", "v|AAAAAAAA|0|en|zh", "n|<script>|1|en", "a|../../etc/passwd|en", "a|nosuchid|en"):
        answered = await press(bot, reply, data)
        assert answered.params.get("text") in (None, "This button is no longer valid; please ask the question again.")
    await asyncio.sleep(0.3)
    texts = [m["text"] for m in bot.sent_to(USER["id"])]
    assert "I cannot find that article in the archive." in texts
    assert not bot.errors()


async def test_language_choice_is_remembered_across_restarts(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    async with running(emulator, index_dir, state):
        assert (await ask(emulator, USER, "/lang zh"))["text"] == "我会用中文回答。"
    async with running(emulator, index_dir, state):
        assert "私聊" in (await ask(emulator, USER, "/help"))["text"]
        assert "94项" in (await ask(emulator, USER, "黑龙江对苏经济技术合作合同累计多少项？"))["text"]
        english = await ask(emulator, USER, TRADE_1987)  # an English question, answered in the chosen Chinese
        assert "3422.7万瑞士法郎" in english["text"]
        assert "Usage" not in (await ask(emulator, USER, "/lang klingon"))["text"]  # the usage, in Chinese
        assert "language of each question" in (await ask(emulator, USER, "/lang auto"))["text"]
        assert "Send a question" in (await ask(emulator, USER, "/help"))["text"]


async def test_about_reports_the_archive(bot: Emulator) -> None:
    text = (await ask(bot, USER, "/about"))["text"]
    assert text.startswith("The archive: articles 1, passages ")
    assert "dates 1989-08-29 to 1989-08-29; index version " in text


async def test_deep_links_send_articles_and_reject_bad_payloads(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    article_id = buttons(reply)["Full article"].split("|")[1]
    article = await ask(bot, USER_ZH, f"/start a_{article_id}")
    assert article["text"].startswith("实施“南联北开”发展战略")
    assert "不是" not in article["text"] and "一江之隔" in article["text"]
    assert (await ask(bot, USER, "/start a_nosuchid"))["text"] == "I cannot find that article in the archive."
    assert "not valid" in (await ask(bot, USER, "/start a_../../x"))["text"]
    assert "Send a question" in (await ask(bot, USER, "/start help"))["text"]


async def test_non_text_messages_and_unknown_commands_get_a_hint(bot: Emulator) -> None:
    sticker = await bot.sticker(USER)
    reply = await bot.wait_for(lambda c: c.method == "sendMessage" and c.result
                               and c.result["message_id"] > sticker["message_id"])  # fmt: skip
    assert reply.result["text"] == "Please send a question as text."
    assert "Send a question" in (await ask(bot, USER, "/frobnicate"))["text"]
