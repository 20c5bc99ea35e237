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
    phone_text,
    reply_to,
    running,
)
from emulator import Call, Emulator

TRADE_1987 = "What was Heilongjiang's border trade volume in 1987?"
NEW_CONTRACTS = "How much were the new border trade contracts signed this year worth?"
TRADE_ZH = "1987年黑龙江边境贸易额是多少？"


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


def keyboard_buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_start_says_what_the_archive_holds_with_examples_to_tap(bot: Emulator) -> None:
    reply = await ask(bot, USER, "/start")
    assert reply["text"].startswith("Hello! I answer questions about the People's Daily archive (1 articles, 1989)")
    tappable = keyboard_buttons(reply)
    assert [b["text"] for b in tappable] == [TRADE_1987, NEW_CONTRACTS, "Try the inline lookup here"]
    assert tappable[2]["switch_inline_query_current_chat"] == "border trade"
    await press(bot, reply, tappable[0]["callback_data"])
    answer = await reply_to(bot, reply)
    assert answer["html"].startswith("<b>34.227 million Swiss francs</b>")
    zh = await ask(bot, USER_ZH, "/start")
    assert zh["text"].startswith("你好！") and "共 1 篇文章（1989年）" in zh["text"]
    assert keyboard_buttons(zh)[0]["text"] == TRADE_ZH


async def test_commands_are_registered_in_both_languages(bot: Emulator) -> None:
    await ask(bot, USER, "/help")
    assert {c["command"] for c in bot.commands[""]} == {"start", "help", "ask", "chart", "lang", "about"}
    assert any("档案" in c["description"] for c in bot.commands["zh"])
    assert "你好" in (await ask(bot, USER_ZH, "/start"))["text"]


async def test_english_question_gets_a_phone_sized_answer(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    text = phone_text(reply)
    figure, sentence, blank, cited = text.split("\n")
    assert figure == "34.227 million Swiss francs" and not blank
    assert sentence == (  # the sentences that state it, whole, the passage cut around them
        "… In April 1982, the two sides resumed border trade that had been suspended for 15 years. "
        "In 1987, the border trade volume reached 34.227 million Swiss francs, doubling the 1983 figure. …"
    )
    assert reply["html"].count("<b>") == 2 and "<u>" not in reply["html"]  # the figure, and only the figure, marked
    assert cited.startswith("People's Daily, 1989-08-29, page 4: Implementing")
    assert set(buttons(reply)) == {"原文", "Whole passage", "Full article"}  # no second sure passage: no "Next"


async def test_whole_passage_is_one_tap_away(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    await press(bot, reply, buttons(reply)["Whole passage"])
    whole = await edited(bot, reply)
    assert len(whole["text"]) > len(reply["text"]) and "…" not in whole["text"]
    phone_text(whole, 4096)
    assert "Whole passage" not in buttons(whole)


async def test_corrected_translation_is_flagged_never_repeated_as_the_answer(bot: Emulator) -> None:
    reply = await ask(bot, USER, NEW_CONTRACTS)
    assert reply["html"].startswith("<b>608 million Swiss francs</b>")
    answer, warning = phone_text(reply).split("⚠️", 1)
    assert warning == (" The English translation reads 6.08 billion Swiss francs; "
                       "the original 6.08亿瑞士法郎 is 608 million Swiss francs.")  # the cited figure's only
    assert "6.08 billion" not in answer
    assert "<b>608 million Swiss francs</b> in new contracts" in reply["html"]


async def test_chinese_question_answered_in_chinese(bot: Emulator) -> None:
    reply = await ask(bot, USER_ZH, TRADE_ZH)
    assert reply["html"].startswith("<b>3422.7万瑞士法郎</b>\n") and "<b>3422.7万瑞士法郎</b>，" in reply["html"]
    assert "《人民日报》1989年8月29日第4版" in phone_text(reply)
    assert set(buttons(reply)) <= {"English", "整段", "下一条 ▸", "全文"} and "全文" in buttons(reply)


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
    reply = await ask(bot, USER, "volume")  # two passages the ranker is sure of (0.28 and 0.30 above)
    seen = {reply["text"]}
    while "Next result ▸" in buttons(reply):  # offered only when there is one
        mark = len(bot.calls)
        answered = await press(bot, reply, buttons(reply)["Next result ▸"])
        assert not answered.params.get("text")
        reply = await edited(bot, reply, after=mark)
        assert reply["text"] not in seen
        seen.add(reply["text"])
    assert len(seen) > 1


async def test_full_article_button_sends_the_whole_article(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    await press(bot, reply, buttons(reply)["Full article"])
    parts = await bot.replies(USER["id"], 2)
    article = parts[1]["text"]
    assert article.startswith("Implementing the \"South Connect, North Open\"")
    title, cited = article.split("\n")[:2]
    assert cited == "People's Daily, 1989-08-29, page 4 — Sūn Yán, Sūn Yǒngxiáng" and title not in cited
    assert "摄" not in article and "📷" not in article  # the Chinese caption belongs to the Chinese view
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
        assert "94项" in (await ask(emulator, USER, "对苏经济技术合作合同多少项？"))["text"]
        english = await ask(emulator, USER, TRADE_1987)  # an English question, answered in the chosen Chinese
        assert "3422.7万瑞士法郎" in english["text"]
        assert "Usage" not in (await ask(emulator, USER, "/lang klingon"))["text"]  # the usage, in Chinese
        assert "language of each question" in (await ask(emulator, USER, "/lang auto"))["text"]
        assert "Send a question" in (await ask(emulator, USER, "/help"))["text"]


async def test_about_reports_the_archive(bot: Emulator) -> None:
    text = (await ask(bot, USER, "/about"))["text"]
    assert text.startswith("The archive holds 1 People's Daily articles printed from 1989-08-29 to 1989-08-29")
    assert "version" not in text


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
