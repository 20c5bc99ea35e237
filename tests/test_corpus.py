"""The bundled corpus: every archive file parses, every question is well formed and the splits share no article."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from index.archive import iter_archive, parse_file
from index.evaluate import Labelled, chinese_body, fold, load_questions

QUESTIONS = ROOT / "data" / "questions"
SPLITS = ("train", "dev", "test")
MIN_ARTICLES = 81  # the reference article and at least 80 more
MIN_QUESTIONS = 700
MIN_UNANSWERABLE = 0.12  # share of questions the archive cannot answer though it comes close


@pytest.fixture(name="splits", scope="module")
def splits_fixture() -> dict[str, list[Labelled]]:
    return {name: load_questions(QUESTIONS / f"{name}.jsonl") for name in SPLITS}


def test_every_archive_file_parses_with_both_languages_and_no_warning() -> None:
    files = list(iter_archive(CORPUS))
    assert len(files) >= MIN_ARTICLES
    for path in files:
        article = parse_file(path, CORPUS)
        assert article.paragraphs_zh and article.paragraphs_en, path.name
        assert not article.warnings, (path.name, article.warnings)


def test_every_question_points_at_a_paragraph_that_holds_its_figure(splits: dict[str, list[Labelled]]) -> None:
    for question in (q for qs in splits.values() for q in qs):
        assert question.lang in ("en", "zh"), question.id
        if question.article is None:
            assert question.near and (CORPUS / question.near).exists(), question.id
            assert question.figure is None and not question.answer_keywords, question.id
            continue
        body = chinese_body(CORPUS / question.article)
        assert question.paragraph_zh is not None and 0 <= question.paragraph_zh < len(body), question.id
        if question.figure:
            assert fold(question.figure["zh"]) in fold(body[question.paragraph_zh]), question.id
            assert isinstance(question.figure["value"], int | float), question.id


def test_ids_are_unique_and_the_splits_share_no_article(splits: dict[str, list[Labelled]]) -> None:
    ids = [q.id for qs in splits.values() for q in qs]
    assert len(ids) == len(set(ids))
    homes = {name: {q.home for q in qs} for name, qs in splits.items()}
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        assert not homes[a] & homes[b], (a, b, homes[a] & homes[b])


def test_the_corpus_has_the_counts_it_promises(splits: dict[str, list[Labelled]]) -> None:
    questions = [q for qs in splits.values() for q in qs]
    assert len(questions) >= MIN_QUESTIONS
    english = sum(q.lang == "en" for q in questions)
    assert abs(english - len(questions) / 2) <= len(questions) * 0.05  # half English, half Chinese
    assert sum(q.article is None for q in questions) >= MIN_UNANSWERABLE * len(questions)
    assert any(q.mistranslated and q.lang == "en" for q in splits["test"])
    sizes = {name: len({q.home for q in qs}) for name, qs in splits.items()}
    assert sizes["train"] > sizes["dev"] + sizes["test"]  # about 60 / 20 / 20 by article


def test_a_malformed_question_line_is_reported_with_its_place(tmp_path: Path) -> None:
    broken = tmp_path / "q.jsonl"
    broken.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:1"):
        load_questions(broken)
