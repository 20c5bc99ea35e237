"""A figure across the archive: one point a year, each from the report that gives it.

A query is read as a question's frame and its candidates are weighed by the
fitted ranker, as for an answer, but from a wider retrieval: a series wants every
article that reports the figure, not the one best passage. A candidate may become a
point when the ranker's answer probability reaches `THRESHOLD` and its figure is a
level of the thing asked (read from the Chinese original; not a change, a plan or the
base of a comparison; of the unit the best candidate has; of no place the query does
not name). The best candidate of each article speaks for it; where several articles
give one year, the latest report is the point and the others are its notes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from index import features, text, words_zh
from index import figures as figs
from index.answer import mistranslation
from index.candidates import Candidate, Pool
from index.model import PRELIMINARY, Flag, Hit, Passage, Point, Series
from index.question import years_in
from index.ranker import Ranker

# Passages read from each search (the query's language and the lexicon's translation). A series
# wants every report of the figure, not the best: a national figure is reported once or twice a
# year, so 50 years of it are far fewer passages than this; more passages cost ranking time
# (docs/BENCHMARKS.md) and add only weaker candidates.
PASSAGES = 200
# The ranker's answer probability a candidate must reach to be a point: chosen on the train and
# dev questions (docs/SERIES.md, `index.series_threshold`).
THRESHOLD = 0.154


NOT_LEVELS = ("bare", "date", "none")  # unit families that measure nothing alone
# The features that say a figure is something other than a level: a change, the base of a comparison, a plan,
# a slogan in quotation marks.
OTHER_THAN_LEVEL = (features.figure_is_change, features.figure_is_base, features.figure_is_target,
                    features.figure_quoted)  # fmt: skip


def probability(ranker: Ranker, score: float) -> float:
    """The ranker's answer probability for a candidate, claiming no lead over a rival: a series has a
    right candidate for every year, so the next candidate says nothing about this one."""
    return ranker.answer.probability(score, None)


def measures(candidate: Candidate) -> bool:
    """The candidate has a figure of the original in a unit that measures something: what may be a point at all
    (the engine weighs no other candidate for a series)."""
    figure = candidate.figure
    return figure is not None and figure.lang == "zh" and features.unit_class(figure) not in NOT_LEVELS


def is_level(pool: Pool, candidate: Candidate) -> bool:
    """The candidate's figure is a level of what the query names, read from the original: not a change,
    a plan, the base of a comparison, a slogan, a date or a bare number; and, when the query names no place,
    of no place named in its clause (a province's output is not the nation's)."""
    if not measures(candidate):
        return False
    if any(is_other(pool, candidate) for is_other in OTHER_THAN_LEVEL):
        return False
    return bool(pool.frame.entities) or not text.entities(features.clause_before(pool, candidate), "zh")


Passages = Callable[[str], tuple[Passage, ...]]  # an article's passages, by its id


def build(pool: Pool, ranked: list[tuple[float, Candidate]], ranker: Ranker, passages: Passages, lang: str,
          start: int | None = None, end: int | None = None) -> Series:  # fmt: skip
    """The series from the query's scored candidates, between the years `start` and `end` when given;
    `passages` reads an article's passages (for the year of a figure whose sentence names none)."""
    kept = [(p, c) for s, c in ranked if (p := probability(ranker, s)) >= THRESHOLD and is_level(pool, c)]
    if not kept:
        return Series(pool.frame.text, lang, "")
    kept.sort(key=lambda pc: -pc[0])
    unit = _unit(kept[0][1])  # the unit of the likeliest figure: the thing the query names is counted in it
    best: dict[tuple[int, str], tuple[float, Candidate]] = {}  # (year, article) -> its likeliest candidate
    for p, c in kept:
        year = _year(c, passages)
        if _unit(c) == unit and (start is None or year >= start) and (end is None or year <= end):
            best.setdefault((year, c.found.article.id), (p, c))
    by_year: dict[int, list[Point]] = defaultdict(list)
    for (year, _), (p, c) in best.items():
        by_year[year].append(_point(year, p, c))
    points = []
    for year in sorted(by_year):
        latest, *earlier = sorted(by_year[year], key=lambda pt: (pt.hit.article.date, pt.hit.score), reverse=True)
        points.append(replace(latest, others=tuple(earlier)))
    return Series(pool.frame.text, lang, unit, tuple(points))


def _unit(candidate: Candidate) -> str:
    assert candidate.figure is not None
    return figs.in_common_unit(candidate.figure)[1]


def _year(candidate: Candidate, passages: Passages) -> int:
    """The year the figure is of: the one its sentence names; else the one the article last spoke of before
    it (这一年 after a paragraph on 1958; comparison bases left out), nearest text first, where that text names
    one year alone; else the article's year."""
    figure, found = candidate.figure, candidate.found
    assert figure is not None
    if figure.year:
        return figure.year
    published = found.article.date.year
    before = [p.zh for p in passages(found.article.id) if p.kind == "body" and p.position < found.passage.position]
    for earlier in [found.passage.zh[: figure.span[0]], *reversed(before)]:
        named = years_in(earlier, published, "zh", with_bases=False)
        if len(named) == 1:
            return named.pop()
        if named:
            break
    return published


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
