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

from index import features, text, words_zh
from index import figures as figs
from index.answer import mistranslation
from index.candidates import Candidate, Pool
from index.model import PRELIMINARY, Flag, Hit, Point, Series
from index.ranker import Ranker

# Passages read from each search (the query's language and the lexicon's translation). A series
# wants every report of the figure, not the best: a national figure is reported once or twice a
# year, so 50 years of it are far fewer passages than this; more passages cost ranking time
# (docs/BENCHMARKS.md) and add only weaker candidates.
PASSAGES = 200
# The ranker's answer probability a candidate must reach to be a point: chosen on the train and
# dev questions (docs/SERIES.md, `index.series_threshold`).
THRESHOLD = 0.2


def probability(ranker: Ranker, score: float) -> float:
    """The ranker's answer probability for a candidate, claiming no lead over a rival: a series has a
    right candidate for every year, so the next candidate says nothing about this one."""
    return ranker.answer.probability(score, None)


def is_level(pool: Pool, candidate: Candidate) -> bool:
    """The candidate's figure is a level of what the query names, read from the original: not a change,
    a plan, the base of a comparison, a date or a bare number, and of no place the query does not name."""
    figure = candidate.figure
    if figure is None or figure.lang != "zh" or features.unit_class(figure) in ("bare", "date", "none"):
        return False
    if any(
        f(pool, candidate)
        for f in (features.figure_is_change, features.figure_is_base, features.figure_is_target, features.figure_quoted)
    ):
        return False
    named = text.entities(features.lead_segment(pool, candidate), "zh")
    return bool(pool.frame.entities) or not named


def build(
    pool: Pool,
    ranked: list[tuple[float, Candidate]],
    ranker: Ranker,
    lang: str,
    start: int | None = None,
    end: int | None = None,
) -> Series:
    """The series from the query's scored candidates."""
    kept = sorted(((probability(ranker, s), c) for s, c in ranked if is_level(pool, c)), key=lambda pc: -pc[0])
    kept = [(p, c) for p, c in kept if p >= THRESHOLD]
    if not kept:
        return Series(pool.frame.text, lang, "")
    unit = figs.in_common_unit(kept[0][1].figure)[1]  # type: ignore[arg-type]
    best: dict[tuple[int, str], tuple[float, Candidate]] = {}
    for p, c in kept:
        year = _year(c)
        if figs.in_common_unit(c.figure)[1] != unit or (start and year < start) or (end and year > end):  # type: ignore[arg-type]
            continue
        best.setdefault((year, c.found.article.id), (p, c))
    by_year: dict[int, list[tuple[float, Candidate]]] = defaultdict(list)
    for (year, _), pc in best.items():
        by_year[year].append(pc)
    points = []
    for year in sorted(by_year):
        reports = sorted(by_year[year], key=lambda pc: (pc[1].found.article.date, pc[0]), reverse=True)
        first, *rest = (_point(year, p, c) for p, c in reports)
        points.append(Point(first.year, first.value, first.figure, first.hit, first.flags, tuple(rest)))
    return Series(pool.frame.text, lang, unit, tuple(points))


def _year(candidate: Candidate) -> int:
    """The year the figure is of: the one its text names, else its article's."""
    figure = candidate.figure
    assert figure is not None
    return figure.year or candidate.found.article.date.year


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
