"""Telegram HTML mechanics: escaping, and splitting long HTML within Telegram's limit.

Words come from bot/present.py. `split_html` cuts long HTML at paragraph ends, never
inside a tag or an entity, closing and reopening the tags that are open at the cut.
"""

from __future__ import annotations

import html
import re

MESSAGE_LIMIT = 4096

_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)")
_BREAKS = (re.compile(r"\n\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?。！？；;])\s*"), re.compile(r"\s"))
_CLOSER_RESERVE = 32  # room for the closing tags of a cut part: at most </b></u></i>


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _open_tags(html_text: str, end: int) -> list[str]:
    """The tags (whole opening tags) still open at position `end`."""
    stack: list[str] = []
    for token in _TOKEN.finditer(html_text, 0, end):
        tag = _TAG.match(token.group())
        if tag and token.group().endswith(">"):
            if not tag.group(1):
                stack.append(token.group())
            elif stack:
                stack.pop()
    return stack


def _safe_cut(html_text: str, budget: int) -> int:
    """The best cut position ≤ budget: the latest paragraph end, else line end,
    sentence end, space, else any position between tokens or inside text."""
    text_ranges = [m.span() for m in _TOKEN.finditer(html_text) if m.group()[0] not in "<&"]
    for pattern in _BREAKS:
        best = 0
        for start, end in text_ranges:
            for m in pattern.finditer(html_text, start, min(end, budget)):
                best = max(best, m.end())
        if best > 0:
            return best
    last = 0
    for token in _TOKEN.finditer(html_text):
        start, end = token.span()
        if end <= budget:
            last = end
        elif token.group()[0] not in "<&" and start < budget:
            return budget
        else:
            break
    return max(last, 1)


def split_html(html_text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`html_text` as messages of at most `limit` UTF-16 units, each with balanced tags."""
    parts: list[str] = []
    rest = html_text.strip()
    while utf16_len(rest) > limit:
        budget = limit - _CLOSER_RESERVE
        while True:
            cut = _safe_cut(rest, budget)
            stack = _open_tags(rest, cut)
            closers = "".join(f"</{_TAG.match(tag).group(2)}>" for tag in reversed(stack))  # type: ignore[union-attr]
            head = rest[:cut].rstrip() + closers
            if utf16_len(head) <= limit or budget <= 1:
                break
            budget -= utf16_len(head) - limit  # astral characters count twice
        parts.append(head)
        rest = ("".join(stack) + rest[cut:].lstrip()).strip()
    if rest:
        parts.append(rest)
    return parts
