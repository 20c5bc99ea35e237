"""Figures: numbers with units in Chinese and English, normalised and cross-checked.

`extract` reads every figure of a text; `for_passage` checks the English
translation of a passage against its Chinese original (the original wins);
`english`, `chinese` and `as_json` render a figure (sentences about it are bot/i18n.py's). Number reading
itself lives in `numbers.py`. Units, qualifiers and date values are described
in docs/FIGURES.md.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from index import numbers, words_en, words_zh
from index.model import Figure

# Units ---------------------------------------------------------------------

_ZH_UNITS = {
    "瑞士法郎": "CHF", "法国法郎": "FRF", "法郎": "FRF", "美元": "USD", "美圆": "USD", "美金": "USD",
    "港元": "HKD", "港币": "HKD", "日元": "JPY", "英镑": "GBP", "卢布": "RUB", "马克": "DEM",
    "欧元": "EUR", "新台币": "TWD", "台币": "TWD", "人民币": "CNY", "元": "CNY", "块": "CNY",
    "奈拉": "NGN", "加元": "CAD", "澳元": "AUD", "韩元": "KRW", "卢比": "INR", "里拉": "ITL",
    "%": "%", "个百分点": "%", "吨": "tons", "公斤": "kg", "千克": "kg", "公里": "km", "千米": "km",
    "千瓦时": "kWh", "千瓦小时": "kWh", "度": "kWh", "千瓦": "kW", "克": "g", "桶": "barrels", "岁": "age",
    "小时": "hour", "分钟": "minute", "秒": "second", "块钱": "CNY", "环": "points", "个月": "month",
    "年": "year", "倍": "times", "成": "%", "折": "%",
    "个比特币": "BTC", "米": "m", "公尺": "m", "平方米": "m2", "立方米": "m3", "平方公里": "km2", "公顷": "ha",
    "亩": "mu", "天": "day", "斤": "jin", "市斤": "jin", "担": "dan", "市担": "dan",
    "人次": "people", "人": "people", "名": "people", "位": "people",
    **dict.fromkeys("个项种家座所台辆件套处条部架艘只头对双户篇株枚届批支队场局次", "items"),
}
_EN_UNITS = {
    "percent": "%", "per cent": "%", "%": "%", "percents": "%", "percentage": "%",
    "percentage points": "%", "percentage point": "%",
    "us dollars": "USD", "u.s. dollars": "USD", "us dollar": "USD", "dollars": "USD", "dollar": "USD",
    "chinese yuan": "CNY", "yuan": "CNY", "kuai": "CNY", "dutch guilders": "NLG", "guilders": "NLG",
    "rupees": "INR", "renminbi": "CNY", "rmb": "CNY", "swiss francs": "CHF", "french francs": "FRF",
    "francs": "FRF", "rubles": "RUB", "roubles": "RUB", "yen": "JPY", "hong kong dollars": "HKD",
    "hk dollars": "HKD", "pounds sterling": "GBP", "pounds": "GBP", "sterling": "GBP",
    "deutsche marks": "DEM", "marks": "DEM", "euros": "EUR", "australian dollars": "AUD",
    "canadian dollars": "CAD", "tons": "tons", "tonnes": "tons", "kilograms": "kg", "kg": "kg",
    "kilometers": "km", "kilometres": "km", "kilometer": "km", "kilometre": "km", "km": "km",
    "kilowatt-hours": "kWh", "kwh": "kWh", "meters": "m", "metres": "m", "meter": "m", "metre": "m",
    "square meters": "m2", "square metres": "m2", "cubic meters": "m3", "cubic metres": "m3",
    "square kilometers": "km2", "square kilometres": "km2", "hectares": "ha", "mu": "mu", "days": "day",
    "jin": "jin", "catties": "jin", "dan": "dan", "piculs": "dan",
    "years": "year", "year": "year", "months": "month", "month": "month", "times": "times",
    "years old": "age", "year-old": "age", "years of age": "age", "hours": "hour", "hour": "hour",
    "kilowatts": "kW", "kw": "kW", "grams": "g", "barrels": "barrels", "points": "points",
    **dict.fromkeys(
        ("people persons workers laborers labourers residents visitors tourists students delegates spectators "
         "viewers participants athletes members soldiers farmers peasants teachers doctors graduates").split(),
        "people",
    ),
    **dict.fromkeys("items projects kinds types varieties pairs enterprises factories sets".split(), "items"),
}
_EN_SYMBOLS = {"us$": "USD", "hk$": "HKD", "c$": "CAD", "a$": "AUD", "mex$": "MXN", "$": "USD",
               "£": "GBP", "¥": "CNY", "€": "EUR", "rmb": "CNY", "usd": "USD", "chf": "CHF"}
_QUALIFIERS = {
    "多": "over", "余": "over", "以上": "over", "超过": "over", "超": "over", "逾": "over", "之多": "over",
    "多达": "over", "近": "nearly", "将近": "nearly", "接近": "nearly", "约": "about", "大约": "about",
    "左右": "about", "上下": "about", "至少": "at least", "不少于": "at least", "几": "over",
    "more than": "over", "over": "over", "upwards of": "over", "in excess of": "over",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "about": "about", "some": "about",
    "roughly": "about", "around": "about", "approximately": "about", "at least": "at least",
}


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so 瑞士法郎 wins over 法郎."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ZH_BEFORE = re.compile(r"(?P<q>将近|接近|大约|超过|不少于|多达|至少|近|约|超|逾)(?:为|达|有)?[ \t]*$")
_CURRENCIES = {u for u in _ZH_UNITS.values() if len(u) == 3 and u.isupper()}
_COINS = {"角": 0.1, "毛": 0.1, "分": 0.01, "美分": 0.01, "日本钱": 0.01}
_ZH_NUM = numbers.ZH_NUMBER
_ZH_CHANGE = re.compile(
    rf"[又零]?(?P<n1>{_ZH_NUM})(?P<c1>美分|日本钱|角|毛|分)(?:(?P<n2>{_ZH_NUM})(?P<c2>分))?"
)
PERCENT = 100  # a share of 1 is 100%
_ZH_SYMBOL = re.compile(r"[$¥][ \t]*$")
_ZH_ROUGHLY = re.compile("[多余几]")  # in a numeral (十余万, 400多): the number is approximate
# 十几年: 几 after a round number is "over" it, as 多 is.
_ZH_AFTER = re.compile(
    rf"[ \t]*(?P<q1>多|余|(?<=[十百千万])几)?[ \t]*(?P<unit>{_alt(_ZH_UNITS)})?(?P<cny>人民币)?"
    rf"(?P<q2>以上|左右|上下|之多|多)?"
)
# 三倍半, 四个半月, 六块半: a half after the measure word (not 半 beginning a word: 三个半岛).
_ZH_HALF = re.compile(rf"半(?!{words_zh.HALF_WORDS})")
# The unit after 个半 (四个半月, 两个半小时): the units that begin with 个 lose it there.
_ZH_HALF_UNIT = re.compile(_alt({*_ZH_UNITS, *(w[1:] for w in _ZH_UNITS if w.startswith("个"))}))
_MD = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_ZH_DATE = re.compile(
    rf"(?<![\d零一二三四五六七八九十])(?:(?P<y>\d{{4}}|[零一二三四五六七八九]{{4}})年"
    rf"(?:(?P<m>{_MD})月(?:(?P<d>{_MD})[日号])?)?|(?P<m2>{_MD})月(?:(?P<d2>{_MD})[日号])?)"
    r"(?:末|底|初|中旬|上旬|下旬)?"
)
_ZH_TIMES = re.compile(r"翻了?(?P<n>[一两二三四])番")
# Digits after a unit that are its fraction (十秒五, 4米18), unless a number or a unit goes on (三秒一次).
_NOT_GOING_ON = rf"(?![\d.{numbers.CN_CHARS}]|{_alt(_ZH_UNITS)})"
# A time on the clock of a race: 8分19秒19 and 十秒五 (the fraction of a second after 秒), 三分二十七秒,
# 0秒58, 2小时10分.
_ZH_CLOCK = re.compile(
    rf"(?:(?P<h>{_ZH_NUM})小时)?(?:(?P<m>{_ZH_NUM})分(?!钟|之))?"
    rf"(?:(?P<s>{_ZH_NUM})秒(?P<f>\d{{1,3}}|[{numbers.DIGITS}]{{1,2}}{_NOT_GOING_ON})?)"
    rf"|(?P<h2>{_ZH_NUM})小时(?P<m2>{_ZH_NUM})分(?!钟|之)"
)
# A length in metres and centimetres (四十七公尺三十四公分), or with the centimetres as digits after 米 (4米18,
# 一米八: 4.18 m, 1.8 m), as field events are measured.
_ZH_LENGTH = re.compile(
    rf"(?P<m>{_ZH_NUM})(?:米|公尺)"
    rf"(?:(?P<cm>{_ZH_NUM})(?:公分|厘米)|(?P<f>(?:\d{{1,2}}|[{numbers.DIGITS}]{{1,2}}){_NOT_GOING_ON}))"
)
CENTIMETRES = 100  # in a metre
# Units a 第 ordinal ranks in (第八次, 第41位, 第四年, 第7分钟); 第2版 (a page) and 第一季度 (a period) have none.
_RANKED = frozenset({"items", "people", "year", "month", "day", "hour", "minute"})
_EN_CLOCK = re.compile(
    r"\b(?:(?P<h>\d+)[ \t]+hours?,?[ \t]+)?(?:(?P<m>\d+)[ \t]+minutes?,?[ \t]+(?:and[ \t]+)?)?"
    r"(?P<s>\d+(?:\.\d+)?)[ \t]+seconds?\b"
    r"|\b(?P<h2>\d+)[ \t]+hours?,?[ \t]+(?:and[ \t]+)?(?P<m2>\d+)[ \t]+minutes?\b",
    re.IGNORECASE,
)
SECONDS = {"h": 3600, "m": 60, "s": 1, "h2": 3600, "m2": 60}  # what one of each part of a clock time is worth
_TIMES = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}  # 翻两番: doubled twice, x4
_ZH_RELATIVE = re.compile(r"今年|本年|去年|前年|明年|(?P<y>\d{4})年")

_EN_BEFORE = re.compile(rf"(?:{_alt(k for k in _QUALIFIERS if k.isascii())})[ \t]+$", re.IGNORECASE)
# "HK$ 10 billion" is also printed "hk $ 10 billion" in wire copy.
_EN_SYMBOL = re.compile(r"(?<![a-z])(?:(?:us|hk|c|a|mex)?[ \t]*\$|£|¥|€|rmb|usd|chf)[ \t]*$", re.IGNORECASE)
_EN_AFTER = re.compile(rf"[ \t]*-?[ \t]*(?P<unit>{_alt(_EN_UNITS)})(?![a-z])", re.IGNORECASE)
_MONTHS = "january february march april may june july august september october november december".split()
_EN_DATE = re.compile(
    numbers.led(
        f"{numbers.initials(_MONTHS)}12",  # a month, a year 18xx-20xx
        rf"\b(?P<mon>{'|'.join(_MONTHS)})(?:[ \t]+(?P<d>\d{{1,2}}))?(?:,?[ \t]+(?P<y>\d{{4}})\b"
        rf"|[ \t]+(?P<rel>this|last|next)[ \t]+year)"
        rf"|(?<![$£¥€\d.,])\b(?P<year>(?:1[89]|20)\d\d)\b(?![ \t]*%|[.,]\d)",
    ),
    re.IGNORECASE,
)
_EN_TIMES = re.compile(r"\b(?P<w>doubl|tripl|quadrupl)(?:ed|ing|e)\b", re.IGNORECASE)
# A rank with the word after it (the 112th Session, 41st in 1978, the eighth time); an ordinal in words only
# after "the" or before "place" ("first" alone is seldom a rank: "it first held"). Ranks standing alone are days
# ("on the 25th", "Xinhua, 28th]").
_EN_ORDINAL = re.compile(
    numbers.led(
        numbers.EN_ORDINAL_FIRST,
        rf"(?<![\w.,-])(?:(?<=\bthe )(?=[a-z])|(?=\d)|(?=[a-z]+[ \t]+(?:{_alt(words_en.RANK_NOUNS)})\b))"
        rf"(?:{numbers.EN_ORDINAL})\b(?=[ \t]+(?P<next>[a-z]+)(?P<joined>-)?)",
    ),
    re.IGNORECASE,
)
_EN_DAY = re.compile(rf"(?:\b(?:{'|'.join(_MONTHS)})|\bon the)[ \t]+$", re.IGNORECASE)
_EN_SHARE = re.compile(
    numbers.led(
        f"{numbers.EN_SHARE_FIRST}h",  # h: half
        rf"(?<![\w-])(?:{numbers.EN_SHARE}|(?P<half>half))\b(?![ \t]*-)(?=(?:[ \t]+(?P<next>[a-z]+))?)",
    ),
    re.IGNORECASE,
)
_EN_MIXED = re.compile(r"\band[ \t]+$", re.IGNORECASE)  # two and a half: a number, not a share
_EN_ORDINAL_BEFORE = re.compile(rf"\b(?:{_alt(numbers.ORDINALS)})[ \t]+$", re.IGNORECASE)
_EN_RELATIVE = re.compile(
    numbers.led("tln12", r"\b(?:this|last|next) year\b|\b(?:1[89]|20)\d\d\b"),  # this, last, next; 18xx-20xx
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A time word right after these is the base of a comparison (比去年增加一倍, "more than last year"),
# not the time the figure speaks of.
BASE_REACH = 30  # characters before a time word searched for a comparison marker ("over the same period of ")
_BASES = {lang: re.compile(words.BASE, re.IGNORECASE) for lang, words in (("en", words_en), ("zh", words_zh))}
_CLAUSE_END = re.compile(r"[，；。！？,;!?：:]|\.(?!\d)")
_SENTENCE_END = re.compile(r"[。；！？;!?]|\.(?!\d)")
# A clause is shown beside its figure (inline results, answers): text without punctuation
# ("1 " * 50,000) would otherwise make every figure carry the whole text, quadratic in
# time and memory. A printed clause is far shorter than this on either side of its figure.
CLAUSE_REACH = 500


# Extraction -----------------------------------------------------------------


def extract(text: str, lang: str | None = None, when: date | None = None) -> list[Figure]:
    """Every figure in `text`, in order; lang None: Han characters mean Chinese."""
    if lang is None:
        lang = "zh" if _HAN.search(text) else "en"
    norm = numbers.normalise(text)
    marks = _Marks.of(norm, lang)
    found = _zh(norm, marks, when) if lang == "zh" else _en(norm, when)
    found.sort(key=lambda f: f[0])
    # 10^400 overflows to inf: no reader can use it, and JSON cannot carry it.
    return [_figure(text, norm, marks, lang, when, *f) for f in found if math.isfinite(f[2])]


@dataclass(frozen=True)
class _Marks:
    """Sentence ends, clause ends and time words of one text, found once.

    Each figure looks its own up by bisection; scanning the text before (or after) every
    figure again made extraction quadratic. Every mark is one character, and no time word
    spans a sentence end, so the marks found over the whole text are the ones a scan of
    any part of it between sentence ends finds.
    """

    sentence_ends: list[int]  # positions of _SENTENCE_END matches
    clause_ends: list[int]  # positions of _CLAUSE_END matches
    times: list[re.Match[str]]  # time words (_ZH_RELATIVE or _EN_RELATIVE), in order
    time_starts: list[int]
    time_ends: list[int]

    @classmethod
    def of(cls, norm: str, lang: str) -> _Marks:
        # A time word right after a comparison marker is the base of the comparison, not a figure's time.
        times = [
            m for m in (_ZH_RELATIVE if lang == "zh" else _EN_RELATIVE).finditer(norm)
            if not is_comparison_base(norm, m.start(), lang)
        ]
        return cls(
            [m.start() for m in _SENTENCE_END.finditer(norm)],
            [m.start() for m in _CLAUSE_END.finditer(norm)],
            times,
            [m.start() for m in times],
            [m.end() for m in times],
        )


def is_comparison_base(text: str, at: int, lang: str) -> bool:
    """A time word at `at` is the base of a comparison (比去年, "over last year"), not the time a figure speaks of."""
    return bool(_BASES[lang].search(text, max(0, at - BASE_REACH), at))


def _ends_before(norm: str, ends: list[int], pos: int) -> list[int]:
    """The positions of the (one-character) ends before `pos`, as a scan stopping at `pos`
    sees them: there a '.' before a digit ends too, its digit being out of sight."""
    before = ends[: bisect_left(ends, pos)]
    if pos > 0 and norm[pos - 1] == "." and (not before or before[-1] != pos - 1):
        before = [*before, pos - 1]
    return before


def _first_from(ends: list[int], pos: int) -> int | None:
    i = bisect_left(ends, pos)
    return ends[i] if i < len(ends) else None


# (start, end, value, unit, qualifier, year or None)
_Raw = tuple[int, int, float, str, str, int | None]


def _figure(
    text: str, norm: str, marks: _Marks, lang: str, when: date | None, start: int, end: int,
    value: float, unit: str, qualifier: str, year: int | None,
) -> Figure:
    if year is None and unit != "date":
        year = _year_of(norm, marks, start, lang, when)
    return Figure(
        value=value, unit=unit, qualifier=qualifier, text=text[start:end], lang=lang,
        span=(start, end), clause=_clause(text, norm, marks, start, end), year=year,
    )


def _matches(pattern: re.Pattern[str], held: tuple[str, ...], text: str, seen: str | None) -> Iterable[re.Match[str]]:
    """`pattern.finditer(text)`; nothing, without a scan, where `seen` lacks all of `held`, the words (in lower
    case) every match holds. Some patterns are tried at every character, and few texts name a clock time or a
    length.

    `seen` is the text as the pattern sees it: lower-cased for a pattern that ignores case, None where that
    cannot be told (the text is scanned).
    """
    if seen is not None and not any(word in seen for word in held):
        return ()
    return pattern.finditer(text)


def _zh(text: str, marks: _Marks, when: date | None) -> list[_Raw]:
    out: list[_Raw] = []
    taken: list[tuple[int, int]] = []
    for m in _matches(_ZH_DATE, ("年", "月"), text, text):
        raw = _zh_date(text, marks, m, when)
        if raw:
            out.append(raw)
            taken.append(m.span())
    for m in _ZH_TIMES.finditer(text):
        out.append((m.start(), m.end(), 2.0 ** _TIMES[m.group("n")], "times", "exact", None))
        taken.append(m.span())
    for m in _matches(_ZH_CLOCK, ("秒", "小时"), text, text):
        if (m.group("m") or m.group("f") or m.group("h2")) and not _covered(_union(taken), m.start()):
            out.append((m.start(), m.end(), _seconds(m, numbers.zh_value), "second", "exact", None))
            taken.append(m.span())
    for m in _matches(_ZH_LENGTH, ("米", "公尺"), text, text):
        if not _covered(_union(taken), m.start()):
            out.append((m.start(), m.end(), _metres(m), "m", "exact", None))
            taken.append(m.span())
    taken = _union(taken)
    for start, end, value, kind in numbers.scan_zh(text):
        if _covered(taken, start):
            continue
        ordinal = text[start - 1 : start] == "第"
        raw = _zh_ordinal(text, start, end, value, kind) if ordinal else _zh_number(text, start, end, value, kind)
        if raw:
            out.append(raw)
    return out


def _seconds(m: re.Match[str], value: Callable[[str], float | None]) -> float:
    """A clock time in seconds; digits after 秒 are its fraction (8分19秒19 is 499.19 s, 十秒五 10.5 s)."""
    total = sum((value(m.group(part)) or 0.0) * worth for part, worth in SECONDS.items() if m.group(part))
    return round(total + _fraction(m.groupdict().get("f")), 3)


def _fraction(digits: str | None) -> float:
    """Digits after a unit read as the decimals of its number: 19 -> 0.19, 五 -> 0.5."""
    return float("0." + numbers.digit_string(digits)) if digits else 0.0


def _metres(m: re.Match[str]) -> float:
    """四十七公尺三十四公分 -> 47.34, 4米18 -> 4.18."""
    centimetres = numbers.zh_value(m.group("cm")) if m.group("cm") else None
    extra = centimetres / CENTIMETRES if centimetres is not None else _fraction(m.group("f"))
    return round((numbers.zh_value(m.group("m")) or 0.0) + extra, 6)


def _zh_ordinal(text: str, start: int, end: int, value: float, kind: str) -> _Raw | None:
    """第八次, 第41位: a rank, with the measure word it ranks in (kept in the text, as a count keeps it)."""
    after = _ZH_AFTER.match(text, end)
    assert after is not None  # every part of the pattern is optional
    unit = after.group("unit")
    if kind or after.group("q1") or not unit or _ZH_UNITS[unit] not in _RANKED:
        return None
    return start - 1, after.end("unit"), value, "ordinal", "exact", None


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans merged where they overlap, in order: a number is looked up in them by bisection
    (checking every span for every number was quadratic in a text full of dates)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _covered(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is `pos` inside one of `spans` (merged, in order)?"""
    i = bisect_right(spans, (pos, math.inf)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _zh_date(text: str, marks: _Marks, m: re.Match[str], when: date | None) -> _Raw | None:
    month, day = _int(m.group("m") or m.group("m2")), _int(m.group("d") or m.group("d2"))
    if (month or day) and not (1 <= month <= 12 and 0 <= day <= 31):
        return None  # 13月, 3月45日: not a calendar date
    year = _int(m.group("y")) or _year_of(text, marks, m.start(), "zh", when)
    if year is None and when is not None:
        year = when.year  # 6月底 with no year: the article's own year
    value = float(year or 0)
    if month:
        value = value * 100 + month
        if day:
            value = value * 100 + day
    return m.start(), m.end(), value, "date", "exact", year


def _int(numeral: str | None) -> int:
    """1987, 一九八七, 十二 -> int; 0 for none."""
    value = numbers.zh_value(numeral) if numeral else None
    return int(value) if value is not None else 0


def _zh_number(text: str, start: int, end: int, value: float, kind: str) -> _Raw | None:
    after = _ZH_AFTER.match(text, end)
    assert after is not None  # every part of the pattern is optional
    unit_word = after.group("unit") or ""
    unit = _ZH_UNITS.get(unit_word, "")
    stop = after.end() if after.group().strip() else end
    if kind == "percent":
        unit, stop = "%", end
    elif kind == "share":
        value, unit, stop = value * PERCENT, "%", end  # 三分之一 is 33.3%
    elif kind == "fraction":
        unit = ""
    elif unit == "" and len(text[start:end]) == 1 and not text[start].isdigit() and text[start] not in "百千万":
        return None  # a lone 一/三 with no measure word is almost always part of a word
    elif unit and stop == after.end("unit") and (half := _ZH_HALF.match(text, stop)):
        value, unit_word, stop = _and_a_half(text, value, unit_word, half.end())
        unit = _ZH_UNITS[unit_word]
    if unit_word == "成" or (unit_word == "折" and value < 10):
        value *= 10  # 两成 = 20%, 八折 = 80%, but 75折 = 75%
    if unit_word == "年" and (text[stop : stop + 1] == "代" or (float(value).is_integer() and 1000 <= value <= 2100)):
        return None  # 80年代 is a decade; 4-digit years are read by the date pattern
    if unit_word == "块" and _HAN.match(text, stop) and text[stop] != "钱":
        unit = "items"  # 三块金牌 counts pieces; 三块, 三块钱 is money
    if unit in _CURRENCIES:
        value, stop = _small_change(text, stop, value)
    symbol = _ZH_SYMBOL.search(text, max(0, start - 2), start)
    if symbol and not unit:
        unit, start = _EN_SYMBOLS[symbol.group()], symbol.start()
    before = _ZH_BEFORE.search(text, max(0, start - 5), start)
    words = [before.group("q") if before else "", after.group("q1") or "", after.group("q2") or ""]
    if _ZH_ROUGHLY.search(text, start, end):
        words.append("多")
    qualifier = next((_QUALIFIERS[w] for w in words if w), "exact")
    if words[0] == "约" and any(words[1:]):
        qualifier = "about"  # 约400多人: the 约 governs
    return (before.start() if before else start), stop, value, unit, qualifier, None


def _and_a_half(text: str, value: float, unit_word: str, pos: int) -> tuple[float, str, int]:
    """三倍半 is 3.5 times, 四个半月 4.5 months: the value, measure word and end after the half at `pos`."""
    later = _ZH_HALF_UNIT.match(text, pos) if unit_word == "个" else None
    if later:
        unit_word = later.group() if later.group() in _ZH_UNITS else "个" + later.group()
        pos = later.end()
    return value + numbers.HALF, unit_word, pos


def _small_change(text: str, pos: int, value: float) -> tuple[float, int]:
    """五元三毛 = 5.3, 两美元又三美分 = 2.03: the coins after the main unit."""
    m = _ZH_CHANGE.match(text, pos)
    if not m:
        return value, pos
    for number, coin in ((m.group("n1"), m.group("c1")), (m.group("n2"), m.group("c2"))):
        amount = numbers.zh_value(number) if number else None
        if amount is not None:
            value += amount * _COINS[coin]
    return round(value, 6), m.end()


def _en(text: str, when: date | None) -> list[_Raw]:
    # Only in ASCII does lower case hold what a pattern ignoring case matches (ſ matches s): other texts are scanned.
    seen = text.lower() if text.isascii() else None
    out: list[_Raw] = []
    taken: list[tuple[int, int]] = []
    for m in _EN_DATE.finditer(text):
        raw = _en_date(text, m, when)
        if raw:
            out.append(raw)
            taken.append(m.span())
    for m in _matches(_EN_CLOCK, ("second", "minute"), text, seen):
        out.append((m.start(), m.end(), _seconds(m, float), "second", "exact", None))
        taken.append(m.span())
    for m in _matches(_EN_TIMES, ("doubl", "tripl", "quadrupl"), text, seen):
        out.append((m.start(), m.end(), float(2 + ("doubl", "tripl", "quadrupl").index(m.group("w").lower())),
                    "times", "exact", None))
    for m in _EN_ORDINAL.finditer(text):
        if _en_rank_read(text, m):
            out.append((m.start(), m.end(), float(numbers.ordinal_value(m)), "ordinal", "exact", None))
            taken.append(m.span())
    for m in _EN_SHARE.finditer(text):
        raw = _en_share(text, m)
        if raw:
            out.append(raw)
            taken.append(m.span())
    taken = _union(taken)
    for m in numbers.EN_SCAN.finditer(text):
        if _covered(taken, m.start()):
            continue
        raw = _en_number(text, m)
        if raw:
            out.append(raw)
    return out


def _en_rank_read(text: str, m: re.Match[str]) -> bool:
    """An ordinal is a rank unless the word after it makes it a period or a page (the first half, 2nd Edition) or
    it leads a count (the first five months; the First Five-Year Plan is a rank), or it is a day (August 28th, on
    the 25th)."""
    after = m.group("next")
    if after.lower() in words_en.NOT_RANKS or (numbers.is_cardinal(after) and not m.group("joined")):
        return False
    return not _EN_DAY.search(text, _back(m), m.start())


WORDS_BEFORE = 24  # characters before an English figure read for the words that make it what it is ("on the")


def _back(m: re.Match[str]) -> int:
    """Where the words before a match that say what it is are looked for: a few words back, never the whole
    text (which made a text full of figures quadratic)."""
    return max(0, m.start() - WORDS_BEFORE)


def _en_share(text: str, m: re.Match[str]) -> _Raw | None:
    """three quarters, one third, nine-tenths, more than half: a share, in percent. "a third" not before a word
    but "of" ("a third time" is a rank); "half" alone after a qualifier, or before "of"/"the" but not after an
    ordinal ("the first half of" is a period); "two and a half" is a number."""
    after = (m.group("next") or "").lower()
    before = _EN_BEFORE.search(text, _back(m), m.start())
    if m.group("half"):
        if not before and (after not in words_en.SHARE_OF or _EN_ORDINAL_BEFORE.search(text, _back(m), m.start())):
            return None
        value = numbers.HALF
    elif _EN_MIXED.search(text, _back(m), m.start()) or (
        m.group("num").lower() in ("a", "an") and not numbers.is_plural(m) and after not in ("", "of")
    ):
        return None
    else:
        value = numbers.share_value(m)
    qualifier = _QUALIFIERS[" ".join(before.group().lower().split())] if before else "exact"
    return (before.start() if before else m.start()), m.end(), value * PERCENT, "%", qualifier, None


def _en_date(text: str, m: re.Match[str], when: date | None) -> _Raw | None:
    if m.group("year"):
        if _EN_AFTER.match(text, m.end()):
            return None  # 1987 people: an amount
        return m.start("year"), m.end("year"), float(m.group("year")), "date", "exact", int(m.group("year"))
    if m.group("y"):
        year: int | None = int(m.group("y"))
    elif when is not None:
        year = when.year + {"this": 0, "last": -1, "next": 1}[m.group("rel").lower()]
    else:
        year = None
    value = float((year or 0) * 100 + _MONTHS.index(m.group("mon").lower()) + 1)
    if m.group("d"):
        value = value * 100 + int(m.group("d"))
    return m.start(), m.end(), value, "date", "exact", year


def _en_number(text: str, m: re.Match[str]) -> _Raw | None:
    value = numbers.en_value(m)
    if value is None:
        return None
    after = _EN_AFTER.match(text, m.end())
    unit = _EN_UNITS[after.group("unit").lower()] if after else ""
    start, end = m.start(), after.end() if after else m.end()
    symbol = _EN_SYMBOL.search(text, max(0, start - 8), start)
    if symbol:
        unit, start = _EN_SYMBOLS["".join(symbol.group().lower().split())], symbol.start()
    words = m.group("words")
    if words and (words.lower() in ("a", "an") or (words.lower() == "one" and not unit)):
        return None  # "a year", "one of": not a figure
    before = _EN_BEFORE.search(text, max(0, start - 16), start)
    qualifier = _QUALIFIERS[" ".join(before.group().lower().split())] if before else "exact"
    return (before.start() if before else start), end, value, unit, qualifier, None


def _year_of(norm: str, marks: _Marks, pos: int, lang: str, when: date | None) -> int | None:
    """The year a figure speaks of, from the nearest time word of its sentence.

    Chinese puts the time before the figure (今年头7个月实现…); English often after
    it in the same clause ("$200 million this year"), so English looks there first.
    """
    ends = _ends_before(norm, marks.sentence_ends, pos)
    start = ends[-1] + 1 if ends else 0
    stop = _first_from(marks.sentence_ends, pos)
    end = len(norm) if stop is None else stop
    # Time words wholly before the figure, and those starting after it, within its sentence.
    first = bisect_left(marks.time_starts, start)
    last_before = bisect_right(marks.time_ends, pos) - 1
    before = marks.times[last_before] if last_before >= first else None
    i = bisect_right(marks.time_starts, pos)
    after = marks.times[i] if i < len(marks.times) and marks.time_starts[i] < end else None
    clause_end = _first_from(marks.clause_ends, pos)
    if lang == "en" and after and (clause_end is None or after.start() < clause_end):
        pick: re.Match[str] | None = after
    else:
        pick = before or after
    return _year_value(pick.group(), when) if pick else None


def _year_value(word: str, when: date | None) -> int | None:
    word = " ".join(word.lower().split())
    if word[:4].isdigit():
        return int(word[:4])
    offset = {"今年": 0, "本年": 0, "去年": -1, "前年": -2, "明年": 1,
              "this year": 0, "last year": -1, "next year": 1}[word]
    return when.year + offset if when is not None else None


def _clause(text: str, norm: str, marks: _Marks, start: int, end: int) -> str:
    """The clause holding the figure; with the one before when the figure opens it;
    at most CLAUSE_REACH characters on either side of the figure."""
    bounds = _ends_before(norm, marks.clause_ends, start)
    left = bounds[-1] + 1 if bounds else 0
    opens = not norm[left:start].strip()
    if opens and len(bounds) > 1 and not _SENTENCE_END.fullmatch(norm[bounds[-1]]):
        left = bounds[-2] + 1
    stop = _first_from(marks.clause_ends, end)
    right = stop + 1 if stop is not None else len(text)
    return text[max(left, start - CLAUSE_REACH) : min(right, end + CLAUSE_REACH)].strip()


# Cross-check ----------------------------------------------------------------


def for_passage(en: str, zh: str, when: date | None = None) -> tuple[Figure, ...]:
    """The Chinese figures, checked against the English ones; then English-only figures."""
    english_figures = extract(en, "en", when)
    if not zh.strip():
        return tuple(english_figures)
    chinese_figures = extract(zh, "zh", when)
    used: set[int] = set()
    checked: list[Figure] = []
    for z in chinese_figures:
        i = _find(z, english_figures, used, _agrees)
        if i is not None:
            checked.append(replace(z, verified=True, translation=english_figures[i].text))
        else:
            checked.append(z)
    for k, z in enumerate(checked):
        if z.verified is None:
            i = _find(z, english_figures, used, _slipped)
            if i is not None:
                checked[k] = replace(z, verified=False, translation=english_figures[i].text)
    rest = [f for i, f in enumerate(english_figures) if i not in used]
    return (*checked, *rest)


def _find(
    z: Figure, candidates: list[Figure], used: set[int], test: Callable[[Figure, Figure], bool]
) -> int | None:
    for i, e in enumerate(candidates):
        if i not in used and test(z, e):
            used.add(i)
            return i
    return None


def _agrees(z: Figure, e: Figure) -> bool:
    # A bare English number may stand for a count the Chinese gives a measure word (94项 ~ 94 contracts).
    same_unit = z.unit == e.unit or (e.unit == "" and z.unit in ("", "items", "people"))
    return same_unit and math.isclose(z.value, e.value, rel_tol=1e-6)


def _slipped(z: Figure, e: Figure) -> bool:
    """Same unit, value off by a power of ten (万 read as thousand, 亿 as billion)."""
    if z.unit != e.unit or z.unit in ("", "date", "year", "month", "ordinal") or z.value <= 0 or e.value <= 0:
        return False
    power = math.log10(e.value / z.value)
    return abs(power - round(power)) < 1e-6 and 1 <= abs(round(power)) <= 4


# Weights in tons: a series brings 万吨, 亿斤 and 公斤 to one unit (1 jin = 0.5 kg, 1 dan = 100 jin).
TONS = {"tons": 1.0, "kg": 1e-3, "jin": 5e-4, "dan": 5e-2}


def in_common_unit(figure: Figure) -> tuple[float, str]:
    """The figure's value and unit, a weight brought to tons; any other unit as it is."""
    if figure.unit in TONS:
        return figure.value * TONS[figure.unit], "tons"
    return figure.value, figure.unit


# Rendering ------------------------------------------------------------------

_EN_NAMES = {
    "CNY": "yuan", "USD": "US dollars", "CHF": "Swiss francs", "RUB": "rubles", "JPY": "yen",
    "HKD": "Hong Kong dollars", "GBP": "pounds sterling", "DEM": "Deutsche marks", "FRF": "French francs",
    "EUR": "euros", "TWD": "New Taiwan dollars", "AUD": "Australian dollars", "CAD": "Canadian dollars",
    "people": "people", "items": "items", "tons": "tons", "kg": "kg", "km": "km", "kWh": "kWh",
    "year": "years", "month": "months", "times": "times", "day": "days", "m": "meters",
    "m2": "square meters", "m3": "cubic meters", "km2": "square kilometers", "ha": "hectares", "mu": "mu",
    "jin": "jin", "dan": "dan", "second": "seconds", "age": "years old", "hour": "hours", "minute": "minutes",
    "kW": "kilowatts", "g": "grams", "barrels": "barrels", "points": "points",
}
_ZH_NAMES = {
    "CNY": "元", "USD": "美元", "CHF": "瑞士法郎", "RUB": "卢布", "JPY": "日元", "HKD": "港元",
    "GBP": "英镑", "DEM": "马克", "FRF": "法郎", "EUR": "欧元", "TWD": "新台币", "AUD": "澳元",
    "CAD": "加元", "%": "%", "people": "人", "items": "项", "tons": "吨", "kg": "公斤", "km": "公里",
    "kWh": "千瓦时", "year": "年", "month": "个月", "times": "倍", "day": "天", "m": "米", "m2": "平方米",
    "m3": "立方米", "km2": "平方公里", "ha": "公顷", "mu": "亩", "jin": "斤", "dan": "担", "second": "秒",
    "age": "岁", "hour": "小时", "minute": "分钟", "kW": "千瓦", "g": "克", "barrels": "桶", "points": "环",
}
# Measure words whose English noun is clear whatever they count; the rest (个, 项, 座, ...) read "items".
_EN_MEASURES = {
    "种": "kinds", "类": "kinds", "户": "households", "对": "pairs", "双": "pairs", "套": "sets",
    "艘": "ships", "辆": "vehicles", "架": "aircraft", "篇": "articles", "株": "plants", "头": "head",
}
# The noun of a rank's measure word where it is clear whatever is ranked (第四年: 4th year); the others are
# written bare (第八次: the 8th session, time or congress; 第二十八届: the 28th championships or congress).
_EN_RANK_NOUNS = {"年": "year", "天": "day", "个月": "month", "小时": "hour", "分钟": "minute", "位": "place",
                  "名": "place"}
_RANK_NAMES = {"en": "rank", "zh": "名次"}
SHARE_PLACES = 1  # decimals of a share with no exact decimal form (三分之一: 33.3%)
EXACT_PLACES = 6  # a percentage with more decimals than this has none (100/3); printed ones have far fewer
_EN_QUALIFIER = {"over": "over", "nearly": "nearly", "about": "about", "at least": "at least"}
_ZH_QUALIFIER = {"over": "超过", "nearly": "近", "about": "约", "at least": "至少"}


def quantity(value: float, unit: str, lang: str) -> str:
    """An amount in a unit, in `lang`: "405 million tons", "40500万吨"; a rank as one: "41st", "第41"."""
    if unit == "ordinal":
        return f"第{_zh_amount(value)}" if lang == "zh" else _en_ordinal(value)
    if lang == "zh":
        return _zh_amount(value) + _ZH_NAMES.get(unit, unit)
    return f"{_en_amount(value)} {_EN_NAMES.get(unit, unit)}".strip()


def unit_name(unit: str, lang: str) -> str:
    """A unit's name in `lang`: tons, 吨; a currency code as its name."""
    if unit == "ordinal":
        return _RANK_NAMES[lang]
    return (_ZH_NAMES if lang == "zh" else _EN_NAMES).get(unit, unit)


ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}  # by last digit; every other, and 11-13, take "th"
TEENS = range(11, 14)  # last two digits that take "th" whatever the last one (11th, 12th, 13th)


def _en_ordinal(value: float) -> str:
    """8 -> "8th", 21 -> "21st", 112 -> "112th"."""
    n = int(value)
    suffix = "th" if n % 100 in TEENS else ORDINAL_SUFFIXES.get(n % 10, "th")
    return f"{n}{suffix}"


def _en_rank(figure: Figure) -> str:
    """A rank read from Chinese in English: "4th year", "41st place", "8th"."""
    noun = _EN_RANK_NOUNS.get(measure_word(figure), "")
    return f"{_en_ordinal(figure.value)} {noun}".strip()


def _share(value: float, amount: Callable[[float], str]) -> str:
    """A percentage as `amount` writes it (60, 12.35), one with no exact decimal form to SHARE_PLACES (三分之一:
    33.3)."""
    return _trim(value, SHARE_PLACES) if round(value, EXACT_PLACES) != value else amount(value)


def _trim(x: float, places: int) -> str:
    return f"{x:,.{places}f}".rstrip("0").rstrip(".") if not float(x).is_integer() else f"{int(x):,}"


def _en_amount(value: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{_trim(value / size, 4)} {word}"
    return _trim(value, 4)


MINUTE = 60  # seconds: a clock time of a minute or more reads in minutes and seconds


def _en_clock(seconds: float) -> str:
    """499.19 -> "8 minutes 19.19 seconds"; hours too where there are any."""
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, MINUTE)
    parts = [(hours, "hours"), (minutes, "minutes"), (round(rest, 3), "seconds")]
    return " ".join(f"{_trim(n, 3)} {name[:-1] if n == 1 else name}" for n, name in parts if n)


def _en_date_text(value: float) -> str:
    v = int(value)
    if v < 10000:
        return str(v)
    if v < 1000000:
        return f"{_MONTHS[v % 100 - 1].title()} {v // 100}" if 1 <= v % 100 <= 12 else str(v)
    month = (v // 100) % 100
    name = _MONTHS[month - 1].title() if 1 <= month <= 12 else str(month)
    return f"{name} {v % 100}, {v // 10000}"


# Numerals, qualifiers and the 第 of a rank: what is left of a figure's text is its measure word.
_NOT_MEASURE = re.compile(
    r"[0-9０-９.,，．·零〇○一二三四五六七八九十百千万亿两点多余几近约以上左右超过逾将之半第\s%％]"
)


def measure_word(figure: Figure) -> str:
    """The measure word or unit the original prints with the figure: 四百七十二双 -> 双, 1106亿元 -> 元,
    第四年 -> 年."""
    return _NOT_MEASURE.sub("", figure.text)


def _counted(figure: Figure) -> str:
    """The English noun for what a Chinese count counts, from its measure word (50种 -> kinds)."""
    for char in reversed(figure.text):
        if char in _EN_MEASURES:
            return _EN_MEASURES[char]
    return _EN_NAMES["items"]


def english(figure: Figure) -> str:
    """The correct English rendering: "608 million Swiss francs", "over 9,000 people"; a Chinese
    count by the noun it was named ("3 inland ports"), else by its measure word ("50 kinds"),
    "items" when the word says nothing alone (个, 项)."""
    if figure.unit == "date":
        return _en_date_text(figure.value)
    if figure.unit == "second" and figure.value >= MINUTE:
        return _en_clock(figure.value)
    if figure.unit == "ordinal":
        return _en_rank(figure) if figure.lang == "zh" else _en_ordinal(figure.value)
    amount = _en_amount(figure.value)
    if figure.unit == "%":
        body = f"{_share(figure.value, _en_amount)}%"
    elif figure.unit == "items" and figure.lang == "zh":
        name = figure.counted or _counted(figure)
        body = f"{amount} {name[:-1] if figure.value == 1 and name.endswith('s') else name}"
    elif figure.unit in _EN_NAMES:
        name = _EN_NAMES[figure.unit]
        body = f"{amount} {name[:-1] if figure.value == 1 and name.endswith('s') else name}"
    else:
        body = amount
    if figure.qualifier == "over" and figure.unit == "%":
        return f"more than {body}"
    prefix = _EN_QUALIFIER.get(figure.qualifier)
    return f"{prefix} {body}" if prefix else body


def _zh_amount(value: float) -> str:
    for size, word in ((1e8, "亿"), (1e4, "万")):
        if abs(value) >= size and (value / size) * 10000 == int((value / size) * 10000):
            return f"{_trim(value / size, 4).replace(',', '')}{word}"
    return _trim(value, 4).replace(",", "")


def chinese(figure: Figure) -> str:
    """The figure as printed in Chinese, or a Chinese rendering of an English one."""
    if figure.lang == "zh":
        return figure.text
    if figure.unit == "date":
        v = int(figure.value)
        parts = [(v // 10 ** (len(str(v)) - 4), "年")] + [
            (int(str(v)[i : i + 2]), u) for i, u in ((4, "月"), (6, "日")) if len(str(v)) > i
        ]
        return "".join(f"{n}{u}" for n, u in parts)
    if figure.unit == "ordinal":
        return quantity(figure.value, figure.unit, "zh")
    amount = _share(figure.value, _zh_amount) if figure.unit == "%" else _zh_amount(figure.value)
    body = amount + _ZH_NAMES.get(figure.unit, "")
    prefix = _ZH_QUALIFIER.get(figure.qualifier, "")
    return prefix + body


def as_json(figure: Figure) -> dict[str, object]:
    """The figure as the answer's JSON `figure` object (DESIGN.md)."""
    value: float | int = int(figure.value) if float(figure.value).is_integer() else figure.value
    return {
        "value": value,
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "text": english(figure) if figure.lang == "zh" else figure.text,
        "original": figure.text if figure.lang == "zh" else None,
        "verified": figure.verified,
        "year": figure.year,
    }
