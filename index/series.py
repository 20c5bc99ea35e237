"""A figure across the archive: one point a year, each from the report that gives it.

A query is read as a question's frame and its candidates are weighed by the
fitted ranker, as for an answer, but from a wider retrieval: a series wants every
article that reports the figure, not the one best passage. A candidate may become a
point of a year when, asked of that year, the ranker's answer probability reaches its
`point_threshold`, and its figure may be a level of the thing asked (read from the Chinese
original, in a unit that measures, of the unit the ranker's answers favour over the years,
not a ratio or a per-person figure unless asked, of no place the query does not name). The
best candidate of each article speaks for it; where several
articles give one year, the latest report is the point and the others are its notes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from index import features, words_en, words_zh
from index import figures as figs
from index.answer import mistranslation
from index.candidates import Candidate, Pool
from index.model import PRELIMINARY, Flag, Hit, Passage, Point, Series
from index.question import years_in
from index.ranker import Ranker
from index.text import Analyzer, fold

# Passages read from each search (the query's language and the lexicon's translation). A series
# wants every report of the figure, not the best: a national figure is reported once or twice a
# year, so 50 years of it are far fewer passages than this; more passages cost ranking time
# (docs/BENCHMARKS.md) and add only weaker candidates.
PASSAGES = 200


NOT_LEVELS = ("bare", "date", "none")  # unit families that measure nothing alone
RATIOS = ("share", "times")  # unit families of a ratio (54%, 一倍): a level only of a series that asks a rate


def weighed(pool: Pool, ranker: Ranker, groups: dict[int, list[Candidate]]) -> tuple[str, dict[int, Weighed]]:
    """The series' unit and, for each year, its candidates of that unit, each with the probability the ranker
    gives it as the answer to the query asked of that year (features worked out for the query's frame with
    that year; the lead over the year's next candidate of the unit: a series point is the answer the bot
    would give for its year, knowing what the series counts in).

    The unit is the one the ranker's answers favour over the years: for each unit, the probability of its
    likeliest candidate of each year, summed over the years. One likely figure of another unit (a share, the
    value of output) does not make a series of it; what the query names is counted in one unit year after year."""
    ranked = {year: _ranked(pool, ranker, year, group) for year, group in groups.items()}
    votes: dict[str, float] = defaultdict(float)
    for year_ranked in ranked.values():
        best: dict[str, float] = defaultdict(float)
        for p, c in _sure(ranker, year_ranked):
            best[_unit(c)] = max(best[_unit(c)], p)
        for unit, p in best.items():
            votes[unit] += p
    if not votes:
        return "", {}
    unit = max(votes, key=votes.__getitem__)
    of_unit = {year: _sure(ranker, [r for r in rs if _unit(r[1]) == unit]) for year, rs in ranked.items()}
    return unit, {year: sure for year, sure in of_unit.items() if sure}


Weighed = list[tuple[float, Candidate]]  # a year's candidates with their probabilities, best scored first
Ranked = list[tuple[float, Candidate, list[float]]]  # a year's candidates: score and feature values, best first


def _ranked(pool: Pool, ranker: Ranker, year: int, group: Sequence[Candidate]) -> Ranked:
    """The candidates of one year scored for the query asked of that year, best first."""
    frame = replace(pool.frame, years=frozenset({year}), relative_years=frozenset())
    of_year = replace(pool, frame=frame, memo={})
    return sorted(((ranker.score(v), c, v) for c in group for v in (features.vector(of_year, c),)),
                  key=lambda r: -r[0])  # fmt: skip


def _sure(ranker: Ranker, ranked: Ranked) -> Weighed:
    """Each candidate of a year's ranking with the answer calibrator's probability (its lead over the next)."""
    return [(ranker.sure_of_answer(score, ranked[k + 1][0] if k + 1 < len(ranked) else None, values), c)
            for k, (score, c, values) in enumerate(ranked)]  # fmt: skip


def measures(candidate: Candidate) -> bool:
    """The candidate has a figure of the original in a unit that measures something: what may be a point at all
    (the engine weighs no other candidate for a series)."""
    figure = candidate.figure
    return figure is not None and figure.lang == "zh" and features.unit_class(figure) not in NOT_LEVELS


def is_level(pool: Pool, candidate: Candidate, analyzer: Analyzer) -> bool:
    """The candidate's figure may be a level of what the query names: read from the original, of a unit
    that measures (not a date or a bare number), a ratio only when the query asks a rate (a share is never
    the level of an output), a rank only when the query asks one (第四位 is no steel output), a per-person,
    per-area or per-day figure only when the query asks one (it is never the level of a total) and, when the
    query names no place, of no place named in its clause (the index's analyzer tags the names: a province's
    output is not the nation's). Whether it is a change, a plan or the base of a comparison the ranker weighs,
    as it does for any question."""
    if not measures(candidate):
        return False
    frame = pool.frame
    if features.unit_class(candidate.figure) in RATIOS and frame.kind != "share":
        return False
    if features.is_rank(candidate.figure) and not frame.rank:
        return False
    if not frame.entities and analyzer.entities(features.clause_before(pool, candidate), "zh"):
        return False
    return per_unit(frame.text) or not per_unit(features.clause_before(pool, candidate))


def per_unit(text: str) -> bool:
    """The text speaks of a figure per person, per area or per day (人均, 亩产, per capita)."""
    return any(re.search(words.PER_UNIT, fold(text)) for words in (words_zh, words_en))


Passages = Callable[[str], tuple[Passage, ...]]  # an article's passages, by its id


def by_year(pool: Pool, analyzer: Analyzer, passages: Passages, start: int | None = None,
            end: int | None = None) -> dict[int, list[Candidate]]:  # fmt: skip
    """The level candidates of the query (see is_level) by the year they are of, between `start` and `end`;
    `passages` reads an article's passages (for the year of a figure whose sentence names none)."""
    groups: dict[int, list[Candidate]] = defaultdict(list)
    passages = cache(passages)  # many candidates of one article may need its earlier passages
    for c in pool.candidates:
        if is_level(pool, c, analyzer):
            year = year_of(c, passages)
            if (start is None or year >= start) and (end is None or year <= end):
                groups[year].append(c)
    return groups


def build(pool: Pool, ranker: Ranker, groups: dict[int, list[Candidate]], lang: str) -> Series:
    """The series: of each year's candidates (by_year) of the series' unit, those the ranker is sure enough of
    as that year's answer; one point a year."""
    unit, years = weighed(pool, ranker, groups)
    best: dict[tuple[int, str], tuple[float, Candidate]] = {}  # (year, article) -> its likeliest candidate
    for year, sure in years.items():
        for p, c in sorted(sure, key=lambda pc: -pc[0]):
            if p >= ranker.point_threshold:
                best.setdefault((year, c.found.article.id), (p, c))
    if not best:
        return Series(pool.frame.text, lang, "")
    reports: dict[int, list[Point]] = defaultdict(list)
    for (year, _), (p, c) in best.items():
        reports[year].append(_point(year, p, c))
    points = []
    for year in sorted(reports):
        latest, *earlier = sorted(reports[year], key=lambda pt: (pt.hit.article.date, pt.hit.score), reverse=True)
        points.append(replace(latest, others=tuple(earlier)))
    return Series(pool.frame.text, lang, unit, tuple(points))


def _unit(candidate: Candidate) -> str:
    assert candidate.figure is not None
    return figs.in_common_unit(candidate.figure)[1]


def year_of(candidate: Candidate, passages: Passages) -> int:
    """The year the figure is of: the one its sentence names; else the one the article last spoke of before
    it (这一年 after a paragraph on 1958; comparison bases left out), nearest text first, where that text names
    one year alone; else the article's year."""
    figure, found = candidate.figure, candidate.found
    assert figure is not None
    published = found.article.date.year
    base = _base_year(candidate, published)
    if base or figure.year:
        return base or figure.year
    before = [p.zh for p in passages(found.article.id) if p.kind == "body" and p.position < found.passage.position]
    for earlier in [found.passage.zh[: figure.span[0]], *reversed(before)]:
        named = years_in(earlier, published, "zh", with_bases=False)
        if len(named) == 1:
            return named.pop()
        if named:
            break
    return published


def _base_year(candidate: Candidate, published: int) -> int | None:
    """The year of a comparison's base when the figure is that base's value (比1957年的钢产量五百三十五万吨):
    a base year alone in the clause before the figure, no change word between (比上年增长6.7％ is a change)."""
    figure = candidate.figure
    assert figure is not None
    clause = figure.clause[: max(figure.clause.find(figure.text), 0)]
    bases = years_in(clause, published, "zh") - years_in(clause, published, "zh", with_bases=False)
    return bases.pop() if len(bases) == 1 and not re.search(words_zh.CHANGE, clause) else None


_SENTENCE_END = re.compile(r"[。！？；]")


def is_preliminary(candidate: Candidate) -> bool:
    """The figure's sentence calls it an early count or an estimate (初步统计, 预计, 可达)."""
    figure = candidate.figure
    assert figure is not None
    zh = candidate.found.passage.zh
    start = max((m.end() for m in _SENTENCE_END.finditer(zh, 0, figure.span[0])), default=0)
    stop = _SENTENCE_END.search(zh, figure.span[1])
    return bool(re.search(words_zh.PRELIMINARY, zh[start : stop.start() if stop else len(zh)]))


def _point(year: int, p: float, candidate: Candidate) -> Point:
    figure = candidate.figure
    assert figure is not None
    value, _ = figs.in_common_unit(figure)
    hit = Hit(candidate.found.passage, candidate.found.article, p)
    flags = (*mistranslation(figure), *((Flag(PRELIMINARY),) if is_preliminary(candidate) else ()))
    return Point(year, value, figure, hit, flags)
