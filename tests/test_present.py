"""The presentation layer on its own: the translation table is complete, and every answer to the
labelled questions fits a phone as valid Telegram HTML, its figure marked and cited."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from bot_fixtures import PHONE_CHARS
from conftest import ROOT
from emulator import check_text, utf16_len

from bot import i18n, present
from index.engine import Engine
from index.evaluate import load_questions
from index.store import ingest

DATA = ROOT / "tests" / "data"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", i18n.keys())
def test_every_sentence_is_in_both_languages_with_the_same_values(key: str) -> None:
    en, zh = i18n.t(key, "en"), i18n.t(key, "zh")
    assert en and zh  # a joiner may be a space
    if key != "cite_date":  # dates are written from the ISO date in English, from its parts in Chinese
        assert _fields(en) == _fields(zh), key


@pytest.fixture(name="six", scope="module")
def six_fixture(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    target: Path = tmp_path_factory.mktemp("six") / "index"
    ingest(DATA / "archive", target)
    return Engine.open(target)


def test_every_answer_fits_a_phone_as_valid_html(six: Engine) -> None:
    found = 0
    for question in load_questions(DATA / "questions.jsonl"):
        answer = six.ask(question.question)
        html = present.answer_html(answer)
        plain = check_text(html, "HTML")  # tags balanced, entities whole
        assert utf16_len(plain) <= PHONE_CHARS, (question.id, plain)
        if not answer.found:
            assert plain == i18n.t("not_found", answer.lang)
            continue
        found += 1
        assert i18n.t("paper", answer.lang) in plain.split("\n")[-1 - len(answer.warnings)]  # the citation
        if answer.figure_text:
            assert html.startswith(f"<b>{present.escape(answer.figure_text)}</b>\n")
        assert len(re.findall("⚠️", plain)) == len(answer.warnings) <= 1  # only the cited figure's
        whole = check_text(present.answer_html(answer, whole=True), "HTML")
        assert len(whole) >= len(plain) - len("……")
    assert found
