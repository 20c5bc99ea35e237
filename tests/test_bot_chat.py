"""Private chat end to end: the real Application against the Bot API emulator."""

from __future__ import annotations

from bot_fixtures import USER, ask, bot_fixture, buttons, emulator_fixture, index_dir_fixture  # noqa: F401
from emulator import Emulator

TRADE_1987 = "What was the value of Heilongjiang's border trade with the USSR in 1987?"


async def test_start_greets_and_commands_are_registered(bot: Emulator) -> None:
    reply = await ask(bot, USER, "/start")
    assert "Ask me" in reply["text"]
    assert {c["command"] for c in bot.commands[""]} == {"start", "help", "ask", "lang", "about"}
    assert any("档案" in c["description"] for c in bot.commands["zh"])


async def test_english_question_answered_with_figure_passage_citation(bot: Emulator) -> None:
    reply = await ask(bot, USER, TRADE_1987)
    assert "<b>34.227 million Swiss francs</b>" in reply["html"]
    assert "<u>" in reply["html"]  # the question's words are marked
    assert "People's Daily, 1989-08-29, page 4" in reply["text"]
    assert set(buttons(reply)) == {"原文", "Next result ▸", "Full article"}
