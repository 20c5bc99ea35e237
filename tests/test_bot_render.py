"""Rendering: escaping, splitting under Telegram's limit, and the emulator's HTML checks."""

from __future__ import annotations

import logging
import sys

import pytest
from emulator import ApiError, check_text, parse_html

from bot.app import TokenFilter
from bot.render import escape, split_html, utf16_len
from index.engine import clean


def test_the_emulator_rejects_what_telegram_rejects() -> None:
    with pytest.raises(ApiError, match="Unsupported start tag \"script\" at byte offset 0"):
        parse_html("<script>alert(1)</script>")
    with pytest.raises(ApiError, match="Can't find end tag corresponding to start tag \"b\""):
        parse_html("<b>bold")
    with pytest.raises(ApiError, match="Unmatched end tag at byte offset 11, expected \"</b>\", found \"</i>\""):
        parse_html("<b>x<i></i></i>")
    with pytest.raises(ApiError, match="message is too long"):
        check_text("x" * 4097, None)
    assert parse_html("a &lt;b&gt; &amp; &#20013; &bogus;") == "a <b> & 中 &bogus;"


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert('x')</script>", "<b>unclosed", "a & b &amp; &lt;", "</i>", "<a href='javascript:x'>"],
)
def test_escaped_text_always_parses_back_to_itself(hostile: str) -> None:
    assert parse_html(escape(hostile)) == hostile


def test_clean_removes_control_characters_and_lone_surrogates_and_cuts() -> None:
    assert clean("a\x00b\x1b[31m \ud800c\u202e\n d") == ("a b [31m c d", False)
    text, cut = clean("word " * 300)
    assert cut and len(text) == 1000


def _long_html(paragraphs: int) -> str:
    return "\n\n".join(f"<b>Figure {i}</b> in <i>a clause with &amp; and 中文 🙂 {'words ' * 60}</i>"
                       for i in range(paragraphs))  # fmt: skip


def test_short_html_is_one_message() -> None:
    assert split_html("<b>x</b>") == ["<b>x</b>"]


@pytest.mark.parametrize("source", [_long_html(40), "<b>" + "长" * 9000 + "</b>", "🙂" * 5000, "a&amp;" * 2000])
def test_long_html_splits_under_the_limit_with_balanced_tags(source: str) -> None:
    parts = split_html(source)
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= 4096
        check_text(part, "HTML")  # balanced tags, entities whole, within the limit
    joined = "".join(parse_html(p) for p in parts)
    assert joined.replace("\n", "").replace(" ", "") == parse_html(source).replace("\n", "").replace(" ", "")


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    parts = split_html(_long_html(40))
    assert all(p.startswith("<b>Figure ") and p.endswith("</i>") for p in parts)


def test_the_log_filter_redacts_the_token_from_messages_arguments_and_tracebacks() -> None:
    token = "123456:TEST-token-secret"
    redactor = TokenFilter(token)
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{token}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord("httpx", logging.ERROR, __file__, 1, "POST %s", (token,), sys.exc_info())
    malformed = logging.LogRecord("x", logging.INFO, __file__, 1, "%d TEST-token-secret", ("a",), None)
    for item in (record, malformed):
        assert redactor.filter(item)
        assert "TEST-token-secret" not in logging.Formatter().format(item)
