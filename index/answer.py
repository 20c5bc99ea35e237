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
from index.lexicon import Lexicon
from index.model import MISTRANSLATED, Answer, Figure, Flag, Hit, Passage
from index.question import Frame
from index.text import Analyzer, analyze_en
from index.words_zh import NOUN_ENDS, NOUN_USE

# The noun a count's English translation gives it, after its number: "400 delegations", "50 kinds
# of goods"; looked for no further than this many characters past the translation.
_NOUN_AFTER = re.compile(r"\d[\d,.]*(?: (?:hundred|thousand|million|billion))? ((?:kinds|types|sorts|varieties) of "
                         r"[a-z]+|(?:[a-z]+ )?[a-z]+s)\b")  # fmt: skip
NOUN_REACH = 24
NOUN_REACH_ZH = 12  # characters after a Chinese count read for its noun: 内河港口, 大中型水库, 科研成果
MODIFIERS = 2  # English words before the noun kept when they translate the Chinese noun's words too ("inland ports")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_ZH_CLAUSE_END = re.compile(r"[，。；：、！？,;:!?（）()]")


def figure_text(figure: Figure, lang: str) -> str:
    """The figure as the answer writes it in `lang`, corrected where the translation was wrong."""
    if lang == "zh":
        return figs.chinese(figure)
    return figs.english(figure) if figure.lang == "zh" else figure.text


def named(figure: Figure, passage: Passage, lexicon: Lexicon, analyzer: Analyzer) -> Figure:
    """A Chinese count with the English noun of what it counts: the noun its agreeing translation
    gives it ("400 delegations"), else the words of the English passage that translate the noun
    after its measure word (3个内河港口, "the inland ports of Harbin" -> "3 inland ports")."""
    if figure.lang != "zh" or figure.unit != "items":
        return figure
    noun = _translated_noun(figure, passage.en) or _noun_in_translation(figure, passage, lexicon, analyzer)
    return replace(figure, counted=noun) if noun else figure


def _translated_noun(figure: Figure, english: str) -> str:
    if not figure.verified or not figure.translation:
        return ""
    at = english.find(figure.translation)
    if at < 0:
        return ""
    noun = _NOUN_AFTER.search(english, at, at + len(figure.translation) + NOUN_REACH)
    return noun.group(1) if noun else ""


def _noun_in_translation(figure: Figure, passage: Passage, lexicon: Lexicon, analyzer: Analyzer) -> str:
    """Words of the English passage, the last translating the Chinese noun's last word in the count's
    number, those before it its other words (a word the lexicon lacks, 内河, taken to be the English
    word in its place); the longest such, then the nearest the count's place in the passage."""
    words = noun_after(figure, passage, analyzer)
    if not words:
        return ""
    head = lexicon.translate(analyzer.analyze(words[-1], "zh"), "zh")
    others = lexicon.translate([t for w in words for t in analyzer.analyze(w, "zh")], "zh")
    unknown = sum(not lexicon.translate(analyzer.analyze(w, "zh"), "zh") for w in words[:-1])
    english = list(_EN_WORD.finditer(passage.en))
    place = figure.span[0] / len(passage.zh)
    found: list[tuple[int, float, list[re.Match[str]]]] = []
    for at, word in enumerate(english):
        if _plural(word[0]) != (figure.value != 1) or not set(analyze_en(word[0])) & head:
            continue
        start, guesses = at, unknown
        while start > max(at - MODIFIERS, 0):
            before = english[start - 1][0]
            if not set(analyze_en(before)) & others and not (guesses and analyze_en(before) and before.islower()):
                break
            guesses -= not set(analyze_en(before)) & others
            start -= 1
        found.append((start - at, abs(word.start() / len(passage.en) - place), english[start : at + 1]))
    return " ".join(_as_in_a_sentence(m, passage.en) for m in min(found, key=lambda f: f[:2])[2]) if found else ""


def _as_in_a_sentence(word: re.Match[str], english: str) -> str:
    """A word as it reads within a sentence: the capital of a sentence's first word dropped."""
    opens = not english[: word.start()].rstrip() or english[: word.start()].rstrip()[-1] in ".!?:\"“"
    return word[0].lower() if opens else word[0]


def noun_after(figure: Figure, passage: Passage, analyzer: Analyzer) -> list[str]:
    """The words of the noun that follows a Chinese figure in its clause, by jieba's tags (3个内河港口开始对苏开放
    -> 内河, 港口; 九十二万吨钢 -> 钢)."""
    after = passage.zh[figure.span[1] :][:NOUN_REACH_ZH]
    words = []
    for word, tag in analyzer.tagged(_ZH_CLAUSE_END.split(after, 1)[0]):
        if tag != NOUN_USE and tag.startswith(NOUN_ENDS):
            break
        words.append(word)
    return words


def _plural(word: str) -> bool:
    return word.lower().endswith("s") and not word.lower().endswith("ss")


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
        figure_text=figure_text(figure, lang) if figure else "",
        passages=sides,
        marks=figure_spans(figure, sides),
        warnings=mistranslation(figure) if lang == "en" else (),  # a Chinese answer shows the original
        alternatives=alternatives,
        more=more,
    )


def not_found(question: str, lang: str) -> Answer:
    return Answer(found=False, lang=lang, question=question)
