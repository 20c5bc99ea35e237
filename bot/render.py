"""Answers, articles and figures as Telegram HTML, within Telegram's limits.

Every piece of archive or user text passes through `escape` here; the only tags
produced are b, u, i. `split_html` cuts long HTML at paragraph ends, never inside
a tag or an entity, closing and reopening the tags that are open at the cut.
"""

from __future__ import annotations

import html
import re

from bot.i18n import t
from index import figures as figs
from index.answer import citation, corrected, figure_text, passage_text
from index.model import Answer, Article, Figure, FigureHit, Passage
from index.text import analyze_en, analyze_zh, detect_lang

MESSAGE_LIMIT = 4096
TITLE_LIMIT = 100
DESCRIPTION_LIMIT = 200

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}")
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)")
_BREAKS = (re.compile(r"\n\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?。！？；;])\s*"), re.compile(r"\s"))
PASSAGE_SLACK = 4  # passages read beyond the shown text, for figures at its end
_CLOSER_RESERVE = 32  # room for the closing tags of a cut part: at most </b></u></i>


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _question_spans(text: str, question: str) -> list[tuple[int, int]]:
    """Where the question's words occur in `text`, read by the analyzers that searched for them."""
    if detect_lang(question) == "zh":
        words = {w for w in analyze_zh(question) if len(w) > 1}
        return [m.span() for w in words for m in re.finditer(re.escape(w), text)]
    terms = set(analyze_en(question))
    return [m.span() for m in _WORD.finditer(text) if terms.intersection(analyze_en(m.group()))]


def _marked(text: str, question: str, figures: list[str]) -> str:
    """`text` as HTML: figures in bold, the question's words underlined."""
    spans = [(m.start(), m.end(), "b") for f in figures if f for m in re.finditer(re.escape(f), text)]
    spans += [(a, b, "u") for a, b in _question_spans(text, question)]
    out, pos = [], 0
    for start, end, tag in sorted(spans, key=lambda span: (span[0], -span[1])):  # longest first
        if start < pos:
            continue  # overlaps a span already marked: the earlier one wins
        out.append(f"{escape(text[pos:start])}<{tag}>{escape(text[start:end])}</{tag}>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def passage_side(passage: Passage, lang: str) -> tuple[str, str]:
    """The passage text in `lang`, else the other side; and the side shown."""
    own, other = (passage.zh, passage.en) if lang == "zh" else (passage.en, passage.zh)
    if own:
        return own, lang
    return other, ("en" if lang == "zh" else "zh")


def _side_note(shown: str, lang: str, chosen: bool) -> str:
    """The label for a passage not in the answer's language."""
    if shown == lang:
        return ""
    if chosen:
        return t("shown_original" if shown == "zh" else "shown_translation", lang) + "\n"
    return t("original" if shown == "zh" else "translation", lang) + " "


def _figure_marks(figure: Figure | None, answer_figure: str, shown: str) -> list[str]:
    """Figure texts to bold in a passage shown in `shown`; a wrong translation is never stressed."""
    if figure is None:
        return []
    marks = [answer_figure]
    if figure.lang == shown:
        marks.append(figure.text)
    elif figure.translation and figure.verified is not False:
        marks.append(figure.translation)
    return marks


def answer_html(answer: Answer, view: str | None = None) -> str:
    """The reply to a question. `view` picks the passage's language (default: the answer's)."""
    if not answer.found or answer.hit is None:
        return escape(answer.text)
    lang = answer.lang
    text, shown = passage_side(answer.hit.passage, view or lang)
    if shown == "en":
        text = passage_text(answer.hit, "en")  # mistranslated figures corrected
    lines = []
    if answer.figure_text:
        lines.append(f"<b>{escape(answer.figure_text)}</b>")
    marks = _figure_marks(answer.figure, answer.figure_text, shown)
    lines.append(_side_note(shown, lang, view is not None) + _marked(text, answer.question, marks))
    lines.append("")
    lines.append(f"<i>{escape(citation(answer.hit.article, lang))}</i>")
    lines.extend(f"⚠️ {escape(w)}" for w in answer.warnings)
    return "\n".join(lines)


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
    at most `shown` characters of its text, then a note. `passages` (the article's) tell which
    English figures were mistranslated."""
    own = article.paragraphs_zh if lang == "zh" else article.paragraphs_en
    paragraphs = list(own or (article.paragraphs_en if lang == "zh" else article.paragraphs_zh))
    english_shown = bool(paragraphs) and (lang == "en") == bool(own)
    text = paragraphs + [f"📷 {c}" for c in article.captions_zh]
    kept, total = _first_chars(text, shown)
    if english_shown:
        figures = [f for p in _passages_for(passages, shown) for f in p.figures]
        kept = [corrected(p, figures) if i < len(paragraphs) else p for i, p in enumerate(kept)]
    title = (article.title_zh or article.title_en) if lang == "zh" else (article.title_en or article.title_zh)
    head = [f"<b>{escape(title)}</b>", f"<i>{escape(citation(article, lang))}</i>", ""]
    if not own:
        head.append(t("original" if lang == "en" else "translation", lang))
    body = [escape(p) for p in kept]
    if len(kept) < len(text) or sum(map(len, kept)) < total:
        body.append(f"<i>{escape(t('article_cut', lang, shown=sum(map(len, kept)), total=total))}</i>")
    return split_html("\n".join(head) + "\n\n".join(body))


def _sentence_with(text: str, needle: str) -> str:
    for sentence in re.split(r"(?<=[.!?。！？；;])\s*", text):
        if needle and needle in sentence:
            return sentence
    return ""


def figure_clause(hit: FigureHit, lang: str) -> str:
    """What the figure measures, in `lang` when the passage has that side, the wrong
    translation of a corrected figure replaced by the right one."""
    figure = hit.figure
    if figure.lang == lang:
        return figure.clause
    side = hit.passage.zh if lang == "zh" else hit.passage.en
    needle = figure.translation or ""
    sentence = _sentence_with(side, needle)
    if not sentence:
        return figure.clause
    return sentence.replace(needle, figure_text(figure, lang)) if figure.verified is False else sentence


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def figure_result(hit: FigureHit, lang: str) -> tuple[str, str, str]:
    """An inline result: (title, description, message HTML)."""
    value = figure_text(hit.figure, lang)
    clause = figure_clause(hit, lang)
    page = f", p. {hit.article.page}" if hit.article.page and lang != "zh" else ""
    if lang == "zh" and hit.article.page:
        page = f" 第{hit.article.page}版"
    description = _clip(f"{clause} — {hit.article.date.isoformat()}{page}", DESCRIPTION_LIMIT)
    lines = [f"<b>{escape(value)}</b>", escape(clause), "", f"<i>{escape(citation(hit.article, lang))}</i>"]
    warning = figs.warning(hit.figure)
    if warning:
        lines.append(f"⚠️ {escape(warning)}")
    return _clip(value, TITLE_LIMIT) or "?", description, split_html("\n".join(lines))[0]


def _open_tags(html_text: str, end: int) -> list[str]:
    """The tags (whole opening tags) still open at position `end`."""
    stack: list[str] = []
    for token in _TOKEN.finditer(html_text, 0, end):
        tag = _TAG.match(token.group())
        if tag and token.group().endswith(">"):
            if not tag.group(1):
                stack.append(token.group())
            elif stack:
                stack.pop()
    return stack


def _safe_cut(html_text: str, budget: int) -> int:
    """The best cut position ≤ budget: the latest paragraph end, else line end,
    sentence end, space, else any position between tokens or inside text."""
    text_ranges = [m.span() for m in _TOKEN.finditer(html_text) if m.group()[0] not in "<&"]
    for pattern in _BREAKS:
        best = 0
        for start, end in text_ranges:
            for m in pattern.finditer(html_text, start, min(end, budget)):
                best = max(best, m.end())
        if best > 0:
            return best
    last = 0
    for token in _TOKEN.finditer(html_text):
        start, end = token.span()
        if end <= budget:
            last = end
        elif token.group()[0] not in "<&" and start < budget:
            return budget
        else:
            break
    return max(last, 1)


def split_html(html_text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`html_text` as messages of at most `limit` UTF-16 units, each with balanced tags."""
    parts: list[str] = []
    rest = html_text.strip()
    while utf16_len(rest) > limit:
        budget = limit - _CLOSER_RESERVE
        while True:
            cut = _safe_cut(rest, budget)
            stack = _open_tags(rest, cut)
            closers = "".join(f"</{_TAG.match(tag).group(2)}>" for tag in reversed(stack))  # type: ignore[union-attr]
            head = rest[:cut].rstrip() + closers
            if utf16_len(head) <= limit or budget <= 1:
                break
            budget -= utf16_len(head) - limit  # astral characters count twice
        parts.append(head)
        rest = ("".join(stack) + rest[cut:].lstrip()).strip()
    if rest:
        parts.append(rest)
    return parts
