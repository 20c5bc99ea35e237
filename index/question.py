"""A question read once into its frame: what it asks for, of what, when and where.

The frame holds no decision: each part becomes features of the candidates
(index.features), weighed by the fitted ranker. Word lists live in the
per-language word modules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType

from index import text, words_en, words_zh
from index.figures import is_comparison_base

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# A year in Chinese numerals (一九八二年), as the paper prints most years before the 1990s.
_YEAR_ZH = re.compile(r"[一二][一二三四五六七八九○〇零]{3}(?=年)")
_ZH_DIGITS = str.maketrans("○〇零一二三四五六七八九", "000123456789")
_PAGE = re.compile(r"\bpage\s+(\d{1,3})\b|第\s*(\d{1,3})\s*版", re.IGNORECASE)
WORDS = {"en": words_en, "zh": words_zh}
FRAME_TERMS = {"en": frozenset(text.analyze_en(words_en.FRAME_WORDS)), "zh": frozenset(words_zh.FRAME_WORDS.split())}
KINDS = ("share", "duration", "date", "count", "money", "amount", "which", "any")


@dataclass(frozen=True)
class Frame:
    """What a question asks: its language, terms, kind of answer, unit, years, names, and change."""

    text: str
    lang: str
    tokens: tuple[str, ...]
    kind: str  # one of KINDS
    unit_hint: str  # a unit named in words ("how many workers" -> people)
    measure: str  # 多少种 -> 种: the measure word an answer's figure should carry
    rank: bool  # asks a rank (第几届, "which session"): a 第 ordinal answers, not a count
    years: frozenset[int]
    relative_years: frozenset[int]  # offsets against the article's date: this year 0, last year -1
    page: int | None  # "page 4", 第4版: only articles of that page
    entities: frozenset[str]  # names (places, people, organisations) the question asks about
    change: bool  # asks how much something grew or fell
    target: bool  # asks about a plan or a goal, not an outcome
    trend: bool  # asks how a figure went over years: a series answers, not one report
    compared: tuple[int, ...]  # the two years a question sets against each other, oldest first; else ()
    span: tuple[int | None, int | None]  # the years a series for the question covers (None: open)
    weights: Mapping[str, float] = field(default_factory=dict)  # token -> idf in the archive, set by the engine

    @property
    def content_tokens(self) -> frozenset[str]:
        """The terms that say which passage answers: frame words left out."""
        return frozenset(self.tokens) - FRAME_TERMS[self.lang]

    def asked_years(self, published: int) -> frozenset[int]:
        """The years the question speaks of, relative ones resolved against a publication year."""
        return self.years | {published + offset for offset in self.relative_years}


def read(question: str, lang: str, analyzer: text.Analyzer) -> Frame:
    folded = text.fold(question)
    words = WORDS[lang]
    page = _PAGE.search(folded)
    hint = next((unit for unit, pattern in words_en.UNIT_WORDS.items() if re.search(pattern, folded)), "")
    measure = re.search(words_zh.MEASURE, folded)
    years = frozenset(int(y) for y in _YEAR.findall(folded))
    one_number = bool(re.search(words.ONE_NUMBER, folded))
    return Frame(
        text=question,
        lang=lang,
        tokens=tuple(analyzer.analyze(_PAGE.sub(" ", question), lang)),
        kind=next((name for name, pattern in words.KINDS if re.search(pattern, folded)), "any"),
        unit_hint=hint,
        measure=measure.group(1) if measure else "",
        rank=bool(re.search(words.RANK, folded)),
        years=years,
        relative_years=frozenset(
            offset for word, offset in words.RELATIVE_YEARS.items() for m in re.finditer(word, folded)
            if not is_comparison_base(folded, m.start(), lang)  # 比前年: the base of a comparison is not asked
        ),
        page=int(page.group(1) or page.group(2)) if page else None,
        entities=frozenset(analyzer.entities(question, lang)),
        change=bool(re.search(words.CHANGE, folded)),
        target=bool(re.search(words.TARGET, folded)),
        trend=not one_number and bool(re.search(words.TREND, folded)),
        compared=_compared(folded, years, words) if not one_number else (),
        span=_span(folded, years, lang),
    )


def series_query(question: str, lang: str) -> str:
    """What a question about years measures: the question without its years and the words that ask for a
    trend or a comparison ("How did national grain output change from 1978 to 1990?" -> "national grain
    output"); the question itself when nothing else is left."""
    words = WORDS[lang]
    bare = _YEAR.sub(" ", question)
    bare = re.sub(r"^\s*年|(?<=\s)年", " ", bare) if lang == "zh" else bare
    bare = re.sub(words.ASKING_OVER_YEARS, " ", bare, flags=re.IGNORECASE)
    return " ".join(bare.split()) or question


def _compared(folded: str, years: frozenset[int], words: ModuleType) -> tuple[int, ...]:
    """The two years a question sets against each other ("bigger in 1988 or 1987?"), oldest first."""
    return tuple(sorted(years)) if len(years) == 2 and re.search(words.COMPARE, folded) else ()


def _span(folded: str, years: frozenset[int], lang: str) -> tuple[int | None, int | None]:
    """From the first year named to the last; one year alone starts a series when it follows
    "since" (自1978年, 1978年以来), else the series is open at both ends."""
    if len(years) > 1:
        return min(years), max(years)
    since = WORDS[lang].SINCE
    start = next((y for y in years if re.search(since.format(year=y), folded)), None)
    return start, None


def years_in(passage: str, published: int, lang: str, with_bases: bool = True) -> set[int]:
    """The years a text speaks of (1987, 今年, "last year"); comparison bases left out unless asked."""
    folded = text.fold(passage)
    words = WORDS[lang]
    found = [(m.start(), int(m.group())) for m in _YEAR.finditer(folded)]
    found += [(m.start(), int(m.group().translate(_ZH_DIGITS))) for m in _YEAR_ZH.finditer(folded)]
    found += [(m.start(), published + o) for w, o in words.RELATIVE_YEARS.items() for m in re.finditer(w, folded)]
    return {year for at, year in found if with_bases or not is_comparison_base(folded, at, lang)}
