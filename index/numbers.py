"""Pure number reading: Chinese and English numerals as printed -> float.

No units, no context: `figures.py` builds on this. Chinese numerals go to cn2an
(smart mode) first; the few shapes it rejects (兆, 万万, 百三, 零十) fall back to
a small positional reader here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

from index.words_zh import BEFORE_ONE, HALF_WORDS, ROUND_AFTER

# Full-width ASCII and traditional / variant numerals, mapped one character to
# one character so that spans found in the normalised text hold in the original.
# The full-width comma stays: in Chinese prose "20，300" is two numbers, not 20300.
NUMERALS = 1 << 15  # numeral tokens whose values are remembered
_FULL = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c != 0xFF0C}
_VARIANTS = str.maketrans("萬億兩倆負點幾貳陸〇　個銭￥", "万亿两两负点几贰陆零 个钱¥")
_WIDTH = {**_FULL, **_VARIANTS}
# Any character _WIDTH maps: most texts have none, and translating looks every character up in _WIDTH.
_MAPPED = re.compile(f"[{re.escape(''.join(map(chr, _WIDTH)))}]")


def normalise(text: str) -> str:
    """Full-width to ASCII, traditional numerals to simplified, a circle among numerals (一九五○, ○·二) to 零;
    same length."""
    if _MAPPED.search(text):
        text = text.translate(_WIDTH)
    return _CIRCLE.sub(lambda m: "零" * len(m.group()), text) if "○" in text else text


_DIGIT = {
    "零": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10**4, "亿": 10**8, "兆": 10**12}
CN_CHARS = "".join(_DIGIT) + "".join(_SMALL) + "".join(_BIG)
DIGITS = "".join(_DIGIT)
# Older pages print zero as a circle (一九五○年, 一○七○万吨, ○·二秒); a circle away from numerals is a
# mark (三比○ keeps it: a score is no figure).
_CIRCLE = re.compile(rf"(?<=[{CN_CHARS}])○+|○+(?=[{CN_CHARS}]|·[{DIGITS}])")

_ARABIC = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?"
_PIECE = rf"(?:{_ARABIC}|[{CN_CHARS}])"
# A numeral: digits and numeral characters, spaces allowed inside (一百 五 十 二),
# 多/余/几 only before 万/亿 (十余万), 点 only before a following digit.
# Spaces join pieces only after a numeral character or before a unit character,
# so "667.123 五点八" stays two numbers while "7 万5 千" is one; never after two digits read one by one,
# so the columns of a table (五○○·四○ 五一六·八一) stay apart.
# Atomic: an empty separator matches one way only, else a long numeral not followed by what a pattern wants
# (秒, 米) is retried in exponentially many ways.
_SEP = rf"(?>(?<=[{CN_CHARS}点·])(?:(?<![{DIGITS}][{DIGITS}])[ \t]*)?|[ \t]*(?=[十百千万亿兆拾佰仟多余几]))"
# A dot between numerals is a decimal point after 零 or after three digits read one by one (○·二,
# 五一六·八一); after one or two it names a day (五·四, 一二·九: 4 May, 9 December).
_DOT = rf"(?:(?<=零)|(?<=[{DIGITS}]{{3}}))·(?=[{DIGITS}])"
ZH_NUMBER = (
    rf"(?:(?:负|(?<![\w.])-)[ \t]*)?{_PIECE}"
    rf"(?:{_SEP}(?:{_PIECE}|[多余几](?=[ \t]*[万亿])|点(?=[ \t]*[{CN_CHARS}\d])|{_DOT}))*"
)
_SLASH = r"(?:(?P<swhole>\d+)[ \t]+)?(?P<sden>\d+)/(?P<snum>\d+)"
_ZH_FRACTION = (
    rf"(?:(?P<whole>{ZH_NUMBER})[ \t]*又[ \t]*)?"
    rf"(?P<den>{ZH_NUMBER})[ \t]*分[ \t]*之[ \t]*(?P<num>{ZH_NUMBER})"
)
# 一半 (half): a share like 二分之一, unless the 一 ends a word (统一) or the 半 begins one (半岛, 半导体).
_HALF = rf"(?<![{CN_CHARS}{BEFORE_ONE}])一半(?!{HALF_WORDS})"
ZH_SCAN = re.compile(
    rf"{_ZH_FRACTION}|(?P<slash>(?P<sneg>-)?{_SLASH})|(?P<half>{_HALF})|(?P<plain>{ZH_NUMBER})", re.IGNORECASE
)
# Where a ZH_SCAN match can begin (a sign, a digit, a decimal point, a numeral character; it changes with
# ZH_SCAN): most characters of a text are none of these, and trying ZH_SCAN at each was most of the scan's time.
_ZH_SCAN_START = re.compile(rf"[负\-.\d{CN_CHARS}]")

_ARABIC_SCALED = re.compile(rf"({_ARABIC})([万亿兆]*)", re.IGNORECASE)
_LONE_WORDS = re.compile(
    rf"百(?=分点)|[一壹](?=[切看些样般定直起致律同道齐再旦向边面时下])|(?<=[{BEFORE_ONE}])一|四(?=川)|五(?=角大楼)"
)
_ROUND = re.compile(rf"(?<=[{ROUND_AFTER}])[万亿]")  # 近万名: a lone 万 is a number after these
# 八点三十分 is a time of day: the digits after a decimal point never carry 十, 百 or 千.
_CLOCK = re.compile(r"点.*[十拾百佰千仟]")
_FINANCIAL_LONE = set("伍陆拾肆佰仟")


def _positional(s: str) -> float:
    """Read a numeral cn2an rejects: 兆, 万万, 百三 (= 130), 零十, 2千零30万."""
    whole, _, frac = s.partition("点")
    total, section, num, last_big, last_small = 0.0, 0.0, 0.0, 0, 0
    for m in re.finditer(r"\d+(?:\.\d+)?|.", whole):
        t = m.group()
        if t == "零":
            continue
        if t[0].isdigit():
            num = float(t)
        elif t in _DIGIT:
            num = _DIGIT[t]
        elif t in _SMALL:
            last_small = _SMALL[t]
            section += (num or 1) * last_small
            num = 0
        elif t in _BIG:
            unit = _BIG[t]
            seg = section + num
            if seg == 0 or unit > last_big:
                total = (total + seg) * unit if seg or total else unit
            else:
                total += seg * unit
            last_big, section, num, last_small = unit, 0, 0, 0
    # 百三 = 130 and 一万三 = 13000: a lone trailing digit counts one place down.
    if num and len(whole) > 1 and whole[-2] in _SMALL and whole[-1] in _DIGIT and last_small >= 100:
        num *= last_small // 10
    value = total + section + num
    if frac:
        value += float("0." + "".join(str(_DIGIT.get(c, c)) for c in frac if c in _DIGIT or c.isdigit()))
    return value


def scaled(digits: str, factor: int) -> float:
    """digits x factor without binary noise: 2.51亿 is 251000000, not 250999999.99999997."""
    try:
        return float(Decimal(digits) * factor)
    except InvalidOperation:
        return float(digits) * factor


@lru_cache(maxsize=NUMERALS)
def zh_value(token: str) -> float | None:
    """The value of one Chinese numeral token (no fraction), approximation words dropped (remembered: the
    same numerals recur in every article, and cn2an's checks are most of an ingest's parsing time)."""
    s = re.sub(r"[ \t多余几]", "", token).replace("·", "点")
    negative = s[:1] in ("负", "-")
    s = s.lstrip("负-")
    if not s:
        return None
    m = _ARABIC_SCALED.fullmatch(s)
    if m:
        value: float | None = scaled(m.group(1).replace(",", ""), math.prod(_BIG[c] for c in m.group(2)))
    else:
        value = _spelled(s)
        if value is None:
            value = _cn2an(s)
    if value is None:
        return None
    return -value if negative else value


def digit_string(numeral: str) -> str:
    """Chinese digits as ASCII ones, one by one: 一三二八 -> 1328 (ASCII digits stay)."""
    return "".join(str(_DIGIT[c]) if c in _DIGIT else c for c in numeral)


# A numeral cn2an misreads: digits read one by one (一九八九, 一三二八万, 五一六点八一), or a decimal before its
# scale (七点八五亿 is 785000000; cn2an gives 7.85).
_SPELLED = re.compile(rf"(?P<whole>[^点]+?)(?:点(?P<frac>[{DIGITS}\d]+))?(?P<scale>[万亿兆]*)")
BY_DIGIT_SCALED = 3  # fewest digits read one by one before 万 or 亿: two are a range (三四万, 30 to 40 thousand)


def _spelled(s: str) -> float | None:
    """The value of a numeral `_SPELLED` describes; None for the rest (cn2an reads them)."""
    m = _SPELLED.fullmatch(s)
    if m is None:
        return None
    whole, frac, scale = m.group("whole", "frac", "scale")
    if len(whole) > 1 and all(c in _DIGIT for c in whole):
        if scale and len(whole) < BY_DIGIT_SCALED:
            return None
        digits = digit_string(whole)
    elif frac and scale:
        value = zh_value(whole)
        if value is None or not float(value).is_integer():
            return None
        digits = str(int(value))
    else:
        return None
    return scaled(f"{digits}.{digit_string(frac)}" if frac else digits, math.prod(_BIG[c] for c in scale))


def _cn2an(s: str) -> float | None:
    if all(c in _BIG for c in s):
        return None
    # normal mode for pure numerals: smart mode misreads some (一百零十万).
    mode = "smart" if any(c.isdigit() for c in s) else "normal"
    try:
        return float(cn2an.cn2an(s, mode))
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    try:
        return _positional(s)
    except ValueError:
        return None


def _lone_word(text: str, m: re.Match[str]) -> bool:
    """A numeral character that is part of an ordinary word (一切, 四川, 陆地, 两两)."""
    tok = m.group().strip()
    if len(tok) > 1:
        return tok == "两两"
    if tok.isdigit():
        return False
    if tok in _BIG:
        return not _ROUND.match(text, m.start())
    return tok in _FINANCIAL_LONE or bool(_LONE_WORDS.match(text, m.start()))


HALF = 0.5  # 一半
UNITS_AFTER_QIAN = frozenset("瓦克米")  # 千瓦, 千克, 千米: a 千 before these begins the unit


def scan_zh(text: str) -> Iterator[tuple[int, int, float, str]]:
    """Every number in normalised Chinese text: (start, end, value, kind).

    kind is "percent" (百分之: the value in points), "share" (a part of a whole as a fraction: 三分之一,
    一半), "fraction" (a mixed number: 三又三分之一, 1/3) or "" for a plain numeral.
    """
    for m in _zh_matches(text):
        if m.group("half") is not None:
            yield m.start(), m.end(), HALF, "share"
            continue
        if m.group("plain") is not None:
            if _lone_word(text, m) or _CLOCK.search(m.group()):
                continue
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            end = m.start() + len(m.group().rstrip())
            if text[end - 1] == "千" and text[end : end + 1] in UNITS_AFTER_QIAN and end - start > 1:
                end -= 1  # 2566亿千瓦小时: the 千 is the unit's
            value = _BIG.get(text[start:end]) or zh_value(text[start:end])  # a lone 万 here is round (近万名)
            if value is not None:
                yield start, end, value, ""
            continue
        if m.group("slash") is not None:
            value = int(m.group("swhole") or 0) + int(m.group("sden")) / (int(m.group("snum")) or 1)
            yield m.start(), m.end(), -value if m.group("sneg") else value, "fraction"
            continue
        den, num = zh_value(m.group("den")), zh_value(m.group("num"))
        if den is None or num is None or den == 0:
            continue
        if m.group("whole") is None and m.group("den").strip() == "百":
            yield m.start(), m.end(), num, "percent"
            continue
        if m.group("whole") is None:
            yield m.start(), m.end(), num / den, "share"
            continue
        whole = zh_value(m.group("whole"))
        sign = -1 if whole is not None and whole < 0 else 1
        yield m.start(), m.end(), (abs(whole or 0.0) + num / den) * sign, "fraction"


def _zh_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches `ZH_SCAN.finditer(text)` gives, the pattern tried only where one can begin."""
    pos = 0
    while start := _ZH_SCAN_START.search(text, pos):
        m = ZH_SCAN.match(text, start.start())
        if m:
            yield m
        pos = m.end() if m else start.start() + 1  # a match is never empty


# English -------------------------------------------------------------------


def led(first: str, pattern: str) -> str:
    """`pattern` behind a lookahead for `first`, the inside of a character class holding every character its
    matches begin with (letters in lower case, for a pattern that ignores case). A pattern is otherwise tried in
    full at every position of a text, and at most positions no match can begin."""
    return rf"(?=[{first}])(?:{pattern})"


def initials(words: Iterable[str]) -> str:
    """The first letters of `words`, for `led`."""
    return "".join(sorted({word[0] for word in words}))


_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_UNITS.update({"nought": 0, "naught": 0, "a": 1, "an": 1})
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
SCALES = {
    "hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "lakh": 10**5, "crore": 10**7, "dozen": 12,
}
_SHORT_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "g": 10**9, "t": 10**12}
_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_SCALE = "|".join(SCALES)
_EN_WORDS = (
    rf"(?:(?:half|quarter)(?=[ \t]+(?:{_SCALE}))|{_WORD}|{_SCALE})"
    rf"(?:(?:[ \t]+|[ \t]*-[ \t]*)(?:and[ \t]+|point[ \t]+)?(?:{_WORD}|{_SCALE}|a[ \t]+half|half))*"
)
# 1,234,567 and 1 234 567 (the SI grouping some English texts use).
_EN_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u202f]\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
_GROUPING = re.compile(r"[, \u202f]")  # what parts the groups of digits
EN_NUMBER = (
    rf"(?P<neg>-[ \t]*|minus[ \t]+|negative[ \t]+)?"
    rf"(?:(?P<digits>{_EN_DIGITS})(?:[ \t]*(?P<dscale>(?:{_SCALE})(?:[ \t]+(?:{_SCALE}))*)|"
    rf"(?P<short>k|mn|bn|m|b|g|t)(?![a-z]))?|(?P<words>{_EN_WORDS}))"
)
# A sign, a digit, a decimal point, or the first letter of minus, negative or a number in words.
_EN_NUMBER_FIRST = rf"\-.\d{initials(['minus', 'negative', 'half', 'quarter', *_UNITS, *_TENS, *SCALES])}"
EN_SCAN = re.compile(led(_EN_NUMBER_FIRST, rf"(?<![\w.,%=]){EN_NUMBER}(?![\w]|[.,]\d)"), re.IGNORECASE)


def words_value(words: str) -> float | None:
    """'one hundred and six' -> 106, 'twelve and a half' -> 12.5, 'a dozen' -> 12."""
    whole, point, fraction = words.lower().partition("point")
    if point:
        left, right = words_value(whole), _decimals(fraction)
        return None if left is None or right is None else left + right
    tokens = re.findall(r"[a-z]+", whole)
    if tokens in (["a"], ["an"]):
        return None
    total, current, seen = 0.0, 0.0, False
    for i, t in enumerate(tokens):
        if t == "and":
            continue
        if t in ("half", "quarter") and i + 1 < len(tokens) and tokens[i + 1] in SCALES:
            current += 0.5 if t == "half" else 0.25
        elif t == "half" and (i == 0 or tokens[i - 1] in ("a", "and")):
            current += 0.5
        elif t in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] == "half":
            continue
        elif t in _UNITS:
            current += _UNITS[t]
        elif t in _TENS:
            current += _TENS[t]
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in SCALES:
            total += (current or 1) * SCALES[t]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _decimals(words: str) -> float | None:
    """'nought four' -> 0.04, 'seventy-one' -> 0.71: the digits after "point"."""
    tokens = re.findall(r"[a-z]+", words)
    if tokens and all(t in _UNITS and _UNITS[t] < 10 for t in tokens):
        digits = "".join(str(_UNITS[t]) for t in tokens)
    else:
        value = words_value(words)
        if value is None:
            return None
        digits = str(int(value))
    return float("0." + digits)


def en_value(m: re.Match[str]) -> float | None:
    """The value of an `EN_SCAN` match."""
    if m.group("digits"):
        factor = 1
        if m.group("dscale"):
            factor = math.prod(SCALES[w] for w in m.group("dscale").lower().split())
        elif m.group("short"):
            factor = _SHORT_SCALES[m.group("short").lower()]
        value = scaled(_GROUPING.sub("", m.group("digits")), factor)
    else:
        found = words_value(m.group("words"))
        if found is None:
            return None
        value = found
    return -value if m.group("neg") else value


# Ordinals: "8th", "eighth", "twenty-first" -------------------------------------

_IRREGULAR = {"first": 1, "second": 2, "third": 3, "fifth": 5, "eighth": 8, "ninth": 9, "twelfth": 12}
ORDINALS = {
    **{w + "th": n for w, n in _UNITS.items() if 4 <= n <= 19 and n not in _IRREGULAR.values()},
    **_IRREGULAR,
    **{w[:-1] + "ieth": n for w, n in _TENS.items()},  # twentieth
    "hundredth": 100, "thousandth": 1000,
}
_TENS_WORD = "|".join(_TENS)
EN_ORDINAL_FIRST = rf"\d{initials([*_TENS, *ORDINALS])}"  # for `led`
EN_ORDINAL = (
    r"(?P<odigits>\d+)(?:st|nd|rd|th)"
    rf"|(?P<oword>(?:(?:{_TENS_WORD})(?:[ \t]*-[ \t]*|[ \t]+))?(?:{'|'.join(sorted(ORDINALS, key=len, reverse=True))}))"
)


def is_cardinal(word: str) -> bool:
    """Is `word` a number in words (five, twenty, hundred)?"""
    return word.lower() in _UNITS or word.lower() in _TENS or word.lower() in SCALES


def ordinal_value(m: re.Match[str]) -> int:
    """The rank an `EN_ORDINAL` match names: "112th" -> 112, "twenty-first" -> 21."""
    if m.group("odigits"):
        return int(m.group("odigits"))
    *tens, last = re.split(r"[ \t-]+", m.group("oword").lower())
    return sum(_TENS[t] for t in tens) + ORDINALS[last]


# Parts of a whole in words: "three quarters", "one third", "a half", "nine-tenths" ----------------

_DENOMINATORS = {
    "half": 2, "halves": 2, "quarter": 4, "quarters": 4,
    **{form: n for w, n in ORDINALS.items() if n >= 3 for form in (w, w + "s")},  # thirds; never "seconds"
}
_NUMERATORS = {w: n for w, n in _UNITS.items() if n >= 1}
EN_SHARE_FIRST = initials(_NUMERATORS)  # for `led`
EN_SHARE = (
    rf"(?P<num>{'|'.join(sorted(_NUMERATORS, key=len, reverse=True))})[ \t]*-?[ \t]*"
    rf"(?P<den>{'|'.join(sorted(_DENOMINATORS, key=len, reverse=True))})"
)


def share_value(m: re.Match[str]) -> float:
    """The part of the whole an `EN_SHARE` match names, as a fraction: "three quarters" -> 0.75."""
    return _NUMERATORS[m.group("num").lower()] / _DENOMINATORS[m.group("den").lower()]


def is_plural(m: re.Match[str]) -> bool:
    """Does an `EN_SHARE` match name its parts in the plural (two thirds), never an ordinal (a third time)?"""
    return m.group("den").lower().endswith("s")
