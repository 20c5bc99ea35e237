"""The answer to a question, as data, from the candidate the ranker chose: figure, passage, spans.

Figures come from the Chinese original: a mistranslated one is given correctly in
the passage and named in a flag. No sentence for people is written here:
bot/present.py puts the data into words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from index import figures as figs
from index.model import MISTRANSLATED, Answer, Figure, Flag, Hit
from index.question import Frame

# The noun a count's English translation gives it, after its number: "400 delegations", "50 kinds
# of goods"; looked for no further than this many characters past the translation.
_NOUN_AFTER = re.compile(r"\d[\d,.]*(?: (?:hundred|thousand|million|billion))? ((?:kinds|types|sorts|varieties) of "
                         r"[a-z]+|(?:[a-z]+ )?[a-z]+s)\b")  # fmt: skip
NOUN_REACH = 24


def figure_text(figure: Figure, lang: str, english: str = "") -> str:
    """The figure as the answer writes it in `lang`, corrected where the translation was wrong.
    A Chinese count takes the noun its agreeing translation in `english` gives it."""
    if lang == "zh":
        return figs.chinese(figure)
    if figure.lang != "zh":
        return figure.text
    noun = _translated_noun(figure, english)
    return f"{figs.english(replace(figure, unit=''))} {noun}" if noun else figs.english(figure)


def _translated_noun(figure: Figure, english: str) -> str:
    if figure.unit != "items" or not figure.verified or not figure.translation:
        return ""
    at = english.find(figure.translation)
    if at < 0:
        return ""
    noun = _NOUN_AFTER.search(english, at, at + len(figure.translation) + NOUN_REACH)
    return noun.group(1) if noun else ""


def corrected(english: str, figures: Iterable[Figure]) -> str:
    """English text with each mistranslated figure among `figures` written as the original says."""
    for figure in figures:
        if figure.verified is False and figure.translation:
            english = english.replace(figure.translation, figs.english(figure))
    return english


def passage_sides(hit: Hit) -> tuple[tuple[str, str], ...]:
    """The passage in each language it has; the English with mistranslated figures corrected."""
    passage = hit.passage
    sides = (("en", corrected(passage.en, passage.figures)), ("zh", passage.zh))
    return tuple((lang, text) for lang, text in sides if text)


def _printed(figure: Figure, lang: str) -> str:
    """How the figure reads in `lang`'s side of the (corrected) passage."""
    if figure.lang == lang:
        return figure.text
    if lang == "en" and figure.verified is False:
        return figs.english(figure)
    return figure.translation or ""


def figure_spans(figure: Figure | None, sides: tuple[tuple[str, str], ...]) -> tuple[tuple[str, tuple[int, int]], ...]:
    """Where the cited figure stands in each side: its own span in the language it was read
    from, the first place its text occurs in the other."""
    if figure is None:
        return ()
    spans = []
    for lang, text in sides:
        if figure.lang == lang and text[figure.span[0] : figure.span[1]] == figure.text:
            spans.append((lang, figure.span))
            continue
        printed = _printed(figure, lang)
        start = text.find(printed) if printed else -1
        if start >= 0:
            spans.append((lang, (start, start + len(printed))))
    return tuple(spans)


def mistranslation(figure: Figure | None) -> tuple[Flag, ...]:
    """A flag for the cited figure when its English translation was wrong."""
    if figure is None or figure.verified is not False or not figure.translation:
        return ()
    values = (("printed", figure.translation), ("original", figs.chinese(figure)), ("correct", figs.english(figure)))
    return (Flag(MISTRANSLATED, values),)


def compose(
    question: Frame, hit: Hit, figure: Figure | None, alternatives: tuple[Hit, ...], lang: str, more: bool = False
) -> Answer:
    """The answer in `lang`, which may differ from the question's (a user's /lang setting)."""
    sides = passage_sides(hit)
    return Answer(
        found=True,
        lang=lang,
        question=question.text,
        hit=hit,
        figure=figure,
        figure_text=figure_text(figure, lang, hit.passage.en) if figure else "",
        passages=sides,
        marks=figure_spans(figure, sides),
        warnings=mistranslation(figure) if lang == "en" else (),  # a Chinese answer shows the original
        alternatives=alternatives,
        more=more,
    )


def not_found(question: str, lang: str) -> Answer:
    return Answer(found=False, lang=lang, question=question)
