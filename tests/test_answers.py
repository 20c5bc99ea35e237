"""Answers: the dev set through the shared scorer, the invented set through our own, and what a user sees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SAMPLE, SHARED

from bot import present
from bot.present import citation
from index.engine import Engine
from index.evaluate import evaluate, load_questions
from index.model import MISTRANSLATED
from index.question import read as read_question
from index.store import ingest
from index.text import Analyzer, detect_lang

SCORER = SHARED / "eval" / "score.py"
ASK = [sys.executable, "-m", "bot.cli", "ask", "--json", "--index"]


def score(questions: Path, archive: Path, index_dir: Path) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, str(SCORER), str(questions), str(archive), "--", *ASK, str(index_dir)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval is not beside this checkout")
def test_dev_questions_through_the_shared_scorer(sample_index: Path) -> None:
    summary, failures = score(SHARED / "eval" / "dev_questions.jsonl", SAMPLE, sample_index)
    print(summary, failures, sep="\n")
    assert summary["passage"] >= 0.909, failures  # the floors are the measured scores (docs/ANSWERS.md)
    assert summary["figure"] >= 0.777, failures
    assert summary["lang"] == 1.0 and summary["abstain"] == 1.0 and summary["flagged"] == 1.0, failures


def test_mistranslated_figure_is_corrected_and_named(engine: Engine) -> None:
    answer = engine.ask("How much were the new border trade contracts signed this year worth?")
    assert answer.found and answer.figure is not None
    assert answer.figure.value == 608_000_000 and answer.figure.unit == "CHF"
    assert "608 million" in present.text(answer) and "6.08 billion" not in present.text(answer).split("Note:")[0]
    assert [f.code for f in answer.warnings] == [MISTRANSLATED]  # data, the cited figure's only
    assert present.as_json(answer)["warnings"] == [
        "The English translation reads 6.08 billion Swiss francs; "
        "the original 6.08亿瑞士法郎 is 608 million Swiss francs."
    ]


def test_chinese_question_gets_the_original_and_a_chinese_citation(engine: Engine) -> None:
    answer = engine.ask("1987年黑龙江对苏边境贸易额是多少")
    assert answer.lang == "zh" and answer.figure is not None and answer.figure.value == 34_227_000
    assert "3422.7万瑞士法郎" in present.text(answer)
    assert "《人民日报》1989年8月29日第4版" in present.text(answer)


def test_year_in_the_question_picks_that_year_figure(engine: Engine) -> None:
    answer = engine.ask("Heilongjiang border trade volume 1987")
    assert answer.figure is not None and answer.figure.value == 34_227_000


def test_questions_the_archive_cannot_answer_are_declined(engine: Engine) -> None:
    for question in ("What is the population of Tokyo?", "上海证券交易所是哪一年成立的？", "", "   ", "😀🎉",
                     "<script>alert(1)</script>", "'; DROP TABLE passages; --", "../../etc/passwd", "%s %d {0}"):
        answer = engine.ask(question)
        assert not answer.found, question
        assert present.text(answer)


def test_no_figure_is_forced_on_a_which_question(engine: Engine) -> None:
    answer = engine.ask("Which inland river ports began opening to the Soviet Union?")
    assert answer.found and answer.figure is None
    assert all(name in present.text(answer) for name in ("Harbin", "Jiamusi", "Fujin"))


def test_next_result_walks_down_the_ranking(engine: Engine) -> None:
    walk = [engine.ask("border trade volume", skip=k) for k in range(4)]
    found = [answer.hit.passage.id for answer in walk if answer.found and answer.hit]
    assert found and len(found) == len(set(found))  # each next result is another passage
    assert [answer.found for answer in walk] == sorted((a.found for a in walk), reverse=True)  # then none
    assert not engine.ask("border trade volume", skip=99).found


def test_lang_override_answers_in_the_asked_language(engine: Engine) -> None:
    answer = engine.ask("9000", lang="zh")
    assert answer.lang == "zh"


def test_question_reading() -> None:
    assert detect_lang("边境贸易") == "zh" and detect_lang("border trade") == "en"
    assert detect_lang("1987", default="zh") == "zh"
    assert read_question("How much was invested in 1988?", "en", Analyzer()).kind == "money"
    assert read_question("How much grain was bought?", "en", Analyzer()).kind == "amount"
    assert read_question("What share of the total?", "en", Analyzer()).kind == "share"
    assert read_question("For how many years was it suspended?", "en", Analyzer()).kind == "duration"
    assert read_question("How many laborers went?", "en", Analyzer()).unit_hint == "people"
    assert read_question("How many firms funded from abroad?", "en", Analyzer()).kind == "count"
    assert read_question("By what percentage did arrivals rise?", "en", Analyzer()).change
    assert read_question("出口额比去年增长了多少？", "zh", Analyzer()).change
    zh = read_question("去年出口商品有多少种？", "zh", Analyzer())
    assert (zh.kind, zh.measure, zh.relative_years) == ("count", "种", frozenset({-1}))


def test_citation_in_both_languages(engine: Engine) -> None:
    hit = engine.ask("What was Heilongjiang's border trade volume in 1987?").hit
    assert hit is not None
    article = engine.article(hit.article.id)
    assert article is not None
    assert citation(article, "en").startswith("People's Daily, 1989-08-29, page 4: Implementing")
    assert citation(article, "zh").startswith("《人民日报》1989年8月29日第4版：实施“南联北开”发展战略")


def test_batch_mode_answers_every_line_in_order(sample_index: Path) -> None:
    lines = ["How many laborers were sent to the Soviet Union?", "", "对苏经济技术合作合同多少项？",
             "x" * 20_000, "\x00\x1b[31m\u202e", "What is the population of Tokyo?"]
    result = subprocess.run([*ASK, str(sample_index)], input="\n".join(lines) + "\n", capture_output=True,
                            text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert [a["found"] for a in answers] == [True, False, True, False, False, False]
    assert answers[0]["figure"]["value"] == 9000 and answers[2]["lang"] == "zh"
    assert "Traceback" not in result.stderr


def test_page_in_the_question_restricts_to_that_page(engine: Engine) -> None:
    assert engine.ask("border trade volume page 4").found
    assert engine.ask("第4版 边境贸易额").found
    assert not engine.ask("border trade volume page 5").found
    assert not engine.ask("边境贸易额 第7版").found


def test_keyword_query_cites_a_quantity_not_a_bare_word_number(engine: Engine) -> None:
    answer = engine.ask("Heilongjiang border trade volume")
    assert answer.figure is not None and answer.figure.unit not in ("", "date")
    assert all(hit.figure.unit not in ("", "date") for hit in engine.figures("border trade volume"))


def _scored(questions: Path, archive: Path, index_dir: Path) -> tuple[dict, str]:
    ingest(archive, index_dir)
    engine = Engine.open(index_dir)
    report = evaluate(load_questions(questions), archive, lambda q: present.told(engine.ask(q)),
                      (engine.every_passage(), engine.analyzer))
    return report.summary(), "\n".join(f"{v.question.id}: {v.got}" for v in report.failures())


def test_invented_articles_set_holds_its_measured_floor(tmp_path: Path) -> None:
    """tests/data: six invented articles, 36 harder, paraphrased questions (docs: tests/data/README.md).

    Scored by the project's own scorer, which counts as the shared one does. The floors are the
    scores measured when the ranker was fitted on the corpus (docs/ANSWERS.md): they catch a
    regression, they are not the goal.
    """
    summary, failures = _scored(ROOT / "tests" / "data" / "questions.jsonl", ROOT / "tests" / "data" / "archive",
                                tmp_path / "ix")
    assert summary["lang"] == 1.0 and summary["abstain"] >= 0.99, failures
    assert summary["passage"] >= 0.36 and summary["figure"] >= 0.34, failures
    assert summary["bm25_top1_passage"] == pytest.approx(0.7, abs=0.001)


def test_the_corpus_dev_split_holds_its_measured_floor(tmp_path: Path) -> None:
    """data/questions/dev.jsonl (50 articles, 480 questions): the split the ranker's settings were chosen on."""
    summary, failures = _scored(ROOT / "data" / "questions" / "dev.jsonl", CORPUS, tmp_path / "ix")
    assert summary["lang"] == 1.0 and summary["abstain"] >= 0.85, failures
    assert summary["passage"] >= 0.495 and summary["figure"] >= 0.387, failures
    assert summary["flagged"] >= 0.54, failures  # 6 of the 11 mistranslated figures asked in English
