"""English paragraphs <-> Chinese paragraphs -> `Passage` pairs.

Gale–Church style: dynamic programming over beads (1:1, 1:2, 2:1, 1:0, 0:1) whose cost
is the improbability of the length difference plus the rarity of the bead kind, lowered
when both sides share numbers. The same alignment, run on sentences, decides where a very
long paragraph may be cut so that both languages are cut at the same place.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from index.model import Article, Passage
from index.numbers import led

# Bead kinds as (English count, Chinese count) with their prior probabilities, from Gale &
# Church (1993); the 2:2 bead is left out because a translation of one article rarely needs it.
_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089}
_BEAD_COST = {bead: -math.log(p) for bead, p in _PRIORS.items()}

# English characters per Chinese character. Measured on the whole article (a translation of
# the whole article, so the totals match even where paragraph breaks do not): the reference
# article runs ~4.1 because figures and names expand, plain prose nearer 3. The clamp keeps
# an English side that lost paragraphs from skewing every bead.
_DEFAULT_RATIO = 3.0
_MIN_RATIO, _MAX_RATIO = 2.0, 5.0
# Variance of the English length per Chinese character, in units of ratio²: a 100-character
# Chinese paragraph may vary by ~30 % in English, a 400-character one by ~15 %.
_VARIANCE = 8.0
# Cost removed when the numbers of both sides agree, added when they are disjoint (a 1:2 bead
# costs ~2.4 more than a 1:1 bead).
_ANCHOR = 3.0
LONG_PARAGRAPH = 1200  # characters on either side

_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                "万": 1e4, "亿": 1e8, "万亿": 1e12}  # fmt: skip
# Numbers begin with a digit: `led` stops the rest of each pattern at once elsewhere.
_EN_NUMBER = re.compile(led(r"\d", r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(thousand|million|billion|trillion))?"))
_ZH_NUMBER = re.compile(led(r"\d", r"(\d+)(\.\d+)?(万亿|亿|万)?"))
_ZH_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)\"']*")
_EN_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[A-Z0-9\"“‘(])")
_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|St|No|Co|Inc|Ltd|Jr|Sr|Gen|Lt|Col|vs|etc)\.$")

Bead = tuple[range, range]  # English indices, Chinese indices


@dataclass(frozen=True)
class _Span:
    """Up to two neighbouring paragraphs (or sentences) as the cost function sees them."""

    count: int
    length: int
    numbers: tuple[frozenset[float], ...]  # each number in its forms
    forms: frozenset[float]  # every form of every number


def _spans(texts: Sequence[str], lang: str) -> dict[tuple[int, int], _Span]:
    """Every run of 0 to 2 texts a bead may take, by (start, end), worked out once for the whole grid."""
    lengths = [_length(text) for text in texts]
    numbers = [tuple(_numbers(text, lang)) for text in texts]
    spans = {}
    for start in range(len(texts) + 1):
        for end in range(start, min(start + 2, len(texts)) + 1):
            held = tuple(n for k in range(start, end) for n in numbers[k])
            spans[start, end] = _Span(end - start, sum(lengths[start:end]), held, frozenset().union(*held))
    return spans


def align(article: Article) -> tuple[Passage, ...]:
    """Body passages in reading order, then one caption passage per caption line."""
    en, zh = article.paragraphs_en, article.paragraphs_zh
    if en and zh:
        ratio = _ratio(en, zh)
        pairs = [piece for bead in _beads(en, zh, ratio) for piece in _cut(_join(en, zh, bead), ratio)]
    else:
        pairs = [(text, "") for text in en] + [("", text) for text in zh]
    texts = [(e, z, "body") for e, z in pairs] + [("", caption, "caption") for caption in article.captions_zh]
    return tuple(
        Passage(id=f"{article.id}:{i}", article_id=article.id, position=i, en=e, zh=z, kind=kind)
        for i, (e, z, kind) in enumerate(texts)
    )


def _ratio(en: Sequence[str], zh: Sequence[str]) -> float:
    zh_chars = sum(_length(text) for text in zh)
    if not zh_chars:
        return _DEFAULT_RATIO
    return min(_MAX_RATIO, max(_MIN_RATIO, sum(_length(text) for text in en) / zh_chars))


def _length(text: str) -> int:
    """Characters but white space (split() and join() run in C: alignment weighs every paragraph)."""
    return len("".join(text.split()))


def _join(en: Sequence[str], zh: Sequence[str], bead: Bead) -> tuple[str, str]:
    return "\n".join(en[i] for i in bead[0]), "\n".join(zh[j] for j in bead[1])


def _beads(en: Sequence[str], zh: Sequence[str], ratio: float) -> list[Bead]:
    """The cheapest path through the (English, Chinese) grid, as a list of beads."""
    en_spans, zh_spans = _spans(en, "en"), _spans(zh, "zh")
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for i in range(len(en) + 1):
        for j in range(len(zh) + 1):
            for di, dj in _PRIORS:
                if (i - di, j - dj) not in best:
                    continue
                cost = best[(i - di, j - dj)][0] + _cost(en_spans[i - di, i], zh_spans[j - dj, j], ratio)
                if (i, j) not in best or cost < best[(i, j)][0]:
                    best[(i, j)] = (cost, (di, dj))
    beads: list[Bead] = []
    i, j = len(en), len(zh)
    while (i, j) != (0, 0):
        di, dj = best[(i, j)][1]
        beads.append((range(i - di, i), range(j - dj, j)))
        i, j = i - di, j - dj
    return beads[::-1]


def _cost(en: _Span, zh: _Span, ratio: float) -> float:
    if not en.count or not zh.count:
        # A paragraph without a partner has no length to compare; charging the whole length
        # (as Gale–Church do) would force a long unmatched paragraph into a wrong merge.
        return _BEAD_COST[(en.count, zh.count)]
    return _BEAD_COST[(en.count, zh.count)] + _length_cost(en.length, zh.length, ratio) - _anchor(en, zh)


def _length_cost(en_len: int, zh_len: int, ratio: float) -> float:
    """-log of the two-sided tail probability of the length difference (Gale–Church)."""
    mean = max((zh_len + en_len / ratio) / 2, 1.0)
    delta = abs(en_len - ratio * zh_len) / math.sqrt(_VARIANCE * ratio * ratio * mean)
    return -math.log(max(math.erfc(delta / math.sqrt(2)), 1e-300))


def _anchor(en: _Span, zh: _Span) -> float:
    """From +_ANCHOR (every number found on the other side) to -_ANCHOR (none found): shared
    numbers are strong evidence of a pair even where a unit was mistranslated, and disjoint
    ones strong evidence against it. A side without numbers says nothing."""
    if not en.numbers or not zh.numbers:
        return 0.0
    if en.forms.isdisjoint(zh.forms):
        found = 0  # most pairs of the grid share no number: no need to look at each
    else:
        found = sum(1 for forms in en.numbers if forms & zh.forms) + sum(1 for forms in zh.numbers if forms & en.forms)
    return _ANCHOR * (2 * found / (len(en.numbers) + len(zh.numbers)) - 1)


def _numbers(text: str, lang: str) -> frozenset[frozenset[float]]:
    """Each number in its forms: as written (6.08) and scaled by its word (608000000), so a
    mistranslated scale (6.08亿 -> "6.08 billion") still shares the written digits."""
    text = unicodedata.normalize("NFKC", text)
    pattern = _EN_NUMBER if lang == "en" else _ZH_NUMBER
    found: set[frozenset[float]] = set()
    for match in pattern.finditer(text):
        written = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        scale = _MULTIPLIERS.get((match.group(3) or "").lower(), 1.0)
        found.add(frozenset({_rounded(written), _rounded(written * scale)}))
    return frozenset(found)


def _rounded(value: float) -> float:
    return float(f"{value:.6g}")


def _cut(pair: tuple[str, str], ratio: float) -> list[tuple[str, str]]:
    """Cut a long pair at sentence ends matched on both sides; leave it whole if that fails."""
    en, zh = pair
    if max(len(en), len(zh)) <= LONG_PARAGRAPH:
        return [pair]
    en_spans, zh_spans = _sentences(en, _EN_SENTENCE_END), _sentences(zh, _ZH_SENTENCE_END)
    beads = _beads([en[a:b] for a, b in en_spans], [zh[a:b] for a, b in zh_spans], ratio)
    if any(not e or not z for e, z in beads):
        return [pair]  # a sentence without a partner: no cut is sure to be consistent
    groups: list[list[Bead]] = [[]]
    for bead in beads:
        if groups[-1] and _too_long(en_spans, zh_spans, groups[-1][0], bead):
            groups.append([])
        groups[-1].append(bead)
    return [
        (
            _span_text(en, en_spans, group[0][0], group[-1][0]),
            _span_text(zh, zh_spans, group[0][1], group[-1][1]),
        )
        for group in groups
    ]


def _too_long(en_spans: list[tuple[int, int]], zh_spans: list[tuple[int, int]], first: Bead, last: Bead) -> bool:
    """Would a piece running from bead `first` to bead `last` be too long on either side?"""
    en_len = en_spans[last[0][-1]][1] - en_spans[first[0][0]][0]
    zh_len = zh_spans[last[1][-1]][1] - zh_spans[first[1][0]][0]
    return max(en_len, zh_len) > LONG_PARAGRAPH


def _span_text(text: str, spans: list[tuple[int, int]], first: range, last: range) -> str:
    return text[spans[first[0]][0] : spans[last[-1]][1]].strip()


def _sentences(text: str, end: re.Pattern[str]) -> list[tuple[int, int]]:
    """Sentence spans: cut after each sentence end, except after an abbreviation (Mr., U.S.)."""
    cuts = [0]
    for match in end.finditer(text):
        period = match.start() + 1
        if not _ABBREVIATION.search(text, max(0, period - 8), period):
            cuts.append(match.end())
    cuts.append(len(text))
    return [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip()]
