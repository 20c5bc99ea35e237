"""Aligning English and Chinese paragraphs into passages."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.align import LONG_PARAGRAPH, align
from index.archive import parse_file
from index.model import Article, Passage

ARCHIVE = Path(__file__).resolve().parent.parent / "data" / "archive"
NAME = "1989-08-29_p4_south-connect-north-open.txt"


@pytest.fixture(scope="module")
def reference() -> Article:
    return parse_file(ARCHIVE / NAME, ARCHIVE)


def body(passages: tuple[Passage, ...]) -> list[Passage]:
    return [p for p in passages if p.kind == "body"]


def regroup(passages: list[Passage], en: tuple[str, ...]) -> list[tuple[str, str]]:
    """Join the pieces of a cut paragraph back together, following the English paragraphs."""
    pairs: list[tuple[str, str]] = []
    pending = list(passages)
    for paragraph in en:
        en_parts, zh_parts = [pending[0].en], [pending.pop(0).zh]
        while " ".join(en_parts) != paragraph:
            en_parts.append(pending[0].en)
            zh_parts.append(pending.pop(0).zh)
        pairs.append((" ".join(en_parts), "".join(zh_parts)))
    assert not pending
    return pairs


def test_reference_pairs_every_paragraph_in_order(reference: Article) -> None:
    passages = align(reference)
    pairs = regroup(body(passages), reference.paragraphs_en)
    assert pairs == list(zip(reference.paragraphs_en, reference.paragraphs_zh, strict=True))


def test_reference_ids_positions_and_caption(reference: Article) -> None:
    passages = align(reference)
    assert [p.position for p in passages] == list(range(len(passages)))
    assert all(p.id == f"{reference.id}:{p.position}" for p in passages)
    assert all(p.article_id == reference.id and p.figures == () for p in passages)
    caption = passages[-1]
    assert (caption.kind, caption.en, caption.zh) == ("caption", "", "图为新建的哈尔滨松花江公路大桥。")
    assert [p.kind for p in passages].count("caption") == 1


def test_reference_long_paragraph_is_cut_consistently(reference: Article) -> None:
    assert len(reference.paragraphs_en[1]) > LONG_PARAGRAPH
    passages = body(align(reference))
    assert len(passages) == 6
    first, second = passages[1], passages[2]
    assert max(len(first.en), len(second.en)) <= LONG_PARAGRAPH
    assert first.en.endswith("breakthrough progress.") and first.zh.endswith("突破性进展。")
    assert "1.066 billion" in first.en and "10.66亿" in first.zh
    assert second.en.startswith("By the end of July this year, the province had accumulated 94")
    assert second.zh.startswith("到今年7月末，全省累计对苏经济技术合作合同已达94项")


def test_long_paragraph_left_whole_when_sides_cannot_be_cut_alike(reference: Article) -> None:
    one_sentence = reference.paragraphs_zh[1].replace("。", "，")
    article = dataclasses.replace(
        reference, paragraphs_zh=(reference.paragraphs_zh[0], one_sentence, *reference.paragraphs_zh[2:])
    )
    passages = body(align(article))
    assert [p.en for p in passages] == list(reference.paragraphs_en)
    assert passages[1].zh == one_sentence


def test_split_one_chinese_paragraph_two_english(reference: Article) -> None:
    en = list(reference.paragraphs_en)
    third = en[2]
    cut = third.index(" The number of export commodities")
    en[2:3] = [third[:cut], third[cut + 1 :]]
    passages = body(align(dataclasses.replace(reference, paragraphs_en=tuple(en))))
    split = next(p for p in passages if p.zh == reference.paragraphs_zh[2])
    assert split.en == f"{en[2]}\n{en[3]}"
    assert len(passages) == 6


def test_merge_two_chinese_paragraphs_one_english(reference: Article) -> None:
    en = list(reference.paragraphs_en)
    en[2:4] = [f"{en[2]} {en[3]}"]
    passages = body(align(dataclasses.replace(reference, paragraphs_en=tuple(en))))
    merged = next(p for p in passages if p.en == en[2])
    assert merged.zh == f"{reference.paragraphs_zh[2]}\n{reference.paragraphs_zh[3]}"
    assert len(passages) == 5


def test_small_synthetic_split_and_merge() -> None:
    zh = ("本报讯　今年全省粮食产量达到1200万吨，比去年增长8％。", "出口额为3.5亿美元。", "外贸公司新增45家。")
    en = (
        "This year the province's grain output reached 12 million tons,",
        "an increase of 8% over last year.",
        "Exports were 350 million US dollars. Foreign trade companies increased by 45.",
    )
    article = Article(id="abc", source="s.txt", date=date(1989, 1, 1), paragraphs_en=en, paragraphs_zh=zh)
    passages = align(article)
    assert [(p.en, p.zh) for p in passages] == [
        (f"{en[0]}\n{en[1]}", zh[0]),
        (en[2], f"{zh[1]}\n{zh[2]}"),
    ]


def test_unmatched_paragraph_stands_alone(reference: Article) -> None:
    extra = (
        "Editor's note: the figures in this report were provided by the provincial foreign trade office "
        "in mid-August and are preliminary. The office expects to publish revised figures for the first "
        "half of the year in its quarterly bulletin, which will also cover the trade fairs held in 1988 "
        "at Harbin and Heihe and the 12 new joint ventures registered since then. Readers may write to "
        "the office for the full tables, which list every port and every commodity group separately."
    )
    en = (*reference.paragraphs_en[:3], extra, *reference.paragraphs_en[3:])
    passages = body(align(dataclasses.replace(reference, paragraphs_en=en)))
    assert (extra, "") in [(p.en, p.zh) for p in passages]
    others = [(p.en, p.zh) for p in passages if p.en != extra]
    assert regroup([p for p in passages if p.en != extra], reference.paragraphs_en) == list(
        zip(reference.paragraphs_en, reference.paragraphs_zh, strict=True)
    )
    assert len(others) == 6


def test_english_only(reference: Article) -> None:
    article = dataclasses.replace(reference, paragraphs_zh=(), captions_zh=())
    passages = align(article)
    assert [(p.en, p.zh, p.kind) for p in passages] == [(text, "", "body") for text in reference.paragraphs_en]


def test_chinese_only(reference: Article) -> None:
    article = dataclasses.replace(reference, paragraphs_en=())
    passages = align(article)
    assert [(p.en, p.zh) for p in passages] == [
        *[("", text) for text in reference.paragraphs_zh],
        ("", "图为新建的哈尔滨松花江公路大桥。"),
    ]
    assert passages[-1].kind == "caption"
    assert [p.position for p in passages] == list(range(6))


def squeeze(texts: list[str] | tuple[str, ...]) -> str:
    return "".join("".join(texts).split())


EN_SENTENCES = st.sampled_from(
    ["In 1987 trade reached 34.227 million Swiss francs.", "Mr. Li said so!", "Exports rose 60%.", "Why?", ""]
)
ZH_SENTENCES = st.sampled_from(["1987年边境贸易额达3422.7万瑞士法郎。", "他说：“好！”", "增长６０％。", "为什么？", ""])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(EN_SENTENCES, max_size=60).map(" ".join), max_size=6),
    st.lists(st.lists(ZH_SENTENCES, max_size=80).map("".join), max_size=6),
)
def test_nothing_lost_duplicated_or_reordered(en: list[str], zh: list[str]) -> None:
    article = Article(id="x", source="x.txt", date=date(1989, 1, 1), paragraphs_en=tuple(en), paragraphs_zh=tuple(zh))
    passages = align(article)
    assert squeeze([p.en for p in passages]) == squeeze(en)
    assert squeeze([p.zh for p in passages]) == squeeze(zh)
    assert [p.position for p in passages] == list(range(len(passages)))


def test_long_parallel_paragraph_cut_at_matching_sentences() -> None:
    en = " ".join(f"In {1900 + i} the border trade reached {i + 10} million Swiss francs." for i in range(60))
    zh = "".join(f"{1900 + i}年边境贸易额达{i + 10}00万瑞士法郎。" for i in range(60))
    article = Article(id="x", source="x.txt", date=date(1989, 1, 1), paragraphs_en=(en,), paragraphs_zh=(zh,))
    passages = align(article)
    assert len(passages) > 1
    for passage in passages:
        assert max(len(passage.en), len(passage.zh)) <= LONG_PARAGRAPH
        years_en = [w for w in passage.en.split() if w.isdigit() and len(w) == 4]
        assert [f"{year}年" for year in years_en] == [s[:5] for s in passage.zh.split("。") if s]
    assert " ".join(p.en for p in passages) == en
    assert "".join(p.zh for p in passages) == zh
