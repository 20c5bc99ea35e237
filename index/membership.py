"""Which figures belong to a series: those that measure the query's thing at the query's scope.

A series is "the figures across the archive that measure the same thing at the same scope (national grain
output, not a province's)" (issue 14). Membership is a definition read from the Chinese original, not a score:
- **the thing**: the query's terms less its scope words (national, 全国), the words that say an amount is
  produced (output, 产量: 钢产量 -> 钢) and the places it names. Each must be named, as itself or as a Chinese
  word the lexicon reads first as it (grain -> 粮, steel -> 钢; 原煤 -> 煤, the coal within raw coal), in the
  words that lead to the figure, at the start of one of its words (钢产量; not 鞍钢, Anshan's works): its clause,
  from the clause's start or the figure of its kind before it (钢达到一千一百万吨左右，煤二亿七千万吨左右), or,
  where those words name nothing of their own (总产量达到, 可达到), its sentence up to there; or in the noun right
  after it (只生产了九十二万吨钢). A figure that describes a noun after it (6000万吨钢的台阶) measures no thing.
- **the scope**: the nearest the text names before the figure: its clause, the rest of its sentence, the
  sentences of its paragraph before it, the article's title; each by the first scope it names (a sentence's topic comes
  first: 全省总生产原煤22180万吨，占全国原煤总产量的1/4 is the province's). A scope is the nation (全国, 我国),
  a place jieba tags by name, or a part or body (全省, 这五十个县, 大队, 钢铁公司, 世界). A query that names no
  place counts the figures of the nation or of no scope named; one that names places, the figures of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from index import features, words_en, words_zh
from index.answer import noun_after
from index.candidates import Candidate
from index.figures import is_comparison_base
from index.lexicon import Lexicon
from index.question import Frame
from index.text import Analyzer, analyze_en, fold

# Clause ends; 、 too: each item of a list is its own (发电设备一百多万瓩、冶金设备十八万吨).
CLAUSE_END = re.compile(r"[，、；。！？：,;!?:]")
SENTENCE_END = re.compile(r"[。；！？;!?]")
NAMING_TAGS = ("n", "vn")  # jieba tags of a word that names something: nouns, verbs used as nouns
PLACE_TAG = "ns"  # jieba's tag of a place name
_NATIONAL_EN = frozenset(analyze_en(words_en.NATIONAL))
_AMOUNT_EN = frozenset(analyze_en(words_en.AMOUNT))
_AMOUNT_ZH = tuple(words_zh.AMOUNT.split())
# Text that names no scope of the figures after it: a dateline (本报太原6月27日电), a part included (包括…在内).
_NOT_A_SCOPE = re.compile(f"{words_zh.DATELINE}|{words_zh.INCLUDED}")
_SCOPE_WORDS = re.compile(f"{words_zh.NATIONAL}|{words_zh.OTHER_SCOPE}")


@dataclass(frozen=True)
class Thing:
    """A thing a query names: the Chinese words that name it (粮食, 粮) and its English readings (cereal, grain)."""

    words: frozenset[str]
    readings: frozenset[str]


@dataclass(frozen=True)
class Subject:
    """What a series counts: the things and the places a query names, and what reads them in the original."""

    things: tuple[Thing, ...]  # a member's lead names each
    places: tuple[frozenset[str], ...]  # each place's Chinese names; none: the nation's figures
    analyzer: Analyzer = field(repr=False, compare=False)
    lexicon: Lexicon = field(repr=False, compare=False)


def subject(frame: Frame, lexicon: Lexicon, analyzer: Analyzer) -> Subject:
    """The things and the places a series query names (national grain output -> 粮, 粮食; 山西原煤产量 -> 原煤, 煤
    and 山西): its terms less those naming the nation and, of a term, the word saying an amount is produced; a
    term whose Chinese names are place names (jieba's tag) names a place."""
    lang = frame.lang
    terms = {t for t in frame.content_tokens if not _national(t, lang) and not t.isdigit()}
    names = {t: _chinese(t, lang, lexicon) for t in terms}
    places = {t: frozenset(w for w in names[t] if _is_place(w, analyzer)) for t in terms}
    things = {_thing_term(t, lang) for t in terms if not places[t]} - {""}
    readings = {t: frozenset(lexicon.zh_to_en.get(t, ())) if lang == "zh" else frozenset({t}) for t in things}
    named_places = _widest({t for t in terms if places[t]})
    return Subject(tuple(Thing(_chinese(t, lang, lexicon), readings[t]) for t in sorted(_widest(things))),
                   tuple(places[t] for t in sorted(named_places)), analyzer, lexicon)  # fmt: skip


def _widest(terms: set[str]) -> set[str]:
    """The terms that are no part of another (粮食 of 粮食, 粮): a search cut names a word and its parts."""
    return {t for t in terms if not any(t != other and t in other for other in terms)}


def _is_place(word: str, analyzer: Analyzer) -> bool:
    return [tag for _, tag in analyzer.tagged(word)] == [PLACE_TAG]


def _national(term: str, lang: str) -> bool:
    return term in _NATIONAL_EN if lang == "en" else bool(re.fullmatch(words_zh.NATIONAL, term))


def _thing_term(term: str, lang: str) -> str:
    """The term less the words saying its amount is a year's output: 钢产量 -> 钢, 年发电量 -> 发电量; output, 全年,
    今年 -> ""."""
    if lang == "en":
        return "" if term in _AMOUNT_EN else term
    if term in words_zh.RELATIVE_YEARS:
        return ""
    term = re.sub(words_zh.ANNUAL, "", term)
    amount = next((a for a in _AMOUNT_ZH if term.endswith(a)), "")
    return term[: len(term) - len(amount)]


def _chinese(term: str, lang: str, lexicon: Lexicon) -> frozenset[str]:
    """The Chinese words that name what a query term names. An English term's translations that hold a word the
    lexicon reads first as it (coal -> 煤, 煤炭, 原煤; grain -> 粮, 粮食, not 谷物 "cereal, grain" nor 只 "only, ...
    grain"), or all its translations when none is read first as it; a Chinese term itself and the words within it
    read first as one of its readings (原煤 "raw coal" -> 煤 "coal"; 粮食 -> 粮)."""
    if lang == "en":
        first = lexicon.first_read_as(term)
        translations = lexicon.en_to_zh.get(term, ())
        return frozenset(zh for zh in translations if not first or any(word in zh for word in first))
    within = {zh for english in lexicon.zh_to_en.get(term, ()) for zh in lexicon.first_read_as(english) if zh in term}
    return frozenset({term, *within})


def member(subject: Subject, candidate: Candidate) -> bool:
    """The candidate's figure measures the query's thing at its scope (see the module's doc)."""
    return same_thing(subject, candidate) and same_scope(subject, candidate)


def same_thing(subject: Subject, candidate: Candidate) -> bool:
    """A word of the figure's lead (or the noun right after it) names each thing the query names, and the figure
    does not describe a noun after it (年产6000万吨钢的台阶: a milestone, not what was produced)."""
    figure, passage, analyzer = candidate.figure, candidate.found.passage, subject.analyzer
    assert figure is not None
    noun = noun_after(figure, passage, analyzer)
    if re.match(words_zh.ATTRIBUTE, passage.zh[figure.span[1] :].lstrip().removeprefix("".join(noun))):
        return False
    words = [word for word, _ in analyzer.tagged(fold(lead(candidate, analyzer)))] + noun
    return all(any(_names(word, thing, subject.lexicon) for word in words) for thing in subject.things)


def _names(word: str, thing: Thing, lexicon: Lexicon) -> bool:
    """A word names the thing when it is one of its words, or begins with one (钢产量, 粮食总产量, 煤炭; 年发电量 read
    as 发电量) and the lexicon does not read it first as something else (油料 "oilseed" is not 油 "oil"; 钢铁 "steel"
    is 钢). 鞍钢, Anshan's works, and 夏粮, the summer harvest, do not begin with 钢 or 粮."""
    word = re.sub(words_zh.ANNUAL, "", word) or word
    if word in thing.words:
        return True
    readings = lexicon.zh_to_en.get(word)
    begins = any(word.startswith(name) for name in thing.words)
    return begins and (not readings or readings[0] in thing.readings)


def lead(candidate: Candidate, analyzer: Analyzer) -> str:
    """The words that lead to the figure: its clause's, or, where those name nothing of their own (总产量达到,
    可达到: the sentence named what before), its sentence's (粮食在播种面积有所减少的情况下，总产量达到)."""
    clause = leading_text(candidate, CLAUSE_END)
    return clause if _names_something(clause, analyzer) else leading_text(candidate, SENTENCE_END)


def leading_text(candidate: Candidate, bound: re.Pattern[str]) -> str:
    """The text leading to the figure: from the last `bound` before it or the end of the figure of its kind
    before it (in a list, 钢达到一千一百万吨左右，煤二亿七千万吨左右, the words between two lead to the later)."""
    figure, passage = candidate.figure, candidate.found.passage
    assert figure is not None
    at = figure.span[0]
    kind = features.unit_class(figure)
    ends = [f.span[1] for f in passage.figures if f.lang == "zh" and f.span[1] <= at and features.unit_class(f) == kind]
    return passage.zh[max([m.end() for m in bound.finditer(passage.zh, 0, at)] + ends, default=0) : at]


def _names_something(lead: str, analyzer: Analyzer) -> bool:
    """The lead holds a word that names something besides scopes and amounts (钢达到 does; 总产量达到 does not)."""
    bare = _SCOPE_WORDS.sub(" ", fold(lead))
    return any(tag.startswith(NAMING_TAGS) and word not in _AMOUNT_ZH for word, tag in analyzer.tagged(bare))


def same_scope(subject: Subject, candidate: Candidate) -> bool:
    """The nearest scope named before the figure is the nation or none (the query names no place), or one of
    the places the query names (a word pointing back, 全省, stands for the place named before it)."""
    for text in _before(candidate):
        kind, words = _first_scope(fold(text), subject.analyzer)
        if subject.places and kind == "back":
            continue
        if kind:
            return _is_asked(kind, words, subject)
    return not subject.places


def _is_asked(kind: str, words: str, subject: Subject) -> bool:
    if not subject.places:
        return kind == "national"
    return kind == "place" and any(any(name in words or words in name for name in names) for names in subject.places)


def _before(candidate: Candidate) -> Iterator[str]:
    """The text before the figure, nearest first: its clause, the rest of its sentence, each sentence before it
    in its paragraph, and the article's title (what its report is about: 罗大国民议会举行会议)."""
    figure, found = candidate.figure, candidate.found
    assert figure is not None
    zh, at = found.passage.zh, figure.span[0]
    clause = max((m.end() for m in CLAUSE_END.finditer(zh, 0, at)), default=0)
    sentence = max((m.end() for m in SENTENCE_END.finditer(zh, 0, clause)), default=0) if clause else 0
    yield zh[clause:at]
    yield zh[sentence:clause]
    yield from reversed(_sentences(zh[:sentence]))
    yield found.article.title_zh


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


@lru_cache(maxsize=65536)
def _first_scope(text: str, analyzer: Analyzer) -> tuple[str, str]:
    """The first scope a (folded) text names, as (kind, words): "national" (全国), "back" (a word pointing back to
    the place named before, 全省), "other" (a part or body: 这五十个县, 大队; the world), "place" (a name jieba tags
    as a place that is not the nation); ("", "") when it names none."""
    text = _NOT_A_SCOPE.sub(" ", text)
    found = [(m.start(), _kind_of(m.group()), m.group()) for m in _SCOPE_WORDS.finditer(text)]
    at = 0
    for word, tag in analyzer.tagged(text):
        if tag == PLACE_TAG and len(word) > 1 and not re.search(words_zh.NATIONAL, word):
            found.append((at, "place", word))
        at += len(word)
    named = [f for f in found if not is_comparison_base(text, f[0], "zh")]  # 比全国同期高: the base, not the scope
    return min(named, default=(0, "", ""))[1:]


def _kind_of(word: str) -> str:
    if re.fullmatch(words_zh.NATIONAL, word):
        return "national"
    return "back" if re.fullmatch(words_zh.POINTS_BACK, word) else "other"
