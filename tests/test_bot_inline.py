"""Inline mode: figure lookups from any chat, paginated, answered in time."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from bot_fixtures import USER, USER_ZH, bot_fixture, emulator_fixture, index_dir_fixture  # noqa: F401 (fixtures)
from emulator import Call, Emulator, parse_html

from bot import handlers
from index.engine import Engine


async def inline(emu: Emulator, sender: dict[str, Any], query: str, offset: str = "") -> Call:
    """The bot's (accepted) answer to an inline query."""
    query_id = await emu.inline(sender, query, offset)
    call = await emu.wait_for(lambda c: c.method == "answerInlineQuery" and c.params["inline_query_id"] == query_id)
    assert call.error is None, call.error
    return call


async def test_empty_query_shows_a_hint(bot: Emulator) -> None:
    call = await inline(bot, USER, "  ")
    assert call.params["results"] == []
    assert call.params["button"] == {"text": "Type words or a number to look up figures", "start_parameter": "help"}


async def test_figures_are_listed_with_what_they_measure_and_where(bot: Emulator) -> None:
    call = await inline(bot, USER, "border trade 1987")
    results = call.params["results"]
    assert 0 < len(results) <= 50
    assert call.params["is_personal"] in (True, "true", "True") and int(call.params["cache_time"]) <= 60
    titles = [r["title"] for r in results]
    assert "34.227 million Swiss francs" in titles
    first = results[titles.index("34.227 million Swiss francs")]
    assert "1989-08-29" in first["description"]
    message = first["input_message_content"]["message_text"]
    assert message.startswith("<b>34.227 million Swiss francs</b>")
    assert "People's Daily, 1989-08-29, page 4" in message


async def test_corrected_figures_are_posted_with_the_correction(bot: Emulator) -> None:
    results = (await inline(bot, USER, "new contracts signed this year")).params["results"]
    posts = [r["input_message_content"]["message_text"] for r in results if r["title"] == "608 million Swiss francs"]
    assert posts and "⚠️" in posts[0] and "6.08 billion" not in posts[0].split("⚠️")[0]


async def test_chinese_users_get_chinese_figures(bot: Emulator) -> None:
    results = (await inline(bot, USER_ZH, "边境贸易")).params["results"]
    assert any(r["title"] == "3422.7万瑞士法郎" for r in results)


async def test_results_are_paginated_with_next_offset(bot: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "INLINE_PAGE", 3)
    first = await inline(bot, USER, "border trade")
    assert len(first.params["results"]) == 3 and first.params["next_offset"] == "3"
    second = await inline(bot, USER, "border trade", "3")
    assert {r["id"] for r in first.params["results"]}.isdisjoint(r["id"] for r in second.params["results"])
    forged = await inline(bot, USER, "border trade", "-1; DROP TABLE")
    assert forged.params["results"] == first.params["results"]


async def test_a_slow_search_is_answered_within_telegrams_window(
    bot: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "INLINE_TIMEOUT", 0.3)
    monkeypatch.setattr(Engine, "figures", lambda self, *a, **k: time.sleep(1.0) or [])
    started = time.monotonic()
    call = await inline(bot, USER, "border trade")
    assert time.monotonic() - started < 1.0
    assert call.params["results"] == [] and "too long" in call.params["button"]["text"]


HOSTILE = ["<script>alert(1)</script>", "\ud800\x00 trade", "'; DROP TABLE figures; --", "x" * 256]


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_queries_are_answered(bot: Emulator, query: str) -> None:
    await inline(bot, USER, query)


def _sentence_whole(text: str) -> bool:
    """Ends as a sentence ends, never at a decimal point ("this year, 2.")."""
    return bool(re.search(r"([.!?;。！？；]|…)$", text)) and not re.search(r"\d\.$", text)


async def test_results_are_whole_sentences_in_the_askers_language_with_a_way_back(bot: Emulator) -> None:
    results = (await inline(bot, USER, "border trade")).params["results"]
    for result in results:
        clause = result["input_message_content"]["message_text"].split("\n")[1]
        plain = parse_html(clause)
        assert _sentence_whole(plain), plain
        assert not re.search(r"[\u4e00-\u9fff]{4}", result["description"]), result["description"]  # English asked
        (button,) = [b for row in result["reply_markup"]["inline_keyboard"] for b in row]
        assert button["text"] == "Open in the bot"
        assert re.fullmatch(r"https://t\.me/archive_test_bot\?start=a_[A-Za-z0-9_-]+", button["url"])
    units = [r["title"].split()[-1] for r in results]
    relative = [i for i, u in enumerate(units) if u in ("years", "months", "times", "days")]
    assert not relative or min(relative) > max(i for i, u in enumerate(units) if i not in relative)


async def test_a_typed_number_finds_the_figures_of_that_value(bot: Emulator) -> None:
    for query in ("608", "6.08亿", "608 million"):
        titles = [r["title"] for r in (await inline(bot, USER, query)).params["results"]]
        assert titles[:1] == ["608 million Swiss francs"], (query, titles)
    assert [r["title"] for r in (await inline(bot, USER_ZH, "608")).params["results"]] == ["6.08亿瑞士法郎"]


async def test_counts_are_named_by_what_they_count(bot: Emulator) -> None:
    """3个内河港口 has no number in the translation ("the inland ports of Harbin, ..."): the noun
    comes from the words that translate 内河港口; 400多个代表团 from its agreeing translation."""
    ports = [r["title"] for r in (await inline(bot, USER, "inland river ports")).params["results"]]
    assert "3 inland ports" in ports and "3 items" not in ports, ports
    assert "over 400 delegations" in [r["title"] for r in (await inline(bot, USER, "400")).params["results"]]
