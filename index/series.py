"""A figure across the archive: one point a year, each from the report that gives it.

A query is read as a question's frame, and its candidates come from a wider retrieval than an answer's: a series
wants every article that reports the figure, not the one best passage. Which figures belong to the series is a
definition (index.membership: the query's thing at its scope), with what makes a figure one year's level (a unit
that measures, of the unit the ranker's answers favour over the years; not a ratio, a time, a change, a plan, a
figure per person, over several years, of part of a year or of another flow than output, unless asked). Among
the members of a year the fitted ranker chooses, as for an answer: the best scored candidate of each article
speaks for it; where several articles give one year, the latest report is the point and the others its notes.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from index import features, membership, words_en, words_zh
from index import figures as figs
from index.answer import mistranslation, noun_after
from index.candidates import Candidate, Pool
from index.membership import Subject
from index.model import PRELIMINARY, Flag, Hit, Passage, Point, Series
from index.question import Frame, years_in
from index.ranker import Ranker
from index.text import Analyzer, fold

# Passages read from each search (the query's language and the lexicon's translation). A series
# wants every report of the figure, not the best: a national figure is reported once or twice a
# year, so 50 years of it are far fewer passages than this; more passages cost ranking time
# (docs/BENCHMARKS.md) and add only weaker candidates.
PASSAGES = 200


NOT_LEVELS = ("bare", "date", "none")  # unit families that measure nothing alone
# Unit families that are a level only of a series that asks for them (the frame's kind): a ratio (54%, 一倍) of
# one that asks a rate, a time (五十九年, 27天) of one that asks a duration. An output is counted in neither.
ASKED_ONLY = {"share": "share", "times": "share", "duration": "duration"}


def weighed(pool: Pool, ranker: Ranker, groups: dict[int, list[Candidate]]) -> tuple[str, dict[int, Weighed]]:
    """The series' unit and, for each year, its candidates of that unit, best scored first, each with the
    probability the ranker gives it as the answer to the query asked of that year (features worked out for the
    query's frame with that year; the lead over the year's next candidate of the unit: a series point is the
    answer the bot would give for its year, knowing what the series counts in).

    The unit is the one the ranker's answers favour over the years: each year's share of the scorer's softmax
    that falls on the unit's candidates, summed over the years. One likely figure of another unit (a share, the
    value of output) does not make a series of it; what the query names is counted in one unit year after year.
    The softmax of the scores, not the calibrated probability: the scorer is the listwise model, and it ranks
    the candidates of one list; a calibrator judges whether a best candidate is right, and for the unusual
    candidate of a year with few may judge a weak one likelier than a strong one elsewhere."""
    ranked = {year: _ranked(pool, ranker, year, group) for year, group in groups.items()}
    votes: dict[str, float] = defaultdict(float)
    for year_ranked in ranked.values():
        top = year_ranked[0][0]
        weights = [math.exp(score - top) for score, _, _ in year_ranked]
        total = sum(weights)
        for weight, (_, c, _) in zip(weights, year_ranked, strict=True):
            votes[_unit(c)] += weight / total
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


def is_level(pool: Pool, candidate: Candidate, subject: Subject) -> bool:
    """The candidate's figure may be a point: read from the original in a unit that measures (not a date or a
    bare number), one year's level (years_level) and a member of the series, of the query's thing at its scope
    (index.membership). Among the levels of a year the ranker chooses, as it does for any question."""
    return (measures(candidate) and years_level(pool.frame, candidate, subject.analyzer)
            and membership.member(subject, candidate))  # fmt: skip


def years_level(frame: Frame, candidate: Candidate, analyzer: Analyzer) -> bool:
    """The figure is one year's level, unless the query asks for another kind of figure: not a ratio or a time
    (ASKED_ONLY: a share is never the level of an output) nor a rank; not a change (is_change) or a plan or goal
    (is_plan), as its clause or the noun after it says (一○七○万吨钢产量计划); not per person, area or day, over
    several years, of part of a year or of a flow other than output (OTHER_MEASURES), as its lead says
    (membership.lead)."""
    if ASKED_ONLY.get(features.unit_class(candidate.figure), frame.kind) != frame.kind:
        return False
    if features.is_rank(candidate.figure) and not frame.rank:  # 第四位 is no steel output
        return False
    clause = fold(membership.leading_text(candidate, membership.CLAUSE_END))
    planned = is_plan(clause) or is_plan("".join(noun_after(candidate.figure, candidate.found.passage, analyzer)))
    if (is_change(clause) and not frame.change) or (planned and not frame.target):
        return False
    return not other_measures(membership.lead(candidate, analyzer), "zh") - other_measures(frame.text, frame.lang)


def is_plan(clause: str) -> bool:
    """The figure its clause leads to is a plan or a goal (计划, 目标, 力争), not an estimate of what came about
    (预计, 估计: a preliminary point)."""
    return bool(re.search(words_zh.TARGET, re.sub(words_zh.PRELIMINARY, "", clause)))


def is_change(clause: str) -> bool:
    """The figure its clause leads to is a change (比去年增加1000万吨), not the level reached (增长到九十八万斤)."""
    changes = list(re.finditer(words_zh.CHANGE, clause))
    return bool(changes) and not re.search(words_zh.CHANGE_TO, clause[changes[-1].end() :])


# What a figure may measure besides a year's output, by the words that say so, in the same order in each language:
# per person, area or day; over several years; part of a year; a flow other than output (sales, trade, stocks).
OTHER_MEASURES = {lang: (words.PER_UNIT, words.SEVERAL_YEARS, words.PART_OF_YEAR, words.OTHER_FLOWS)
                  for lang, words in (("en", words_en), ("zh", words_zh))}  # fmt: skip


def other_measures(text: str, lang: str) -> set[int]:
    """The OTHER_MEASURES a text speaks of, by their place (人均, per capita; 累计; 上半年; 交售, exports)."""
    return {k for k, words in enumerate(OTHER_MEASURES[lang]) if re.search(words, fold(text))}


Passages = Callable[[str], tuple[Passage, ...]]  # an article's passages, by its id


def by_year(pool: Pool, subject: Subject, passages: Passages, start: int | None = None,
            end: int | None = None) -> dict[int, list[Candidate]]:  # fmt: skip
    """The level candidates of the query (see is_level) by the year they are of, between `start` and `end`;
    `passages` reads an article's passages (for the year of a figure whose sentence names none)."""
    groups: dict[int, list[Candidate]] = defaultdict(list)
    passages = cache(passages)  # many candidates of one article may need its earlier passages
    for c in pool.candidates:
        if is_level(pool, c, subject):
            year = year_of(c, passages)
            if year is not None and (start is None or year >= start) and (end is None or year <= end):
                groups[year].append(c)
    return groups


def build(pool: Pool, ranker: Ranker, groups: dict[int, list[Candidate]], lang: str) -> Series:
    """The series: of each year's candidates (by_year) of the series' unit, the best scored of each article
    as that year's answer; one point a year."""
    unit, years = weighed(pool, ranker, groups)
    best: dict[tuple[int, str], tuple[float, Candidate]] = {}  # (year, article) -> its best scored candidate
    for year, sure in years.items():
        for p, c in sure:
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


def year_of(candidate: Candidate, passages: Passages) -> int | None:
    """The year the figure is of: where a change starts (钢产量从五百三十五万吨提高到…), the year named there or none;
    the one its sentence names; none when its sentence puts it at an earlier time it does not date (三中全会以前);
    else the one the article last spoke of before it (这一年 after a paragraph on
    1958; comparison bases left out), nearest text first, where that text names one year alone; else the
    article's year."""
    figure, found = candidate.figure, candidate.found
    assert figure is not None
    published = found.article.date.year
    start = _change_start(candidate)
    if start is not None:
        named = years_in(start, published, "zh")
        return named.pop() if len(named) == 1 else None
    base = _base_year(candidate, published)
    if base or figure.year:
        return base or figure.year
    if re.search(words_zh.UNDATED_PAST, membership.leading_text(candidate, membership.SENTENCE_END)):
        return None
    before = [p.zh for p in passages(found.article.id) if p.kind == "body" and p.position < found.passage.position]
    for earlier in [found.passage.zh[: figure.span[0]], *reversed(before)]:
        named = years_in(earlier, published, "zh", with_bases=False)
        if len(named) == 1:
            return named.pop()
        if named:
            break
    return published


def _change_start(candidate: Candidate) -> str | None:
    """The words from 从 or 由 to the figure when the figure is where a change starts (从五百三十五万吨提高到,
    由去年的八十三万八千多斤增长到): the value of an earlier time, not of the year its sentence names."""
    lead = membership.leading_text(candidate, membership.CLAUSE_END)[-FROM_REACH:]
    starts = list(_FROM.finditer(lead))
    return lead[starts[-1].start() :] if starts else None


def _base_year(candidate: Candidate, published: int) -> int | None:
    """The year of a comparison's base when the figure is that base's value (比1957年的钢产量五百三十五万吨):
    a base year alone in the clause before the figure, no change word between (比上年增长6.7％ is a change)."""
    figure = candidate.figure
    assert figure is not None
    clause = figure.clause[: max(figure.clause.find(figure.text), 0)]
    bases = years_in(clause, published, "zh") - years_in(clause, published, "zh", with_bases=False)
    return bases.pop() if len(bases) == 1 and not re.search(words_zh.CHANGE, clause) else None


FROM_REACH = 8  # characters before a figure read for the 从 or 由 a change starts from: 由去年的, 从1957年的
_FROM = re.compile(words_zh.FROM + r"(?!于|而)")  # not 由于 (because), 从而 (thus)


def is_preliminary(candidate: Candidate) -> bool:
    """The figure's sentence calls it an early count or an estimate (初步统计, 预计, 可达)."""
    figure = candidate.figure
    assert figure is not None
    zh = candidate.found.passage.zh
    start = max((m.end() for m in membership.SENTENCE_END.finditer(zh, 0, figure.span[0])), default=0)
    stop = membership.SENTENCE_END.search(zh, figure.span[1])
    return bool(re.search(words_zh.PRELIMINARY, zh[start : stop.start() if stop else len(zh)]))


def _point(year: int, p: float, candidate: Candidate) -> Point:
    figure = candidate.figure
    assert figure is not None
    value, _ = figs.in_common_unit(figure)
    hit = Hit(candidate.found.passage, candidate.found.article, p)
    flags = (*mistranslation(figure), *((Flag(PRELIMINARY),) if is_preliminary(candidate) else ()))
    return Point(year, value, figure, hit, flags)
