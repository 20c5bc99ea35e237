"""Answer data -> what a person reads: Telegram HTML, terminal text and the CLI's JSON.

The index hands over data (figure, passage in each language, the spans of the
cited figure, citation fields, flags); every word around it comes from
bot/i18n.py. Telegram answers are phone-sized: the figure, the sentence or two
that state it with "…" where cut, the figure in bold, the citation; the whole
passage and the article are one tap away. Archive and user text always passes
through `escape`; the only tags produced are b and i.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from bot.i18n import t
from bot.render import escape, split_html
from index import figures as figs
from index.answer import corrected, figure_text, mistranslation
from index.engine import Stats
from index.model import (
    MISTRANSLATED,
    PRELIMINARY,
    Answer,
    Article,
    Comparison,
    FigureHit,
    Flag,
    Hit,
    Passage,
    Point,
    Series,
)

# About six lines of a phone screen: room for a sentence that states a figure and a little
# of the next; a longer sentence is cut around the figure.
SNIPPET_CHARS = 280
ELLIPSIS = "…"
TITLE_LIMIT = 100  # what Telegram shows of an inline result's title
DESCRIPTION_LIMIT = 200  # and of its description
PASSAGE_SLACK = 4  # passages read beyond an article's shown text, for figures at its end
# A sentence ends at 。！？； or at . ! ? ; followed by a space or the end: "2.5" is one number.
_SENTENCE_END = re.compile(r"[。！？；]|[.!?;](?=\s|$)")


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


# -- citations and flags --------------------------------------------------------


def _date(article: Article, lang: str) -> str:
    day = article.date
    return t("cite_date", lang, iso=day.isoformat(), year=day.year, month=day.month, day=day.day)


def citation(article: Article, lang: str, title: bool = True) -> str:
    """People's Daily, 1989-08-29, page 4: Title — Authors / 《人民日报》1989年8月29日第4版：标题（作者）;
    without the title under an article that shows it already."""
    authors = article.authors_zh if lang == "zh" else article.authors_en
    values = {
        "paper": t("paper", lang),
        "date": _date(article, lang),
        "page": t("cite_page", lang, page=article.page) if article.page else "",
        "authors": t("cite_authors", lang, names=t("authors_joiner", lang).join(authors)) if authors else "",
    }
    if not title:
        return t("cite_source", lang, **values)
    heading = (article.title_zh or article.title_en) if lang == "zh" else (article.title_en or article.title_zh)
    return t("cite", lang, title=heading, **values)


def citation_json(article: Article, lang: str) -> dict[str, Any]:
    """The answer's JSON `citation`: the fields, and the sentence a user reads."""
    return {
        "paper": t("paper", lang),
        "date": article.date.isoformat(),
        "page": article.page,
        "title": article.title_en if lang == "en" else article.title_zh,
        "authors": list(article.authors_en if lang == "en" else article.authors_zh),
        "text": citation(article, lang),
    }


def flag_text(flag: Flag, lang: str) -> str:
    """The sentence for a flag of the index."""
    values = dict(flag.values)
    return t(flag.code, lang, **values)


# -- the passage, and the part of it a phone shows -------------------------------


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of the sentences of `text`; a decimal point is not a sentence end."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.end()))
        start = end.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _grow(spans: list[tuple[int, int]], first: int, last: int) -> tuple[int, int]:
    """Adds the next sentence, else the one before, while the window stays phone-sized."""
    while True:
        width = spans[last][1] - spans[first][0]
        if last + 1 < len(spans) and width + spans[last + 1][1] - spans[last + 1][0] <= SNIPPET_CHARS:
            last += 1
        elif first > 0 and width + spans[first - 1][1] - spans[first - 1][0] <= SNIPPET_CHARS:
            first -= 1
        else:
            return spans[first][0], spans[last][1]


def snippet(text: str, marks: list[tuple[int, int]]) -> tuple[int, int]:
    """The window of `text` a phone shows: the sentence holding the first mark (the first
    sentence without one), grown by whole sentences; a sentence too long alone is cut around the mark."""
    spans = sentences(text)
    anchor = marks[0] if marks else (0, 0)
    index = next((i for i, (a, b) in enumerate(spans) if a <= anchor[0] < b), 0)
    start, end = _grow(spans, index, index)
    if end - start <= SNIPPET_CHARS:
        return start, end
    start = max(start, min(anchor[0] - SNIPPET_CHARS // 2, end - SNIPPET_CHARS))
    return start, max(min(end, start + SNIPPET_CHARS), anchor[1])


def marked(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """text[start:end] as HTML, the marks inside it in bold."""
    out, pos = [], start
    for a, b in sorted(marks):
        if a < pos or b > end:
            continue  # outside the window, or overlapping a mark already made
        out.append(f"{escape(text[pos:a])}<b>{escape(text[a:b])}</b>")
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


def shown_side(answer: Answer, view: str | None = None) -> str:
    """The language of the passage shown: the view asked for (default the answer's), when the passage has it."""
    wanted = view or answer.lang
    return wanted if answer.passage(wanted) else other(wanted)


def is_cut(answer: Answer, view: str | None = None) -> bool:
    """Does the phone-sized answer show less than the whole passage?"""
    text = answer.passage(shown_side(answer, view))
    start, end = snippet(text, answer.spans(shown_side(answer, view)))
    return bool(text[:start].strip() or text[end:].strip())


def _passage_html(answer: Answer, shown: str, whole: bool) -> str:
    text = answer.passage(shown)
    marks = answer.spans(shown)
    start, end = (0, len(text)) if whole else snippet(text, marks)
    gap = " " if shown == "en" else ""  # "figure. …", as English sets it; "。……" has no space
    head = ELLIPSIS + gap if text[:start].strip() else ""
    tail = gap + ELLIPSIS if text[end:].strip() else ""
    while start < end and text[start].isspace():
        start += 1
    return head + marked(text, start, end, marks).rstrip() + tail


def _side_label(answer: Answer, shown: str, view: str | None) -> tuple[str, str]:
    """(a label before, a note after) the passage when it is not in the answer's language."""
    if shown == answer.lang:
        return "", ""
    if view is not None and answer.passage(view):
        return t("shown_original" if shown == "zh" else "shown_translation", answer.lang) + "\n", ""
    return "", "\n" + t("other_side", answer.lang)


def answer_html(answer: Answer, view: str | None = None, whole: bool = False) -> str:
    """The reply to a question as Telegram HTML: phone-sized, or the whole passage when `whole`.
    `view` picks the passage's language (default: the answer's)."""
    lang = answer.lang
    notes = [escape(flag_text(f, lang)) for f in answer.warnings]
    if not answer.found or answer.hit is None:
        return "\n\n".join([escape(t("not_found", lang)), *notes])
    shown = shown_side(answer, view)
    label, note = _side_label(answer, shown, view)
    lines = [f"<b>{escape(answer.figure_text)}</b>"] if answer.figure_text else []
    lines.append(label + _passage_html(answer, shown, whole) + escape(note))
    lines += ["", f"<i>{escape(citation(answer.hit.article, lang))}</i>"]
    lines += [f"⚠️ {n}" for n in notes]
    return "\n".join(lines)


def years(stats: Stats) -> str:
    """The years the archive covers: "1946–2003", or one year."""
    first, last = (d.year if d else None for d in (stats.first_date, stats.last_date))
    if first is None or last is None:
        return "-"
    return str(first) if first == last else f"{first}–{last}"


def about(stats: Stats, lang: str) -> str:
    """What /about and `archive-bot info` say about the archive."""
    return t("about", lang, articles=stats.articles, passages=stats.passages, figures=stats.figures,
             first=stats.first_date or "-", last=stats.last_date or "-")  # fmt: skip


# -- terminal text and JSON -------------------------------------------------------


def passage_text(hit: Hit, lang: str) -> str:
    """A passage in `lang` (English corrected), else its other side."""
    passage = hit.passage
    english = corrected(passage.en, passage.figures)
    own, rest = (passage.zh, english) if lang == "zh" else (english, passage.zh)
    return own or rest


def text(answer: Answer) -> str:
    """The whole answer as a terminal shows it, and as the JSON `answer` carries it."""
    lang = answer.lang
    notes = [t("note", lang, text=flag_text(f, lang)) for f in answer.warnings]
    if not answer.found or answer.hit is None:
        return "\n\n".join([t("not_found", lang), *notes])
    shown = shown_side(answer)
    passage = answer.passage(shown) + ("\n" + t("other_side", lang) if shown != lang else "")
    parts = [answer.figure_text, passage, t("cite_lead", lang) + citation(answer.hit.article, lang), *notes]
    return "\n\n".join(p for p in parts if p)


def as_json(answer: Answer) -> dict[str, Any]:
    """The JSON contract of DESIGN.md."""
    data: dict[str, Any] = {"found": answer.found, "lang": answer.lang, "question": answer.question,
                            "answer": text(answer)}  # fmt: skip
    if not answer.found or answer.hit is None:
        return data
    hit = answer.hit
    data.update(
        source=hit.article.source,
        archive=hit.article.archive,
        article=hit.article.id,
        passage=passage_text(hit, answer.lang),
        passage_en=hit.passage.en,
        passage_zh=hit.passage.zh,
        figure={**figs.as_json(answer.figure), "text": answer.figure_text} if answer.figure else None,
        citation=citation_json(hit.article, answer.lang),
        warnings=[flag_text(f, answer.lang) for f in answer.warnings],
        score=round(hit.score, 3),
        alternatives=[
            {"source": a.article.source, "archive": a.article.archive, "passage": passage_text(a, answer.lang),
             "score": round(a.score, 3)}
            for a in answer.alternatives
        ],
    )
    return data


@dataclass(frozen=True)
class Told:
    """An answer with the text its reader gets: what `archive-bot eval` judges."""

    answer: Answer
    text: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.answer, name)


def told(answer: Answer) -> Told:
    return Told(answer, text(answer))


# -- articles ------------------------------------------------------------------------


def _first_chars(paragraphs: list[str], limit: int | None) -> tuple[list[str], int]:
    """The paragraphs up to `limit` characters in all (the last one cut), and how many
    characters there were in all; linear in what is kept, whatever the article's size."""
    total = sum(map(len, paragraphs))
    if limit is None or total <= limit:
        return paragraphs, total
    kept: list[str] = []
    room = limit
    for paragraph in paragraphs:
        if room <= 0:
            break
        kept.append(paragraph[:room])
        room -= len(kept[-1])
    return kept, total


def _passages_for(passages: tuple[Passage, ...], shown: int | None) -> tuple[Passage, ...]:
    """The passages that can hold a figure of the first `shown` characters: those up to that
    much English text, and a few more for a paragraph cut into passages differently."""
    if shown is None:
        return passages
    length = 0
    for i, passage in enumerate(passages):
        length += len(passage.en)
        if length >= shown:
            return passages[: i + PASSAGE_SLACK]
    return passages


def article_html(article: Article, passages: tuple[Passage, ...], lang: str, shown: int | None = None) -> list[str]:
    """A whole article in `lang` (the other language, marked, when that side is missing), split;
    at most `shown` characters of its text, then a note. The title once, then where it was
    printed; photo captions (Chinese only in the archive) in the Chinese view. `passages` (the
    article's) tell which English figures were mistranslated."""
    own = article.paragraphs_zh if lang == "zh" else article.paragraphs_en
    paragraphs = list(own or (article.paragraphs_en if lang == "zh" else article.paragraphs_zh))
    english_shown = bool(paragraphs) and (lang == "en") == bool(own)
    captions = [f"📷 {c}" for c in article.captions_zh] if lang == "zh" or not own else []
    text_parts = paragraphs + captions
    kept, total = _first_chars(text_parts, shown)
    if english_shown:
        found = [f for p in _passages_for(passages, shown) for f in p.figures]
        kept = [corrected(p, found) if i < len(paragraphs) else p for i, p in enumerate(kept)]
    title = (article.title_zh or article.title_en) if lang == "zh" else (article.title_en or article.title_zh)
    head = [f"<b>{escape(title)}</b>", f"<i>{escape(citation(article, lang, title=False))}</i>", ""]
    if not own:
        head.append(escape(t("other_side", lang)))
    body = [escape(p) for p in kept]
    if len(kept) < len(text_parts) or sum(map(len, kept)) < total:
        body.append(f"<i>{escape(t('article_cut', lang, shown=sum(map(len, kept)), total=total))}</i>")
    return split_html("\n".join(head) + "\n\n".join(body))


# -- inline results -------------------------------------------------------------------


def _sentence_index(text: str, needle: str) -> int | None:
    for i, (start, end) in enumerate(sentences(text)):
        if needle and needle in text[start:end]:
            return i
    return None


def _sentence(text: str, index: int) -> str:
    spans = sentences(text)
    start, end = spans[min(index, len(spans) - 1)]
    return text[start:end].strip()


def figure_clause(hit: FigureHit, lang: str) -> str:
    """The sentence that states the figure, in `lang` when the passage has that side, a wrong
    translation replaced by the right figure. A figure the other side does not print (three
    ports, 3个港口) is told by the sentence at the same place in `lang`'s side, the sides
    being sentence-aligned translations."""
    figure = hit.figure
    own = hit.passage.zh if lang == "zh" else hit.passage.en
    home = hit.passage.zh if figure.lang == "zh" else hit.passage.en
    at_home = _sentence_index(home, figure.text)
    if not own or figure.lang == lang:
        return _sentence(home, at_home) if at_home is not None else figure.clause
    needle = figure.translation or ""
    found = _sentence_index(own, needle)
    if found is None:
        ratio = len(sentences(own)) / len(sentences(home))
        return _sentence(own, round((at_home or 0) * ratio))
    sentence = _sentence(own, found)
    return sentence.replace(needle, figure_text(figure, lang)) if figure.verified is False else sentence


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def figure_result(hit: FigureHit, lang: str) -> tuple[str, str, str]:
    """An inline result: (title, description, message HTML)."""
    value = figure_text(hit.figure, lang)
    clause = figure_clause(hit, lang)
    page = t("inline_page", lang, page=hit.article.page) if hit.article.page else ""
    description = clip(f"{clause} — {_date(hit.article, lang)}{page}", DESCRIPTION_LIMIT)
    body = marked(clause, 0, len(clause), _spans_of(clause, value))
    lines = [f"<b>{escape(value)}</b>", body, "", f"<i>{escape(citation(hit.article, lang))}</i>"]
    flags = mistranslation(hit.figure) if lang == "en" else ()  # a Chinese post shows the original
    lines += [f"⚠️ {escape(flag_text(flag, lang))}" for flag in flags]
    return clip(value, TITLE_LIMIT) or "?", description, split_html("\n".join(lines))[0]


def _spans_of(text: str, needle: str) -> list[tuple[int, int]]:
    start = text.find(needle) if needle else -1
    return [(start, start + len(needle))] if start >= 0 else []


# -- series: a figure over the years ------------------------------------------------------


def point_value(point: Point, series: Series, lang: str) -> str:
    """A point's value in the series' unit: "405 million tons", "4.05亿吨"."""
    return figs.quantity(point.value, series.unit, lang)


def point_qualifier(point: Point, lang: str) -> str:
    """What qualifies a point: its printed qualifier (多, 近, about) and whether it is preliminary; "" for
    an exact final figure."""
    words = (
        [t(f"qualifier_{point.figure.qualifier.replace(' ', '_')}", lang)] if point.figure.qualifier != "exact" else []
    )
    words += [t("preliminary", lang)] * any(f.code == PRELIMINARY for f in point.flags)
    return ", ".join(words) if lang == "en" else "，".join(words)


def point_notes(point: Point, series: Series, lang: str) -> list[str]:
    """The notes under a point: its mistranslation (an English reader's) and the other reports of its year."""
    shown = [f for f in point.flags if f.code == MISTRANSLATED and lang == "en"]
    notes = [flag_text(f, lang) for f in shown]
    notes += [
        t("series_other", lang, value=point_value(o, series, lang), source=citation(o.hit.article, lang))
        for o in point.others
    ]
    return notes


def series_title(series: Series, lang: str) -> str:
    years = [p.year for p in series.points]
    if years and years[0] != years[-1]:
        return t("series_title", lang, query=series.query, first=years[0], last=years[-1])
    return t("series_title_one", lang, query=series.query, first=years[0]) if years else series.query


def series_none(series: Series, lang: str, start: int | None = None, end: int | None = None) -> str:
    if start is None and end is None:
        return t("series_none", lang, query=series.query)
    return t("series_none_between", lang, query=series.query, start=start or "…", end=end or "…")


def series_text(series: Series, lang: str) -> str:
    """The series as a terminal table: year, value, qualifier, source; notes under their point."""
    head = [t(k, lang) for k in ("series_year", "series_value", "series_qualifier", "series_source")]
    rows = [head] + [
        [str(p.year), point_value(p, series, lang), point_qualifier(p, lang) or "-", citation(p.hit.article, lang)]
        for p in series.points
    ]
    columns = [max(width(r[k]) for r in rows) for k in range(3)]
    lines = [series_title(series, lang), ""]
    for k, row in enumerate(rows):
        lines.append("  ".join([*(_pad(cell, columns[i]) for i, cell in enumerate(row[:3])), row[3]]).rstrip())
        if k:
            lines += [
                f"{' ' * (columns[0] + 2)}{t('note', lang, text=n)}"
                for n in point_notes(series.points[k - 1], series, lang)
            ]
    return "\n".join(lines)


def width(cell: str) -> int:
    """Columns a cell takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in cell)


def _pad(cell: str, columns: int) -> str:
    return cell + " " * (columns - width(cell))


def series_json(series: Series) -> dict[str, Any]:
    """The series for scripts: each point with its figure as printed, source and notes."""
    lang = series.lang
    return {
        "query": series.query,
        "lang": lang,
        "unit": series.unit,
        "title": series_title(series, lang),
        "points": [_point_json(p, series) for p in series.points],
    }


def _point_json(point: Point, series: Series) -> dict[str, Any]:
    lang = series.lang
    return {
        "year": point.year,
        "value": point.value,
        "text": point_value(point, series, lang),
        "qualifier": point.figure.qualifier,
        "preliminary": any(f.code == PRELIMINARY for f in point.flags),
        "figure": figs.as_json(point.figure),
        "source": point.hit.article.source,
        "article": point.hit.article.id,
        "passage_zh": point.hit.passage.zh,
        "citation": citation_json(point.hit.article, lang),
        "score": round(point.hit.score, 3),
        "warnings": [flag_text(f, lang) for f in point.flags if f.code == MISTRANSLATED],
        "others": [_point_json(o, series) for o in point.others],
    }


# -- charts, sources and comparisons: what a question about years gets ---------------------

# Characters of the query a caption repeats: the chart's own title carries it whole.
CAPTION_WHAT = 80
RATIO_PLACES = 2  # "2.07 times": finer than the reports' own rounding would be noise


def series_years(series: Series, lang: str) -> str:
    """The years a series covers: "1949–1958", "1949—1958", or one year."""
    first, last = series.points[0].year, series.points[-1].year
    return str(first) if first == last else t("year_span", lang, first=first, last=last)


def caption(series: Series, lang: str) -> str:
    """Two lines: what, in what unit; the years covered and how many reports."""
    reports = sum(1 + len(p.others) for p in series.points)
    key = "chart_caption_one" if reports == 1 else "chart_caption"
    return t(key, lang, what=clip(series.query, CAPTION_WHAT), unit=figs.unit_name(series.unit, lang),
             years=series_years(series, lang), reports=reports)  # fmt: skip


def chart_caption(series: Series, lang: str) -> str:
    """The caption under a chart, as Telegram HTML."""
    return escape(caption(series, lang))


def _qualified(point: Point, series: Series, lang: str) -> str:
    """"1957: 5.35 million tons (over)" / "1957年：535万吨（多）"."""
    value = t("point", lang, year=point.year, value=point_value(point, series, lang))
    qualifier = point_qualifier(point, lang)
    if not qualifier:
        return value
    return f"{value} ({qualifier})" if lang == "en" else f"{value}（{qualifier}）"


def _point_html(point: Point, series: Series, lang: str) -> str:
    """A point in bold, its citation, and its notes."""
    lines = [f"<b>{escape(_qualified(point, series, lang))}</b>", f"<i>{escape(citation(point.hit.article, lang))}</i>"]
    return "\n".join(lines + [f"⚠️ {escape(note)}" for note in point_notes(point, series, lang)])


def sources_html(series: Series, lang: str) -> str:
    """What a chart's sources button shows: each point with its citation and notes, oldest first."""
    blocks = [_point_html(p, series, lang) for p in series.points]
    return "\n\n".join([f"<b>{escape(series_title(series, lang))}</b>", *blocks])


def _difference(comparison: Comparison, lang: str) -> str:
    """The difference and the ratio of a comparison, the later year against the earlier."""
    earlier, later = comparison.earlier.year, comparison.later.year
    difference = comparison.difference
    key = "compare_more" if difference > 0 else "compare_less" if difference < 0 else "compare_same"
    amount = figs.quantity(abs(difference), comparison.series.unit, lang)
    said = [t(key, lang, later=later, earlier=earlier, amount=amount)]
    if comparison.ratio is not None and difference:
        ratio = f"{comparison.ratio:.{RATIO_PLACES}f}".rstrip("0").rstrip(".")
        said.append(t("compare_ratio", lang, later=later, earlier=earlier, ratio=ratio))
    return (" " if lang == "en" else "").join(said)


def _compared(comparison: Comparison) -> tuple[Point, Point]:
    """The two points of a comparison without their years' other reports: those are the sources list's
    business; a comparison stays phone-sized with the two figures it sets side by side."""
    return replace(comparison.earlier, others=()), replace(comparison.later, others=())


def comparison_html(comparison: Comparison) -> str:
    """Both figures, each with its citation and notes, then the difference and the ratio: phone-sized."""
    series = comparison.series
    blocks = [_point_html(p, series, series.lang) for p in _compared(comparison)]
    return "\n\n".join([*blocks, escape(_difference(comparison, series.lang))])


def comparison_text(comparison: Comparison) -> str:
    """A comparison in a terminal: both figures with citations and notes, the difference and the ratio."""
    series, lang = comparison.series, comparison.series.lang
    blocks = []
    for point in _compared(comparison):
        notes = [t("note", lang, text=note) for note in point_notes(point, series, lang)]
        cited = t("cite_lead", lang) + citation(point.hit.article, lang)
        blocks.append("\n".join([_qualified(point, series, lang), cited, *notes]))
    return "\n\n".join([*blocks, _difference(comparison, lang)])


def reply_text(reply: Answer | Series | Comparison) -> str:
    """What a terminal shows for any reply. A terminal shows no picture: a series is its table and the
    command that draws its chart."""
    if isinstance(reply, Series):
        first, last = reply.points[0].year, reply.points[-1].year
        hint = t("chart_hint", reply.lang, query=reply.query, first=first, last=last)
        return f"{series_text(reply, reply.lang)}\n\n{hint}"
    if isinstance(reply, Comparison):
        return comparison_text(reply)
    return text(reply)


def reply_json(reply: Answer | Series | Comparison) -> dict[str, Any]:
    """The JSON of any reply: an answer's contract (DESIGN.md); a series or a comparison with `found`,
    `lang`, `question` and `answer` as an answer has them, and its points."""
    if isinstance(reply, Answer):
        return as_json(reply)
    series = reply.series if isinstance(reply, Comparison) else reply
    data: dict[str, Any] = {"found": True, "lang": series.lang, "question": series.query, "answer": reply_text(reply),
                            "series": series_json(series)}  # fmt: skip
    if isinstance(reply, Comparison):
        data.update(difference=reply.difference, ratio=reply.ratio)
    return data
