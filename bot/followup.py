"""Follow-up questions: "and in 1988?" / "那1988年呢？" read with the previous question's subject.

A follow-up is short and leans on what was asked before: it starts with "and",
"what about" or "how about", or ends with 呢. It is rewritten into a whole question
before the index sees it: a year it names takes the place of the previous
question's year (or is added to it); other words are added to the previous question.
"""

from __future__ import annotations

import re

# A follow-up names one new thing ("and in 1988?", "what about Jilin?"); a question of more
# words than this stands on its own.
FOLLOW_UP_WORDS = 5
FOLLOW_UP_CHARS_ZH = 12
_EN_LEAD = re.compile(r"^\s*(?:and|what about|how about)\b\s*(?P<rest>.*?)\s*[?？]?\s*$", re.IGNORECASE)
_ZH_LEAD = re.compile(r"^\s*(?:那么|那|还有)?\s*(?P<rest>.*?)\s*(?:的呢|呢)\s*[?？]?\s*$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)(\s*年)?")
_EN_FILLER = re.compile(r"^(?:in|for|during|of|the year)\s+", re.IGNORECASE)
_QUESTION_END = "?？ "


def _rest(text: str) -> str | None:
    """What a follow-up adds, or None when `text` is not a follow-up."""
    english = _EN_LEAD.match(text)
    if english and len(text.split()) <= FOLLOW_UP_WORDS:
        return english.group("rest")
    chinese = _ZH_LEAD.match(text)
    if chinese and len(text.strip()) <= FOLLOW_UP_CHARS_ZH:
        return chinese.group("rest")
    return None


def is_follow_up(text: str) -> bool:
    return _rest(text) is not None


def _with_year(previous: str, year: str) -> str:
    """`previous` about `year`: its own year replaced, else the year added."""
    if _YEAR.search(previous):
        return _YEAR.sub(lambda m: year + (m.group(2) or ""), previous, count=1)
    if re.search(r"[\u4e00-\u9fff]", previous):
        return f"{year}年{previous}"
    return f"{previous.rstrip(_QUESTION_END)} in {year}?"


def rewrite(previous: str, text: str) -> str:
    """The follow-up `text` as a whole question, read with `previous`; `text` itself when it is
    not a follow-up."""
    rest = _rest(text)
    if rest is None:
        return text
    year = _YEAR.search(rest)
    if year:
        return _with_year(previous, year.group(1))
    addition = _EN_FILLER.sub("", rest).strip()
    return f"{previous.rstrip(_QUESTION_END)} {addition}".strip() if addition else previous
