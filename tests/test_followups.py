"""Follow-ups: a short question read with the previous one's subject, in Telegram and the terminal chat."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bot_fixtures import (  # noqa: F401 (fixtures)
    USER,
    USER_ZH,
    ask,
    bot_fixture,
    emulator_fixture,
    index_dir_fixture,
    phone_text,
)
from conftest import ROOT
from emulator import Call, Emulator

from bot.followup import is_follow_up, rewrite
from bot.i18n import t

SUBJECT = "What was Heilongjiang's border trade volume?"
SUBJECT_ZH = "黑龙江对苏边境贸易额是多少？"
GROUP = Emulator.group(-100_777)


@pytest.mark.parametrize(
    ("previous", "follow", "whole"),
    [
        (SUBJECT, "and in 1987?", "What was Heilongjiang's border trade volume in 1987?"),
        ("Border trade in 1987?", "And in 1988?", "Border trade in 1988?"),
        ("border trade contracts", "what about Jilin?", "border trade contracts Jilin"),
        (SUBJECT_ZH, "那1988年呢？", "1988年黑龙江对苏边境贸易额是多少？"),
        ("1987年黑龙江对苏边境贸易额是多少？", "那1988年呢", "1988年黑龙江对苏边境贸易额是多少？"),
    ],
)
def test_a_follow_up_takes_the_previous_questions_subject(previous: str, follow: str, whole: str) -> None:
    assert is_follow_up(follow)
    assert rewrite(previous, follow) == whole


@pytest.mark.parametrize("question", ["How much were the new border trade contracts signed this year worth?",
                                      "对苏经济技术合作合同多少项？", "1987"])  # fmt: skip
def test_a_whole_question_stands_alone(question: str) -> None:
    assert not is_follow_up(question) and rewrite(SUBJECT, question) == question


async def test_a_follow_up_in_a_private_chat(bot: Emulator) -> None:
    alone = await ask(bot, Emulator.user(4004), "and in 1987?")  # no previous question: read as it is
    assert "34.227" not in alone["text"]
    await ask(bot, USER, SUBJECT)
    follow = await ask(bot, USER, "and in 1987?")
    assert follow["html"].startswith("<b>34.227 million Swiss francs</b>\n")
    phone_text(follow)
    await ask(bot, USER_ZH, SUBJECT_ZH)
    zh = await ask(bot, USER_ZH, "那1987年呢？")
    assert zh["html"].startswith("<b>3422.7万瑞士法郎</b>\n")


async def test_a_reply_to_the_bots_answer_in_a_group_is_a_follow_up(bot: Emulator) -> None:
    answer = await ask(bot, USER, "/ask " + SUBJECT, GROUP)
    follow = await bot.send(GROUP, USER, "and in 1987?", reply_to=answer)

    def replies_to_follow(call: Call) -> bool:
        quoted = (call.result or {}).get("reply_to_message") if call.method == "sendMessage" else None
        return bool(quoted) and quoted["message_id"] == follow["message_id"]

    reply = (await bot.wait_for(replies_to_follow)).result
    assert reply["html"].startswith("<b>34.227 million Swiss francs</b>\n")


def test_terminal_chat_has_help_follow_ups_and_quit(sample_index: Path) -> None:
    lines = ["help", "/help", SUBJECT, "and in 1987?", "quit", "never read"]
    command = [sys.executable, "-m", "bot.cli", "chat", "--index", str(sample_index)]
    result = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120,
                            cwd=ROOT)  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr
    replies = [r.strip() for r in result.stdout.split("> ")[1:]]
    assert len(replies) == 5  # quit ends the chat: the line after it is never read
    assert replies[0] == replies[1] == t("chat_help", "en")
    assert replies[3].startswith("34.227 million Swiss francs\n")
    assert replies[4] == ""
    assert "quit" in result.stderr  # the greeting says how to leave
