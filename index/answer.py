"""Question -> Answer: what kind of figure is asked, which figure in a passage fits, the reply.

Retrieval (index.search) finds passages; this module reads the question for
the kind of figure it wants and the years it speaks of, scores each figure of a
candidate passage by the words around it, and writes the reply in the asker's
language with the citation. Figures come from the Chinese original: a
mistranslated one is given correctly and the wrong English is named in a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from index import figures as figs
from index import text
from index.model import PAPER_EN, PAPER_ZH, Answer, Article, Figure, Hit

NOT_FOUND = {
    "en": "Sorry, I found nothing in the archive that answers this. Try other words, a place or a year.",
    "zh": "抱歉，档案中没有找到能回答这个问题的内容。请换个说法，或加上地点、年份再试。",
}
CUT_NOTE = {
    "en": "(Your question was long: I read only its first 1,000 characters.)",
    "zh": "（问题太长，只读了前1000个字。）",
}
ORIGINAL_ONLY = {
    "en": "(Chinese original; the archive has no English translation of this passage)",
    "zh": "（英文译文；档案中没有这段的中文原文）",
}

# Kinds of question, by the words that ask them, and the units that answer each.
_KINDS_EN = (
    ("share", r"\b(share|percent(age)?|per cent|proportion|ratio|rate|how fast)\b|%"),
    ("duration", r"\bhow (many|long) (years|months|days)\b|\bhow long\b|\bfor how many years\b"),
    ("date", r"\bwhen\b|\bwhat (year|date|month)\b|\bwhich (year|month)\b|\bin what year\b"),
    ("count", r"\bhow many\b|\bnumber of\b|\bcount\b"),
    ("money", r"\bvalue\b|\bworth\b|\bcost\b|\binvest|\bcapital\b|\bfund|\bmoney\b|\bspen[dt]\b|\bpaid\b|"
              r"\bpay\b|\byuan\b|\bdollars?\b|\byen\b|\bfrancs?\b|\brubles?\b|\bincome\b|\brevenue\b|\bprofit"),
    ("amount", r"\bhow much\b|\bamount\b|\bvolume\b|\btotal\b|\boutput\b"),
    ("which", r"^\s*(which|where|who|whom|what (city|cities|province|port|ports|country|countries)|name)\b"),
    ("which", r"^\s*(is|are|was|were|has|have|had|did|does|do|will|can)\b"),
)
_KINDS_ZH = (
    ("share", r"百分之|比重|比例|占.{0,6}(多少|几)|%|成$"),
    ("duration", r"多少年|几年|多久|多长时间|多少个月|几个月"),
    ("date", r"哪一年|哪年|何时|什么时候|哪一天|哪个月|几月|何年"),
    ("money", r"多少钱|金额|总额|贸易额|价值|投资|产值|收入|多少元|资金|花了|费用|外资|利润|创汇"),
    ("count", r"(多少|几)(个|项|种|人|家|座|次|所|条|批|位|名|台|辆|艘|处|户|件|届)"),
    ("amount", r"多少|产量|总量"),
    ("which", r"哪些|哪里|哪儿|哪个|谁|什么|吗|是否|有没有"),
)
_FITS = {
    "money": lambda unit: 3.0 if _is_money(unit) else -2.0,
    "amount": lambda unit: 2.0 if _is_money(unit) or unit in _QUANTITIES else -2.0,
    "count": lambda unit: 2.0 if unit in ("people", "items", "count", "") else -2.0 if unit == "date" else -1.0,
    "share": lambda unit: 4.0 if unit == "%" else -2.0,
    "duration": lambda unit: 4.0 if unit == "year" else -2.0 if unit == "date" else -1.0,
    "date": lambda unit: 4.0 if unit == "date" else -1.0,
    "any": lambda unit: 1.0 if _is_money(unit) else -1.0 if unit in ("date", "") else 0.0,  # money is news
}
# "How much grain" asks for tons: the units an amount that is not money comes in.
_QUANTITIES = ("tons", "kg", "km", "kWh", "m", "m2", "m3", "km2", "ha", "mu", "people", "items", "count")
_EN_UNIT_WORDS = {
    "people": r"\b(people|persons?|labou?rers?|workers?|residents?|visitors?|tourists?|students?|staff)\b",
    "tons": r"\btons?\b|\btonnes?\b",
    "km": r"\bkm\b|\bkilomet|\blength\b|\bhow long is\b",
    "items": r"\b(items?|projects?|contracts?|kinds?|varieties|commodities|products?|types?)\b",
}
MIN_COVERAGE = 0.4  # the share of a question's information a passage must hold; below it, decline
FRAME_WORDS = frozenset(
    [
        *text.analyze_en(
            "share percent percentage proportion value worth amount number figure total make up length long "
            "far size big high fast rate km kilometres kilometers tons yuan dollars"
        ),
        *"比重 比例 百分之 数量 数字 情况 占 总数 多大 大 多高 高 多长 长 多快 快 多远 钱 花".split(),
    ]
)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_RELATIVE_EN = {"this year": 0, "last year": -1, "next year": 1, r"\bnow\b": 0, r"\bat present\b": 0}
_RELATIVE_ZH = {"今年": 0, "去年": -1, "明年": 1, "前年": -2, "现在": 0, "目前": 0, "现有": 0}
_CLAUSE_ZH = re.compile(r"[，。；！？：、]")
_SENTENCE_ZH = re.compile(r"[。！？；]")
_CLAUSE_EN = re.compile(r"[,;:](?=\s)|[.!?](?=\s|$)")
_SENTENCE_EN = re.compile(r"[.!?;](?=\s|$)")
_PAGE = re.compile(r"\bpage\s+(\d{1,3})\b|第\s*(\d{1,3})\s*版", re.IGNORECASE)
_BASE = re.compile(r"(?:\bover|\bthan|\bcompared with|\bfrom|比|较|同比)\s*(?:the\s+)?(?:same period(?: of)?\s+)?$")
_CHANGE = re.compile(
    r"\b(rise|rose|risen|grow|grew|grown|growth|increase|increased|up|gain|fell|fall|drop|dropped|decline|"
    r"decrease|decreased)\b|增长|增加|提高|上升|下降|减少|增产|减产"
)
_FROM = re.compile(r"[由从]|\bfrom\b")
_ZH_MEASURE = re.compile(r"(?:多少|几)(个|项|种|人|家|座|次|所|条|批|位|名|吨|公里|元)")


@dataclass(frozen=True)
class Question:
    """What a question asks, read once: its language, terms, kind and years."""

    text: str
    lang: str
    tokens: tuple[str, ...]
    kind: str
    unit_hint: str
    measure: str  # 多少种 -> 种: the measure word an answer's figure should carry
    years: frozenset[int]
    relative_years: frozenset[int]  # offsets: this year 0, last year -1
    page: int | None  # "page 4", 第4版: only articles of that page
    entities: frozenset[str]  # names the answer must mention (Hangzhou, 南京长江大桥)
    change: bool  # asks how much something grew or fell: the figure of a change answers
    weights: Mapping[str, float] = field(default_factory=dict)  # token -> idf in the archive, set by the engine


def read_question(question: str, lang: str) -> Question:
    folded = text.fold(question)
    page = _PAGE.search(folded)
    tokens = tuple(text.analyze(_PAGE.sub(" ", question), lang))
    kinds = _KINDS_ZH if lang == "zh" else _KINDS_EN
    kind = next((name for name, pattern in kinds if re.search(pattern, folded)), "any")
    hint = next((unit for unit, pattern in _EN_UNIT_WORDS.items() if re.search(pattern, folded)), "")
    measure = _ZH_MEASURE.search(folded)
    relative = _RELATIVE_ZH if lang == "zh" else _RELATIVE_EN
    return Question(
        text=question,
        lang=lang,
        tokens=tokens,
        kind=kind,
        unit_hint=hint,
        measure=measure.group(1) if measure else "",
        years=frozenset(int(y) for y in _YEAR.findall(folded)),
        relative_years=frozenset(offset for word, offset in relative.items() if re.search(word, folded)),
        page=int(page.group(1) or page.group(2)) if page else None,
        entities=frozenset(text.entities(question, lang)),
        change=bool(_CHANGE.search(folded)),
    )


def wants_figure(question: Question) -> bool:
    return question.kind != "which"


def coverage(question: Question, passage_tokens: set[str]) -> float:
    """The share of the question's information (idf mass) that the passage holds.

    Words that only say what kind of figure is wanted ("share", "value") are left out.
    """
    terms = set(question.tokens) - FRAME_WORDS
    weight = question.weights.get
    total = sum(weight(t, 1.0) for t in terms)
    return sum(weight(t, 1.0) for t in terms if t in passage_tokens) / total if total else 0.0


def answerable(question: Question, passage_tokens: set[str], passage: str, day: date) -> bool:
    """Enough of the question is in the passage, every name it asks about, and the year it names."""
    if coverage(question, passage_tokens) < MIN_COVERAGE or not all(
        _mentions_name(name, passage_tokens) for name in question.entities
    ):
        return False
    if not question.years:
        return True
    return bool(question.years & (_years(passage, question.lang, day, with_bases=True) | {day.year}))


def _mentions_name(name: str, tokens: set[str]) -> bool:
    """Japanese asks about Japan: a name counts when a passage term shares its first five letters."""
    return name in tokens or (len(name) >= 5 and name.isascii() and any(t.startswith(name[:5]) for t in tokens))


@dataclass(frozen=True)
class Choice:
    """A figure chosen from a passage: the figure to cite and how well it fits."""

    figure: Figure
    score: float


def best_figure(question: Question, hit: Hit) -> Choice | None:
    """The figure of the passage that answers the question best, if any fits."""
    lang = question.lang if getattr(hit.passage, question.lang) else _other(question.lang)
    passage_text = getattr(hit.passage, lang)
    mentions = _mentions(hit, lang)
    title = hit.article.title_zh if question.lang == "zh" else hit.article.title_en
    words = _weighted(question, set(text.analyze(title, question.lang)))
    choices = [
        Choice(resolved, _score(question, words, mention, mentions, passage_text, hit.article.date))
        for mention, resolved in mentions
    ]
    return max((c for c in choices if c.score > 0 and _fits(question, c.figure)), key=lambda c: c.score, default=None)


def _fits(question: Question, figure: Figure) -> bool:
    """Only a figure of the asked kind may answer: no date for "how much", no count for a share."""
    return _FITS[question.kind](figure.unit) >= 0 or (bool(question.unit_hint) and figure.unit == question.unit_hint)


def _mentions(hit: Hit, lang: str) -> list[tuple[Figure, Figure]]:
    """(figure as printed in `lang` with its span, the figure to cite for it)."""
    checked = hit.passage.figures
    if lang == "zh":
        return [(f, f) for f in checked if f.lang == "zh"]
    printed = figs.extract(hit.passage.en, "en", hit.article.date)
    return [(f, _counterpart(f, checked)) for f in printed]


def _counterpart(english: Figure, checked: tuple[Figure, ...]) -> Figure:
    """The cross-checked figure an English mention stands for; the original wins."""
    for figure in checked:
        if figure.lang == "zh" and figure.translation and figure.translation == english.text:
            return figure
    for figure in checked:
        if figure.unit == english.unit and abs(figure.value - english.value) <= 1e-9 * max(1.0, abs(figure.value)):
            return figure
    return english


def _score(
    question: Question,
    words: dict[str, float],
    mention: Figure,
    mentions: list[tuple[Figure, Figure]],
    passage: str,
    day: date,
) -> float:
    """Words of the question near the figure, the fit of its unit, and of its year."""
    start, end = mention.span
    spans = sorted(m.span for m, _ in mentions if _competes(m, mention))
    before = max([e for s, e in spans if e <= start], default=0)
    after = min([s for s, e in spans if s >= end], default=len(passage))
    clause_break, sentence_break = (_CLAUSE_ZH, _SENTENCE_ZH) if mention.lang == "zh" else (_CLAUSE_EN, _SENTENCE_EN)
    clause = _bounds(passage, start, end, clause_break)
    sentence = _bounds(passage, start, end, sentence_break)
    near_before = _overlap(passage[max(before, clause[0]) : start], words, question.lang)
    near_after = _overlap(passage[end : min(after, clause[1])], words, question.lang)
    in_clause = _overlap(passage[clause[0] : clause[1]], words, question.lang)
    in_sentence = _overlap(passage[sentence[0] : sentence[1]], words, question.lang)
    # Chinese puts what a figure measures before it; English on either side ("X in new contracts").
    after_weight = 1.0 if mention.lang == "zh" else 2.0
    score = 2.0 * near_before + after_weight * near_after + in_clause + 0.5 * in_sentence
    score += _FITS[question.kind](mention.unit) + _unit_fit(question, mention)
    score -= 3.0 if _is_baseline(passage, start, before, after, clause) else 0.0
    if question.change and _CHANGE.search(text.fold(passage[max(clause[0], start - 25) : start])):
        score += 3.0  # "an increase of 18.6%", 增长18.6％
    score += _year_fit(question, mention, passage, (clause, sentence), day)
    return score


def _competes(other: Figure, mention: Figure) -> bool:
    """Figures of one kind bound each other's context; a date or duration between does not."""
    return other.unit == mention.unit or (_is_money(other.unit) and _is_money(mention.unit))


def _is_money(unit: str) -> bool:
    return len(unit) == 3 and unit.isupper()


def _unit_fit(question: Question, mention: Figure) -> float:
    if question.measure and mention.lang == "zh":
        return 2.0 if question.measure in mention.text else -0.5
    if question.unit_hint:
        return 2.0 if mention.unit == question.unit_hint else -3.0
    return 0.0


def _year_fit(
    question: Question, mention: Figure, passage: str, spans: tuple[tuple[int, int], tuple[int, int]], day: date
) -> float:
    """+3 when the figure speaks of the year asked, -6 when of another: the wrong year is a wrong answer.

    A figure's year is the nearest time word in its clause, else the last one before it in its
    sentence, else the first after it ("In 1987, the volume reached X, doubling the 1983 figure").
    """
    asked = set(question.years) | {day.year + offset for offset in question.relative_years}
    clause, sentence = spans
    start, end = mention.span
    said = [
        (at, year)
        for at, year in _dated(passage[sentence[0] : sentence[1]], mention.lang, day, sentence[0])
        if not (mention.unit == "date" and start <= at < end)
    ]
    if not asked or not said:
        return 0.0
    near = [(min(abs(at - end), abs(at - start)), year) for at, year in said if clause[0] <= at < clause[1]]
    before = [(start - at, year) for at, year in said if at < start]
    year = min(near or before or [(at - end, y) for at, y in said])[1]
    return 3.0 if year in asked else -6.0


def _years(passage: str, lang: str, day: date, with_bases: bool) -> set[int]:
    """The years a text speaks of; without the bases of comparisons (比去年, "over last year") if asked."""
    return {year for _, year in _dated(passage, lang, day, 0, with_bases)}


def _dated(passage: str, lang: str, day: date, offset: int, with_bases: bool = False) -> list[tuple[int, int]]:
    """(position, year) of each time word: 1987, 今年, "last year", "now"; comparison bases left out."""
    folded = text.fold(passage)
    relative = _RELATIVE_ZH if lang == "zh" else _RELATIVE_EN
    found = [(m.start(), int(m.group())) for m in _YEAR.finditer(folded)]
    found += [(m.start(), day.year + o) for w, o in relative.items() for m in re.finditer(w, folded)]
    return [(offset + at, year) for at, year in found if with_bases or not _BASE.search(folded[max(0, at - 30) : at])]


def _bounds(passage: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    left = max((m.end() for m in breaks.finditer(passage, 0, start)), default=0)
    right = next((m.start() for m in breaks.finditer(passage, end)), len(passage))
    return left, right


def _is_baseline(passage: str, start: int, before: int, after: int, clause: tuple[int, int]) -> bool:
    """The A of "from A to B" (由A增到B): an earlier value, when a figure of its kind follows."""
    lead = text.fold(passage[max(before, clause[0], start - 30):start])
    return after < clause[1] and bool(_FROM.search(lead))


def _maximal(tokens: tuple[str, ...]) -> set[str]:
    """Search-mode segmentation repeats a word's parts (出口, 商品, 出口商品): keep the whole."""
    unique = set(tokens)
    return {t for t in unique if not any(t != other and t in other for other in unique)}


def _weighted(question: Question, topic: set[str]) -> dict[str, float]:
    """The question's whole words, each weighted by its rarity relative to the others (mean 1).

    Words of the article's title (`topic`) found the article; the others tell its figures apart.
    """
    words = _maximal(question.tokens)
    words = words - topic or words
    if question.lang == "zh":
        words = {w for w in words if len(w) > 1 or w.isdigit()}  # a lone character matches anywhere
    weights = {w: question.weights.get(w, 1.0) for w in words}
    mean = sum(weights.values()) / len(weights) if weights else 1.0
    return {w: weight / mean for w, weight in weights.items()}


def _overlap(snippet: str, words: dict[str, float], lang: str) -> float:
    if not snippet.strip():
        return 0.0
    if lang == "zh":
        folded = text.fold(snippet)
        return sum(weight for w, weight in words.items() if w in folded)
    present = set(text.analyze_en(snippet))
    return sum(weight for w, weight in words.items() if w in present)


def _other(lang: str) -> str:
    return "zh" if lang == "en" else "en"


def citation(article: Article, lang: str) -> str:
    """People's Daily, 1989-08-29, page 4: Title — Authors / 《人民日报》1989年8月29日第4版：标题（作者）"""
    if lang == "zh":
        day = f"{article.date.year}年{article.date.month}月{article.date.day}日"
        page = f"第{article.page}版" if article.page else ""
        title = article.title_zh or article.title_en
        authors = f"（{' '.join(article.authors_zh)}）" if article.authors_zh else ""
        return f"《{PAPER_ZH}》{day}{page}：{title}{authors}"
    page = f", page {article.page}" if article.page else ""
    title = article.title_en or article.title_zh
    authors = f" — {', '.join(article.authors_en)}" if article.authors_en else ""
    return f"{PAPER_EN}, {article.date.isoformat()}{page}: {title}{authors}"


def figure_text(figure: Figure, lang: str) -> str:
    """The figure as the answer writes it in `lang`, corrected where the translation was wrong."""
    if lang == "zh":
        return figs.chinese(figure)
    return figs.english(figure) if figure.lang == "zh" else figure.text


def corrected(english: str, figures: Iterable[Figure]) -> str:
    """English text with each mistranslated figure among `figures` written as the original says."""
    for figure in figures:
        if figure.verified is False and figure.translation:
            english = english.replace(figure.translation, figs.english(figure))
    return english


def passage_text(hit: Hit, lang: str) -> str:
    """The passage in `lang`: English corrected where a figure was mistranslated; else the other side, marked."""
    passage = hit.passage
    if lang == "en" and passage.en:
        return corrected(passage.en, passage.figures)
    if lang == "zh" and passage.zh:
        return passage.zh
    return f"{getattr(passage, _other(lang))}\n{ORIGINAL_ONLY[lang]}"


def warnings(figure: Figure | None, hit: Hit, lang: str) -> tuple[str, ...]:
    """For an English answer, each mistranslated figure it shows, named with the original."""
    if lang != "en":
        return ()
    shown = [figure] if figure else []
    shown += [f for f in hit.passage.figures if f is not figure]
    return tuple(w for f in shown if (w := figs.warning(f)))


def compose(question: Question, hit: Hit, figure: Figure | None, alternatives: tuple[Hit, ...], lang: str) -> Answer:
    """The reply in `lang`, which may differ from the question's (a user's /lang setting)."""
    shown = figure_text(figure, lang) if figure else ""
    notes = warnings(figure, hit, lang)
    parts = [shown, passage_text(hit, lang), ("——" if lang == "zh" else "— ") + citation(hit.article, lang)]
    parts.extend(f"Note: {note[0].upper()}{note[1:]}." for note in notes)
    return Answer(
        found=True,
        lang=lang,
        question=question.text,
        text="\n\n".join(p for p in parts if p),
        hit=hit,
        figure=figure,
        figure_text=shown,
        warnings=notes,
        alternatives=alternatives,
    )


def not_found(question: str, lang: str) -> Answer:
    return Answer(found=False, lang=lang, question=question, text=NOT_FOUND[lang])
