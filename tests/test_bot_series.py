"""A figure over the years in Telegram, end to end through the Bot API emulator: /chart and trend
questions get the chart as a photo with a two-line caption and a sources button; a question
comparing two years gets both figures, cited, with the difference and the ratio.

The bot runs over the bundled archive; what it should say is read from the same index through
the engine, so the tests hold whatever points the series finds, as long as it finds some."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bot_fixtures import USER, USER_ZH, ask, buttons, emulator_fixture, phone_text, reply_to, running  # noqa: F401
from emulator import Emulator, check_caption, check_text, png_size, utf16_len

from bot import chart, present
from bot.i18n import t
from index import figures as figs
from index.answer import mistranslation
from index.engine import Engine
from index.model import MISTRANSLATED, Comparison, Series

STEEL, STEEL_ZH = "national steel output", "全国钢产量"
GRAIN, GRAIN_ZH = "national grain output", "全国粮食总产量"
TREND = "How did national grain output change from 1955 to 1989?"
TREND_ZH = "全国粮食总产量这些年怎么变化的？"
COMPARE = "Was national grain output bigger in 1982 or 1990?"
COMPARE_ZH = "1990年和1982年哪年全国粮食总产量多？"
# Two figures with their citations (each with the article's title, up to two lines) and a note.
COMPARISON_CHARS = 900
CAPTION_LINES = 2


@pytest.fixture(name="corpus_engine", scope="module")
def corpus_engine_fixture(corpus_index: Path) -> Engine:
    return Engine.open(corpus_index)


@pytest.fixture(name="bot")
async def bot_fixture(emulator: Emulator, corpus_index: Path, tmp_path: Path) -> AsyncIterator[Emulator]:
    async with running(emulator, corpus_index, tmp_path / "state.json"):
        yield emulator


def _photo(emu: Emulator, message: dict) -> bytes:
    assert "photo" in message, message.get("text")
    return emu.photos[(message["chat"]["id"], message["message_id"])]


def _check_chart(emu: Emulator, message: dict, series: Series, lang: str) -> list[str]:
    """The photo is the chart (a PNG of the chart's size); the caption its two lines; one button, the
    sources. Returns the caption's lines."""
    assert png_size(_photo(emu, message)) == chart.SIZE
    caption = check_caption(message["caption_html"], "HTML")
    assert caption == message["caption"]
    lines = caption.split("\n")
    assert len(lines) == CAPTION_LINES
    assert lines[0].startswith(series.query) and t("sources", lang) in buttons(message)
    first, last = series.points[0].year, series.points[-1].year
    assert (str(first) if first == last else f"{first}{'—' if lang == 'zh' else '–'}{last}") in lines[1]
    return lines


async def test_chart_command_sends_the_chart_with_its_caption(bot: Emulator, corpus_engine: Engine) -> None:
    reply = await ask(bot, USER, f"/chart {STEEL}")
    series = corpus_engine.over_years(STEEL)
    assert len(series.points) > 1
    what, years = _check_chart(bot, reply, series, "en")
    assert what == f"{STEEL} (tons)"
    reports = sum(1 + len(p.others) for p in series.points)
    assert years.endswith(f", from {reports} reports")
    zh = await ask(bot, USER_ZH, f"/chart {GRAIN_ZH}")
    what, years = _check_chart(bot, zh, corpus_engine.over_years(GRAIN_ZH), "zh")
    assert what.startswith(f"{GRAIN_ZH}（") and what.endswith("）") and "年，共" in years and years.endswith("篇报道")


async def test_chart_of_the_years_named(bot: Emulator, corpus_engine: Engine) -> None:
    series = corpus_engine.over_years(f"{GRAIN} 1984 1989")
    assert {p.year for p in series.points} <= set(range(1984, 1990)) and series.points
    _check_chart(bot, await ask(bot, USER, f"/chart {GRAIN} 1984 1989"), series, "en")


async def test_sources_button_lists_each_point_with_its_citation_and_notes(
    bot: Emulator, corpus_engine: Engine
) -> None:
    query = f"{GRAIN} 1980 1995"  # a decade or two: every source fits one message
    photo = await ask(bot, USER, f"/chart {query}")
    await bot.press(USER, photo, buttons(photo)[t("sources", "en")])
    listed = await reply_to(bot, photo)
    text = check_text(listed["html"], "HTML")
    assert utf16_len(text) <= 4096
    series = corpus_engine.over_years(query)
    assert text.startswith(f"{GRAIN}, {series.points[0].year}–{series.points[-1].year}")
    for point in series.points:
        assert f"{point.year}: " in text and point.hit.article.title_en in text
        assert point.hit.article.date.isoformat() in text
        assert point.hit.article.page is None or f"page {point.hit.article.page}" in text
        for note in mistranslation(point.figure):  # a corrected translation is said under its point
            assert dict(note.values)["printed"] in text
        for other in point.others:
            assert other.hit.article.title_en in text
    assert bot.errors() == []


async def test_trend_questions_in_both_languages_get_a_chart(bot: Emulator, corpus_engine: Engine) -> None:
    for user, question, lang in ((USER, TREND, "en"), (USER_ZH, TREND_ZH, "zh")):
        series = corpus_engine.reply(question)
        assert isinstance(series, Series), question
        _check_chart(bot, await ask(bot, user, question), series, lang)


async def test_trend_in_a_group_by_ask_mention_and_reply(bot: Emulator) -> None:
    group = Emulator.group(-100)
    charts = []
    for text, replied in ((f"/ask {TREND}", False), (f"@{bot.me['username']} {TREND_ZH}", False), (TREND, True)):
        sent = await bot.send(group, USER, text, reply_to=charts[0] if replied else None)
        reply = await reply_to(bot, sent)
        assert "photo" in reply and reply["reply_to_message"]["message_id"] == sent["message_id"], reply.get("text")
        charts.append(reply)


def _check_comparison(message: dict, comparison: Comparison, lang: str) -> str:
    """Both figures with their citations (date, page, title), the difference and the ratio worked out
    here from the two points, in a message of valid HTML held to two phone screens."""
    text = phone_text(message, COMPARISON_CHARS)
    series, earlier, later = comparison.series, comparison.earlier, comparison.later
    for point in (earlier, later):
        assert t("point", lang, year=point.year, value=present.point_value(point, series, lang)) in text
        assert present.citation(point.hit.article, lang) in text
        for flag in point.flags if lang == "en" else ():  # a Chinese reader reads the original
            assert present.flag_text(flag, lang) in text or flag.code != MISTRANSLATED
    assert ("also reported" if lang == "en" else "另一报道") not in text  # other reports: the sources list's
    amount = figs.quantity(abs(later.value - earlier.value), series.unit, lang)
    ratio = f"{later.value / earlier.value:.2f}".rstrip("0").rstrip(".")
    more = later.value > earlier.value
    if lang == "en":
        said = f"{later.year} had {amount} {'more' if more else 'less'} than {earlier.year}. "
        said += f"{later.year} is {ratio} times {earlier.year}."
    else:
        said = f"{later.year}年比{earlier.year}年{'多' if more else '少'}{amount}。"
        said += f"{later.year}年是{earlier.year}年的{ratio}倍。"
    assert text.endswith(said)
    return text


async def test_comparisons_in_both_languages_give_both_figures_difference_ratio_and_citations(
    bot: Emulator, corpus_engine: Engine
) -> None:
    for user, question, lang in ((USER, COMPARE, "en"), (USER_ZH, COMPARE_ZH, "zh")):
        comparison = corpus_engine.reply(question)
        assert isinstance(comparison, Comparison), question
        assert (comparison.earlier.year, comparison.later.year) == (1982, 1990)
        text = _check_comparison(await ask(bot, user, question), comparison, lang)
        assert ("1983-06-25, page 3" if lang == "en" else "1983年6月25日第3版") in text


async def test_a_comparison_the_archive_cannot_make_is_answered_as_a_question(bot: Emulator) -> None:
    reply = await ask(bot, USER, "Was national grain output bigger in 1901 or 1902?")
    assert "photo" not in reply and " times " not in reply["text"]
    phone_text(reply)


async def test_nothing_to_chart_is_said_politely(bot: Emulator) -> None:
    reply = await ask(bot, USER, "/chart qwertyuiop zxcvbnm")
    assert "photo" not in reply and reply["text"].startswith("Nothing in the archive gives this figure year by year")
    usage = await ask(bot, USER_ZH, "/chart")
    assert usage["text"] == t("chart_usage", "zh")
    assert bot.errors() == []


async def test_chart_is_a_registered_command_in_both_languages_and_in_help(bot: Emulator) -> None:
    helped = await ask(bot, USER, "/help")
    assert "/chart" in helped["text"] and "/chart" in (await ask(bot, USER_ZH, "/help"))["text"]
    for lang, described in (("", "A figure over the years, as a chart"), ("zh", "历年数字图表")):
        assert {"command": "chart", "description": described} in bot.commands[lang]
