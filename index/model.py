"""The vocabulary shared by every module: articles, passages, figures, answers.

Each is a small frozen dataclass, defined here once. `index` builds them; `bot`
only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One archive file, parsed. Every text field is as printed, trimmed."""

    id: str  # short stable id, safe in a Telegram deep link
    source: str  # path relative to the archive folder
    date: date
    archive: str = ""  # the archive folder (resolved path): one file name may be in several folders
    title_en: str = ""
    titles_zh: tuple[str, ...] = ()  # main title, then sub titles
    authors_en: tuple[str, ...] = ()
    authors_zh: tuple[str, ...] = ()
    page: int | None = None
    page_name: str = ""  # 国庆专版
    column: str = ""
    dateline: str = ""  # "People's Daily, August 29, 1989, 4th Edition (...)"
    paragraphs_en: tuple[str, ...] = ()
    paragraphs_zh: tuple[str, ...] = ()
    headline_zh: tuple[str, ...] = ()  # the headline repeated in the body
    credit_zh: str = ""  # （孙岩　孙永祥）
    has_photo: bool = False
    captions_zh: tuple[str, ...] = ()
    photographer: str = ""  # 毕强摄 -> 毕强
    warnings: tuple[str, ...] = ()  # parts the parser could not place

    @property
    def title_zh(self) -> str:
        return " ".join(self.titles_zh)


@dataclass(frozen=True)
class Figure:
    """A number with its unit, as printed in one language.

    After the cross-check of a passage, a figure read from the Chinese original
    also carries `verified` (did the English translation agree?) and
    `translation` (the English text it was matched with, as printed).
    """

    value: float
    unit: str  # ISO currency code, "%", "people", "items", "tons", "year", "date", ... or ""
    qualifier: str  # exact / over / nearly / about / at least
    text: str  # as printed
    lang: str  # "en" or "zh"
    span: tuple[int, int]  # [start, end) in the text it was read from
    clause: str  # the clause around it
    year: int | None = None  # the year it speaks of, when the text says (今年, last year)
    verified: bool | None = None  # None: only one language has it
    translation: str | None = None
    counted: str = ""  # a Chinese count's English noun ("inland ports"), named when an answer cites it


@dataclass(frozen=True)
class Passage:
    """An aligned pair of paragraphs (or a caption), the unit of retrieval."""

    id: str  # "<article id>:<position>"
    article_id: str
    position: int
    en: str
    zh: str
    kind: str = "body"  # "body" or "caption"
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A passage that retrieval found, with its BM25 score."""

    passage: Passage
    article: Article
    score: float


@dataclass(frozen=True)
class FigureHit:
    """A figure found for an inline lookup, with where it stands."""

    figure: Figure
    passage: Passage
    article: Article
    score: float


MISTRANSLATED = "mistranslated"  # values: printed (the English as printed), original, correct
QUESTION_CUT = "question_cut"  # values: limit (characters read)
PRELIMINARY = "preliminary"  # a series point from an early count or an estimate; no values


@dataclass(frozen=True)
class Flag:
    """Something the reader must be told, as data: `code` names the sentence, `values` fill it."""

    code: str
    values: tuple[tuple[str, str | int], ...] = ()

    def get(self, name: str) -> str | int:
        return dict(self.values)[name]


@dataclass(frozen=True)
class Answer:
    """What the archive holds for a question, as data; bot/present.py puts it into words.

    `passages` is the passage in each language it has ("en" with mistranslated figures
    corrected); `marks` the spans of the cited figure in each of those texts."""

    found: bool
    lang: str
    question: str
    hit: Hit | None = None
    figure: Figure | None = None
    figure_text: str = ""  # the figure as written in the answer's language
    passages: tuple[tuple[str, str], ...] = ()
    marks: tuple[tuple[str, tuple[int, int]], ...] = ()
    warnings: tuple[Flag, ...] = ()  # about the figure cited and the question, never another figure
    alternatives: tuple[Hit, ...] = field(default=())
    more: bool = False  # a next result exists

    def passage(self, lang: str) -> str:
        return dict(self.passages).get(lang, "")

    def spans(self, lang: str) -> list[tuple[int, int]]:
        return [span for side, span in self.marks if side == lang]


@dataclass(frozen=True)
class Point:
    """One year of a series: the figure read from the Chinese original, brought to the series' unit.

    `year` is the year the figure is of (its resolved year, else its article's); `flags` say what the
    reader must be told about it (MISTRANSLATED when the English gives it wrong); `others` are the other
    reports of the same year (earlier or preliminary), shown as notes."""

    year: int
    value: float  # in the series' unit
    figure: Figure
    hit: Hit
    flags: tuple[Flag, ...] = ()
    others: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Series:
    """A figure across the archive: one point a year, oldest first, every value in `unit`."""

    query: str
    lang: str
    unit: str
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Two years of a series set against each other, for a question that compares them."""

    series: Series  # its two points, oldest first

    @property
    def earlier(self) -> Point:
        return self.series.points[0]

    @property
    def later(self) -> Point:
        return self.series.points[-1]

    @property
    def difference(self) -> float:
        """The later year's value less the earlier's, in the series' unit."""
        return self.later.value - self.earlier.value

    @property
    def ratio(self) -> float | None:
        """The later year's value over the earlier's; None when the earlier is zero."""
        return self.later.value / self.earlier.value if self.earlier.value else None
