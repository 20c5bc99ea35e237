"""The reply to a question, from the candidate the ranker chose: figure, passage, citation.

Figures come from the Chinese original: a mistranslated one is given correctly
and the wrong English is named in a warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from index import figures as figs
from index.model import PAPER_EN, PAPER_ZH, Answer, Article, Figure, Hit
from index.question import Frame

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


def compose(question: Frame, hit: Hit, figure: Figure | None, alternatives: tuple[Hit, ...], lang: str) -> Answer:
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
