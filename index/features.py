"""Named features of a (question, candidate) pair: what the ranker weighs.

Each feature is a documented function of the question's frame and of one
candidate (a passage, and a figure of it or none), returning a number. No
feature decides anything: the fitted ranker (index.ranker) weighs them all.
Groups name related features, for the ablations of docs/ANSWERS.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from index import text
from index.candidates import Candidate, Pool, other
from index.figures import measure_word
from index.model import Figure
from index.question import KINDS, WORDS, years_in

CONTEXT = 30  # characters before a figure read for a change or comparison word: about one clause
NEAR = 12  # characters before a figure that name what it counts (全省粮食总产量达, 日产)
SHORT = 4.0  # characters over which a word's pull on the figure after it falls by e: the same phrase
LONG = 16.0  # and the same over a clause: the model weighs both
EN_CHARS_PER_ZH = 3.0  # an English word runs to about three times the characters of the Chinese it translates


@dataclass(frozen=True)
class Feature:
    name: str
    group: str
    value: Callable[[Pool, Candidate], float]
    doc: str
    of_passage: bool = False  # depends on the passage only: the same for all of its candidates


def unit_class(figure: Figure | None) -> str:
    """The family of a figure's unit: what kind of question it can answer."""
    if figure is None:
        return "none"
    unit = figure.unit
    if len(unit) == 3 and unit.isupper():
        return "money"
    for family, units in _FAMILIES.items():
        if unit in units:
            return family
    return "other"


_FAMILIES = {
    "share": ("%",),
    "people": ("people",),
    "count": ("items", "count"),
    "bare": ("",),
    "weight": ("tons", "kg", "jin", "dan", "g"),
    "size": ("km", "m", "m2", "m3", "km2", "ha", "mu", "kWh", "kW", "barrels"),
    "duration": ("year", "month", "day", "hour", "minute", "second", "age"),
    "date": ("date",),
    "times": ("times",),
}
UNIT_CLASSES = ("none", "money", *_FAMILIES, "other")


# Overlap of the question's terms with a piece of text ----------------------------------------


def _weights(pool: Pool, lone: bool = False) -> dict[str, float]:
    """The question's terms with their idf; Chinese single characters only with `lone`, where the
    match is near the figure: anywhere in a passage, a lone character matches by chance."""
    frame = pool.frame

    def compute() -> dict[str, float]:
        terms = {t for t in frame.content_tokens if frame.lang == "en" or lone or len(t) > 1 or t.isdigit()}
        return {t: frame.weights.get(t, 1.0) for t in terms}

    return pool.once(("weights", lone), compute)


def _share(found: frozenset[str] | set[str], weights: dict[str, float]) -> float:
    """The idf-weighted share of the question's terms among `found`."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def _matched(pool: Pool, own: str, other_text: str) -> float:
    """Share of the question's information found in a text pair: each term as itself in `own` (the
    question's language) or as one of its lexicon translations in `other_text`."""
    lang = pool.frame.lang
    here = _present(own, lang)
    there = _present(other_text, other(lang))
    weights = _weights(pool)
    total = sum(weights.values())
    hit = sum(w for t, w in weights.items() if here(t) or any(there(x) for x in pool.translations.get(t, ())))
    return hit / total if total else 0.0


def _matched_original(pool: Pool, snippet: str) -> float:
    """`_matched` on a snippet of the Chinese original alone, whichever the question's language."""
    return _matched(pool, snippet, "") if pool.frame.lang == "zh" else _matched(pool, "", snippet)


def _present(snippet: str, lang: str) -> Callable[[str], bool]:
    """Whether a term is in a snippet: Chinese words as substrings (segmentation differs in short
    clauses), English terms among the snippet's analyzed terms."""
    if lang == "zh":
        folded = text.fold(snippet)
        return lambda term: bool(term) and term in folded
    return _english_terms(snippet).__contains__


@lru_cache(maxsize=4096)
def _english_terms(snippet: str) -> frozenset[str]:
    return frozenset(text.analyze_en(snippet))


def _figure_context(pool: Pool, candidate: Candidate, lang: str, before_only: bool = False) -> str:
    """The figure's clause in `lang`: the Chinese clause read at ingest, or the English clause around
    its translation; with `before_only`, the part of the clause before the figure."""
    return pool.once((candidate, lang, before_only), lambda: _context(candidate, lang, before_only))


def _context(candidate: Candidate, lang: str, before_only: bool) -> str:
    figure = candidate.figure
    if figure is None:
        return ""
    if figure.lang == lang:
        return figure.clause[: max(figure.clause.find(figure.text), 0)] if before_only else figure.clause
    passage = getattr(candidate.found.passage, lang)
    at = passage.find(figure.translation) if figure.translation else -1
    if at < 0:
        return ""
    start = max((m.end() for m in _CLAUSE[lang].finditer(passage, 0, at)), default=0)
    stop = _CLAUSE[lang].search(passage, at + len(figure.translation or ""))
    return passage[start:at] if before_only else passage[start : stop.start() if stop else len(passage)]


# Sentence ends in folded Chinese text (NFKC makes ；！？ ASCII, leaves 。).
_SENTENCE_ZH = re.compile(r"[。!?;]")
_CLAUSE_ZH = re.compile(r"[。!?;,:、]")
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Clause ends: a comma or semicolon before a space, or a sentence end (a decimal point is neither).
_CLAUSE = {"en": re.compile(r"[,;:](?=\s)|[.!?](?=\s|$)"), "zh": re.compile(r"[，。；！？：]")}
# The bounds of a figure's side in folded text, by language and whether the side runs to the sentence's end.
_BOUNDS = {("zh", False): _CLAUSE_ZH, ("zh", True): _SENTENCE_ZH,
           ("en", False): _CLAUSE["en"], ("en", True): re.compile(r"[.!?;](?=\s|$)")}


# Passage features ------------------------------------------------------------------------------


def bm25_own(pool: Pool, c: Candidate) -> float:
    """BM25 of the passage in the question's language, over the best of the question's candidates."""
    return c.found.score["own"] / pool.top["own"] if pool.top["own"] else 0.0


def bm25_cross(pool: Pool, c: Candidate) -> float:
    """BM25 of the passage's other language for the question's terms through the lexicon, relative."""
    return c.found.score["cross"] / pool.top["cross"] if pool.top["cross"] else 0.0


def rank_own(pool: Pool, c: Candidate) -> float:
    """1 / (1 + rank) in the question-language search; 0 when that search did not find it."""
    rank = c.found.rank["own"]
    return 1.0 / (1 + rank) if rank is not None else 0.0


def rank_cross(pool: Pool, c: Candidate) -> float:
    """1 / (1 + rank) in the cross-language search; 0 when it did not find it."""
    rank = c.found.rank["cross"]
    return 1.0 / (1 + rank) if rank is not None else 0.0


def context_bm25(pool: Pool, c: Candidate) -> float:
    """BM25 of the figure's own context (its sentence in the original and its translation's) for the
    question's terms, over the best context found; 0 when the context search did not find this figure."""
    found = _context_found(c)
    return found[0] / pool.top["context"] if found and pool.top["context"] else 0.0


def context_rank(pool: Pool, c: Candidate) -> float:
    """1 / (1 + rank) of the figure's context (its sentence pair, shared by the pair's figures) in the context
    search; 0 when it did not find it."""
    found = _context_found(c)
    return 1.0 / (1 + found[1]) if found else 0.0


def _context_found(c: Candidate) -> tuple[float, int] | None:
    if c.figure is None or not c.found.contexts:
        return None
    position = next(k for k, f in enumerate(c.found.passage.figures) if f is c.figure)
    return c.found.contexts.get(position)


def coverage(pool: Pool, c: Candidate) -> float:
    """Share of the question's information (idf mass) in the passage and its title, question's language."""
    return _share(c.found.terms[pool.frame.lang], _weights(pool))


def coverage_either(pool: Pool, c: Candidate) -> float:
    """Share of the question's information in the passage in either language (terms or their translations)."""
    lang = pool.frame.lang
    here, there = c.found.terms[lang], c.found.terms[other(lang)]
    weights = _weights(pool)
    total = sum(weights.values())
    hit = sum(w for t, w in weights.items() if t in here or pool.translations.get(t, frozenset()) & there)
    return hit / total if total else 0.0


def title_coverage(pool: Pool, c: Candidate) -> float:
    """Share of the question's information in the article's title: the question names the article."""
    return _share(c.found.title_terms[pool.frame.lang], _weights(pool))


def names_missing(pool: Pool, c: Candidate) -> float:
    """Share of the names the question asks about (places, people) that the passage does not hold."""
    names = pool.frame.entities
    if not names:
        return 0.0
    terms = c.found.terms[pool.frame.lang]
    return sum(not any(t == n or (len(n) >= 5 and t.startswith(n[:5])) for t in terms) for n in names) / len(names)


def year_of_article(pool: Pool, c: Candidate) -> float:
    """The question names a year and the article is of that year."""
    return float(c.found.article.date.year in pool.frame.years)


def year_in_passage(pool: Pool, c: Candidate) -> float:
    """The question names a year and the passage speaks of it (1987, 今年, last year)."""
    frame, found = pool.frame, c.found
    if not frame.years:
        return 0.0
    said = years_in(getattr(found.passage, frame.lang) or found.passage.zh, found.article.date.year, frame.lang)
    return float(bool(frame.years & said))


def year_absent(pool: Pool, c: Candidate) -> float:
    """The question names a year that neither the article's date nor the passage gives."""
    return float(bool(pool.frame.years) and not year_of_article(pool, c) and not year_in_passage(pool, c))


def is_caption(pool: Pool, c: Candidate) -> float:
    """The passage is a photo caption."""
    return float(c.found.passage.kind == "caption")


def question_page_matches(pool: Pool, c: Candidate) -> float:
    """The question names a page and the article is on it (-1 when on another page)."""
    page = pool.frame.page
    return 0.0 if page is None else 1.0 if c.found.article.page == page else -1.0


# Figure features -------------------------------------------------------------------------------


def clause_match(pool: Pool, c: Candidate) -> float:
    """Share of the question's information in the figure's clause, in either language."""
    return _matched(pool, _figure_context(pool, c, pool.frame.lang), _figure_context(pool, c, other(pool.frame.lang)))


def lead_match(pool: Pool, c: Candidate) -> float:
    """Share of the question's information before the figure in its clause, either language: what it measures."""
    lang = pool.frame.lang
    return _matched(pool, _figure_context(pool, c, lang, before_only=True),
                    _figure_context(pool, c, other(lang), before_only=True))


def near_match(pool: Pool, c: Candidate) -> float:
    """Share of the question's information in the few characters of the original just before the figure
    (日产六十万斤: 日产), either language."""
    f = c.figure
    if f is None or f.lang != "zh":
        return 0.0
    near = c.found.passage.zh[max(0, f.span[0] - NEAR) : f.span[0]]
    return _matched_original(pool, near)


def _distance_weighted(pool: Pool, c: Candidate, before: bool, decay: float, sentence: bool) -> float:
    """Share of the question's information near the figure, each term weighed by exp(-characters away /
    decay) where it (or its translation) stands nearest on one side of the figure, in the original or in
    the English around the figure's translation, up to the clause's end (or, with `sentence`, the sentence's)."""
    if c.figure is None:
        return 0.0
    weights = _weights(pool, lone=True)
    total = sum(weights.values())
    nearest = pool.once(("nearest", c, before), lambda: _nearest(pool, c, before))
    near = sum(weights[term] * math.exp(-gaps[sentence] / decay) for term, gaps in nearest.items()
               if gaps[sentence] is not None)  # fmt: skip
    return near / total if total else 0.0


def _nearest(pool: Pool, c: Candidate, before: bool) -> dict[str, tuple[float | None, float | None]]:
    """Each term of the question found on one side of the figure: its distance in characters of the original
    (English ones counted as EN_CHARS_PER_ZH) where it or its translation stands nearest, within the
    figure's clause and within its sentence (None: not there). The nearest in the sentence is the nearest in
    the clause when it lies in the clause, so one reading of each side serves both."""
    sides = {lang: _side(pool, c, lang, before) for lang in ("zh", "en")}
    nearest = {}
    for term in _weights(pool, lone=True):
        in_clause, in_sentence = [], []
        for lang, words in sides.items():
            per = 1.0 if lang == "zh" else EN_CHARS_PER_ZH
            for form in ({term} if lang == pool.frame.lang else pool.translations.get(term, frozenset())):
                if (found := words(form)) is not None:
                    in_sentence.append(found[0] / per)
                    if found[1]:
                        in_clause.append(found[0] / per)
        if in_sentence:
            nearest[term] = (min(in_clause, default=None), min(in_sentence))
    return nearest


Gaps = Callable[[str], tuple[int, bool] | None]


def _side(pool: Pool, c: Candidate, lang: str, before: bool) -> Gaps:
    """For a word in `lang`, its distance in characters to the figure on one side of it, within the sentence,
    and whether it stands within the figure's clause (None: not in the sentence)."""
    folded = pool.once(("folded", c.found.passage.id, lang), lambda: text.fold(getattr(c.found.passage, lang)))
    return pool.once(("side", c, lang, before), lambda: _words_beside(c, folded, lang, before))


def _words_beside(c: Candidate, passage: str, lang: str, before: bool) -> Gaps:
    f = c.figure
    assert f is not None
    if f.lang == lang:
        at, end = f.span
    else:
        at = passage.find(text.fold(f.translation)) if f.translation else -1
        if at < 0:
            return lambda form: None
        end = at + len(f.translation or "")
    if before:
        start = max((m.end() for m in _BOUNDS[lang, True].finditer(passage, 0, at)), default=0)
        side = passage[start:at]
        clause = at - max((m.end() for m in _BOUNDS[lang, False].finditer(passage, start, at)), default=start)
    else:
        stop = _BOUNDS[lang, True].search(passage, end)
        side = passage[end : stop.start() if stop else len(passage)]
        clause_stop = _BOUNDS[lang, False].search(passage, end)
        clause = min(clause_stop.start() if clause_stop else len(passage), end + len(side)) - end
    if lang == "zh":  # Chinese words as substrings: a short clause segments differently from the question

        def found(form: str) -> tuple[int, bool] | None:
            if not form or form not in side:
                return None
            gap = _gap(side, form, before)
            return gap, gap + len(form) <= clause

        return found
    nearest: dict[str, tuple[int, bool]] = {}
    for m in _EN_WORD.finditer(side):
        gap, reach = (len(side) - m.end(), len(side) - m.start()) if before else (m.start(), m.end())
        for stem in _stems(m.group()):
            if stem not in nearest or gap < nearest[stem][0]:
                nearest[stem] = (gap, reach <= clause)
    return nearest.get


@lru_cache(maxsize=65536)
def _stems(word: str) -> tuple[str, ...]:
    """A word's analyzed terms (none for a stopword), remembered: the same words recur in every passage."""
    return tuple(text.analyze_en(word))


def _gap(side: str, form: str, before: bool) -> int:
    """Characters between a word and the figure: from the word's end (before it) or start (after it)."""
    return len(side) - (side.rfind(form) + len(form)) if before else side.find(form)


def near_before(pool: Pool, c: Candidate) -> float:
    """The question's terms just before the figure, in its clause (Chinese names what it counts first)."""
    return _distance_weighted(pool, c, before=True, decay=SHORT, sentence=False)


def around_before(pool: Pool, c: Candidate) -> float:
    """The question's terms before the figure in its sentence, up to a long clause away."""
    return _distance_weighted(pool, c, before=True, decay=LONG, sentence=True)


def near_after(pool: Pool, c: Candidate) -> float:
    """The question's terms just after the figure in its clause (21个工业卫星城镇, 48公里的三环路)."""
    return _distance_weighted(pool, c, before=False, decay=SHORT, sentence=False)


def _segment(pool: Pool, c: Candidate, before: bool) -> str:
    """The figure's own stretch of the original: from the figure before it (or its sentence's start) to it,
    or from it to the next figure (or its clause's end). In a list (平定一百七十五处，日产二百八十万斤；榆次…)
    the words between two figures belong to the one they lead to."""
    f = c.figure
    if f is None or f.lang != "zh":
        return ""
    zh = pool.once(("folded", c.found.passage.id, "zh"), lambda: text.fold(c.found.passage.zh))
    spans = [g.span for g in c.found.passage.figures if g.lang == "zh" and g is not f]
    if before:
        start = max([e for _, e in spans if e <= f.span[0]] +
                    [m.end() for m in _SENTENCE_ZH.finditer(zh, 0, f.span[0])], default=0)
        return zh[start : f.span[0]]
    stop = _CLAUSE_ZH.search(zh, f.span[1])
    end = min([b for b, _ in spans if b >= f.span[1]] + [stop.start() if stop else len(zh)])
    return zh[f.span[1] : end]


def own_before(pool: Pool, c: Candidate) -> float:
    """Share of the question's information between the previous figure and this one (what it measures)."""
    segment = _segment(pool, c, before=True)
    return _matched_original(pool, segment)


def own_after(pool: Pool, c: Candidate) -> float:
    """Share of the question's information between this figure and the next one, in its clause."""
    segment = _segment(pool, c, before=False)
    return _matched_original(pool, segment)


def figure_in_question(pool: Pool, c: Candidate) -> float:
    """The question itself gives the figure ("the 200m medley"): it is what is known, not what is asked."""
    f = c.figure
    if f is None:
        return 0.0
    digits = re.sub(r"\D", "", f.text)
    asked = text.fold(pool.frame.text)
    return float(f.text in pool.frame.text or (len(digits) >= 2 and digits in re.sub(r"[^\d ]", "", asked).split()))


def around_after(pool: Pool, c: Candidate) -> float:
    """The question's terms after the figure in its sentence (数量达X，居全国首位)."""
    return _distance_weighted(pool, c, before=False, decay=LONG, sentence=True)


def measure_asked(pool: Pool, c: Candidate) -> float:
    """The figure's measure word is the one the question asks about: in a Chinese question's text, or
    among the translations of an English question's words ("pairs" -> 双); a rank's only in a question
    asking a rank (第一枚 does not answer 多少枚)."""
    f = c.figure
    if f is None or f.lang != "zh" or not (measure := measure_word(f)) or is_rank(f) != pool.frame.rank:
        return 0.0
    if pool.frame.lang == "zh":
        return float(measure in text.fold(pool.frame.text))
    return float(any(measure in forms for forms in pool.translations.values()))


def measure_match(pool: Pool, c: Candidate) -> float:
    """The question's measure word (多少种 -> 种) follows the figure, a rank's for a question asking one (第几届 ->
    第25届), a count's otherwise: +1; it asks one the figure lacks, or a rank for a count or the other way: -1."""
    measure = pool.frame.measure
    if not measure or c.figure is None or c.figure.lang != "zh":
        return 0.0
    return 1.0 if measure in c.figure.text and is_rank(c.figure) == pool.frame.rank else -1.0


def is_rank(figure: Figure) -> bool:
    """Is the figure a rank (第八次), not an amount?"""
    return figure.unit == "ordinal"


def unit_named(pool: Pool, c: Candidate) -> float:
    """The question names a unit in words ("how many workers" -> people): +1 the figure's, -1 another."""
    hint = pool.frame.unit_hint
    if not hint or c.figure is None:
        return 0.0
    return 1.0 if c.figure.unit == hint else -1.0


def figure_year_match(pool: Pool, c: Candidate) -> float:
    """The figure speaks of a year the question asks about (relative years resolved on the article's date)."""
    asked = pool.frame.asked_years(c.found.article.date.year)
    return float(c.figure is not None and bool(asked) and c.figure.year in asked)


def figure_year_clash(pool: Pool, c: Candidate) -> float:
    """The figure speaks of another year than the one the question asks about."""
    asked = pool.frame.asked_years(c.found.article.date.year)
    f = c.figure
    return float(f is not None and bool(asked) and f.year is not None and f.year not in asked)


def _lead(c: Candidate) -> str:
    """Up to a clause of the original before the figure, folded, within its sentence: a change word that ends
    the sentence before (全面增产。粮食总产量43500万吨) does not make the figure a change."""
    f = c.figure
    if f is None:
        return ""
    passage = c.found.passage.zh if f.lang == "zh" else c.found.passage.en
    lead = text.fold(passage[max(0, f.span[0] - CONTEXT) : f.span[0]])
    return lead[max((m.end() for m in _BOUNDS[f.lang, True].finditer(lead)), default=0) :]


def figure_is_change(pool: Pool, c: Candidate) -> float:
    """A change word leads to the figure (增长18.6％, "an increase of"): a change, not a level."""
    f = c.figure
    return float(f is not None and bool(re.search(WORDS[f.lang].CHANGE, _lead(c)[-12:])))


def _agreement(asked: bool, pool: Pool, c: Candidate, feature: Callable[[Pool, Candidate], float]) -> float:
    """+1 when the figure is what the question asks (both or neither), -1 when not; 0 without a figure."""
    if c.figure is None:
        return 0.0
    return 1.0 if asked == bool(feature(pool, c)) else -1.0


def change_agrees(pool: Pool, c: Candidate) -> float:
    """+1 when the question asks a change and the figure is one, -1 when one of the two differs."""
    return _agreement(pool.frame.change, pool, c, figure_is_change)


def figure_is_target(pool: Pool, c: Candidate) -> float:
    """A plan or goal word leads to the figure in its clause (计划, 目标, "the target of"): not an outcome."""
    f = c.figure
    if f is None:
        return 0.0
    return float(bool(re.search(WORDS[f.lang].TARGET, text.fold(_figure_context(pool, c, f.lang, before_only=True)))))


def target_agrees(pool: Pool, c: Candidate) -> float:
    """+1 when the question asks a plan and the figure is one, or asks an outcome and it is not; -1 otherwise."""
    return _agreement(pool.frame.target, pool, c, figure_is_target)


def figure_quoted(pool: Pool, c: Candidate) -> float:
    """The figure stands inside quotation marks (“每人生产一吨粮食”): a slogan or a name, seldom a result."""
    f = c.figure
    if f is None or f.lang != "zh":
        return 0.0
    zh = c.found.passage.zh
    return float(zh.count("“", 0, f.span[0]) > zh.count("”", 0, f.span[0]))


def figure_is_base(pool: Pool, c: Candidate) -> float:
    """The figure is the base of a comparison (比1983年, "from 50 to 3,000"): an earlier value."""
    f = c.figure
    if f is None:
        return 0.0
    lead = _lead(c)
    words = WORDS[f.lang]
    return float(bool(re.search(words.BASE, lead)) or bool(re.search(words.FROM, lead[-8:])))


def figure_qualified(pool: Pool, c: Candidate) -> float:
    """The figure carries a qualifier (多, 近, over, nearly)."""
    return float(c.figure is not None and c.figure.qualifier != "exact")


def figure_in_numerals(pool: Pool, c: Candidate) -> float:
    """The figure is written in Chinese numerals (六千八百万), not digits."""
    return float(c.figure is not None and c.figure.lang == "zh" and not re.search(r"[0-9０-９]", c.figure.text))


def figure_mistranslated(pool: Pool, c: Candidate) -> float:
    """The English translation of the figure disagrees with the original."""
    return float(c.figure is not None and c.figure.verified is False)


def figure_order(pool: Pool, c: Candidate) -> float:
    """1 for the passage's first figure, falling with each later one: leads carry the news."""
    f = c.figure
    if f is None:
        return 0.0
    figures = [g for g in c.found.passage.figures if g.lang == f.lang]
    return 1.0 / (1 + figures.index(f)) if f in figures else 0.0


def _kind_unit(kind: str, family: str) -> Feature:
    def value(pool: Pool, c: Candidate) -> float:
        return float(pool.frame.kind == kind and unit_class(c.figure) == family)

    return Feature(f"kind_{kind}_unit_{family}", "kind_unit", value,
                   f"The question asks a {kind} and the candidate's figure is of the {family} family.")


def _feature(function: Callable[[Pool, Candidate], float], group: str) -> Feature:
    return Feature(function.__name__, group, function, (function.__doc__ or "").strip(), function in _OF_PASSAGE)


_OF_PASSAGE = {bm25_own, bm25_cross, rank_own, rank_cross, coverage, title_coverage, names_missing, is_caption,
               question_page_matches, coverage_either, year_of_article, year_in_passage, year_absent}


FEATURES: tuple[Feature, ...] = (
    *(_feature(f, "retrieval") for f in (bm25_own, bm25_cross, rank_own, rank_cross)),
    *(_feature(f, "context") for f in (context_bm25, context_rank)),
    *(_feature(f, "coverage") for f in (coverage, title_coverage, names_missing, is_caption, question_page_matches)),
    *(_feature(f, "crosslingual") for f in (coverage_either,)),
    *(_feature(f, "year") for f in (year_of_article, year_in_passage, year_absent, figure_year_match,
                                    figure_year_clash)),
    *(_feature(f, "clause") for f in (clause_match, lead_match, near_match, near_before, around_before,
                                      near_after, around_after, own_before, own_after)),
    *(_feature(f, "unit") for f in (measure_match, unit_named, measure_asked)),
    *(_feature(f, "change") for f in (figure_is_change, change_agrees, figure_is_base, figure_is_target,
                                      target_agrees)),
    *(_feature(f, "shape") for f in (figure_in_question, figure_quoted, figure_qualified, figure_in_numerals,
                                     figure_mistranslated, figure_order)),
    *(_kind_unit(kind, family) for kind in KINDS for family in UNIT_CLASSES),
)
NAMES = tuple(f.name for f in FEATURES)
GROUPS = tuple(dict.fromkeys(f.group for f in FEATURES))


# Groups weighed only for the candidates the first stage keeps (Ranker.shortlist): they read the text around
# each figure, two thirds of the time a question's features take (docs/BENCHMARKS.md).
LATE_GROUPS = frozenset({"clause", "change"})
EARLY = tuple(f.group not in LATE_GROUPS for f in FEATURES)  # the features the first stage weighs

_SCALAR = tuple(f for f in FEATURES if f.group != "kind_unit")
_KIND_UNIT_AT = {(kind, family): len(_SCALAR) + k * len(UNIT_CLASSES) + u
                 for k, kind in enumerate(KINDS) for u, family in enumerate(UNIT_CLASSES)}


def _early(pool: Pool, candidate: Candidate) -> list[float]:
    """The scalar features' values with the LATE_GROUPS' left at 0 (a passage's features read once for all its
    candidates)."""
    passage = pool.once(("passage features", candidate.found),
                        lambda: {f.name: f.value(pool, candidate) for f in _SCALAR if f.of_passage})
    return [passage[f.name] if f.of_passage else 0.0 if f.group in LATE_GROUPS else f.value(pool, candidate)
            for f in _SCALAR]  # fmt: skip


def vector(pool: Pool, candidate: Candidate, late: bool = True) -> list[float]:
    """Every feature's value, in the order of NAMES (without `late`, the LATE_GROUPS' are left at 0: what the
    first stage reads). The same values as each feature computed alone, faster: a passage's features once for
    all its candidates, a candidate's early ones once for both stages, the kind x unit indicators set at one
    place."""
    early = pool.once(("early features", candidate), lambda: _early(pool, candidate))
    values = [f.value(pool, candidate) if late and f.group in LATE_GROUPS and not f.of_passage else value
              for f, value in zip(_SCALAR, early, strict=True)]  # fmt: skip
    values.extend([0.0] * (len(FEATURES) - len(_SCALAR)))
    values[_KIND_UNIT_AT[pool.frame.kind, unit_class(candidate.figure)]] = 1.0
    return values

