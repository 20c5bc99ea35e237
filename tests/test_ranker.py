"""The ranker's parts: the frame of a question, the lexicon, the features, the saved model, training and eval."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from index import lexicon
from index.candidates import Candidate, Found, Pool
from index.engine import Engine
from index.evaluate import load_questions
from index.features import FEATURES, NAMES, measure_asked, measure_match
from index.figures import extract
from index.model import Passage
from index.question import read
from index.ranker import PACKAGED, Calibrator, Ranker, RankerMismatch
from index.store import current, ingest, load_lexicon
from index.text import Analyzer
from index.training import read_tree

# Three articles of the training split, with the questions about them: enough to fit on, quick to index.
SMALL = ("1989-12-28_p1_grain-record-coal-billion-tons.txt", "1958-12-22_p1_steel-output-doubled-10-7-million-tons.txt",
         "1995-06-09_p1_nanjing-vegetable-basket.txt")
CLI = [sys.executable, "-m", "bot.cli"]


@pytest.fixture(name="small", scope="module")
def small_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(archive, questions, index) of the three articles."""
    root = tmp_path_factory.mktemp("small")
    archive = root / "archive"
    archive.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, archive / name)
    lines = [line for split in ("train", "dev", "test")
             for line in (ROOT / "data" / "questions" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
             if (json.loads(line)["article"] or json.loads(line)["near"]) in SMALL]
    questions = root / "questions.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest(archive, root / "index")
    return archive, questions, root / "index"


def test_a_question_is_read_into_its_frame() -> None:
    frame = read("去年全国钢产量比前年增长多少？", "zh", Analyzer())
    assert frame.change and frame.relative_years == {-1}
    assert read("How many mu of tobacco did Changzhi plant in 1946?", "en", Analyzer()).years == {1946}
    assert read("steel output target for 1959", "en", Analyzer()).target
    assert read("几岁拿的冠军", "zh", Analyzer()).measure == "岁"


def test_the_lexicon_holds_dictionary_entries_and_learned_pairs(small: tuple[Path, Path, Path]) -> None:
    words = load_lexicon(current(small[2]))
    assert "steel" in words.translate(["钢"], "zh")
    assert "原煤" in words.translate(["coal"], "en")
    compound = lexicon.dictionary({"钢产量"}, {"steel", "output"})  # no headword of CC-CEDICT: read through 钢, 产量
    assert compound.translate(["钢产量"], "zh") == {"steel", "output"}
    learned = lexicon.learned([({"南京", "蔬菜"}, {"nanj", "veget"}), ({"南京"}, {"nanj"}), ({"蔬菜"}, {"veget"})])
    assert learned.translate(["南京"], "zh") == {"nanj"}
    assert lexicon.Lexicon.from_json(learned.to_json()) == learned


def test_the_fast_feature_vector_equals_each_feature_computed_alone(small: tuple[Path, Path, Path]) -> None:
    engine = Engine.open(small[2])
    for question in ("1989年全国粮食总产量是多少？", "How much steel did China make in 1958?", "南京城区人口多少"):
        scored = engine.scored(engine.frame(question, "zh" if not question.isascii() else "en"))
        assert scored.candidates
        for candidate, vector in zip(scored.candidates, scored.vectors, strict=True):
            assert vector == [f.value(scored.pool, candidate) for f in FEATURES]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_features_never_raise_and_stay_finite_on_any_question(small_index_engine: Engine, question: str) -> None:
    frame = small_index_engine.frame(question, "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en")
    for vector in small_index_engine.scored(frame).vectors:
        assert len(vector) == len(NAMES) and all(abs(v) < 1e6 for v in vector)


@pytest.fixture(name="small_index_engine", scope="module")
def small_index_engine_fixture(small: tuple[Path, Path, Path]) -> Engine:
    return Engine.open(small[2])


def test_the_saved_ranker_round_trips_and_refuses_other_features() -> None:
    ranker = Ranker.load()
    assert Ranker.from_json(ranker.to_json()) == ranker
    assert 0.0 < ranker.answer.threshold < 1.0 and 0.0 < ranker.passage.threshold < 1.0
    stale = json.loads(PACKAGED.read_text(encoding="utf-8"))
    stale["names"] = stale["names"][:-1]
    with pytest.raises(RankerMismatch):
        Ranker.from_json(json.dumps(stale))
    assert "lightgbm" not in sys.modules or "index.training" in sys.modules  # serving imports no training library


def test_the_served_trees_give_the_probabilities_lightgbm_fitted() -> None:
    import lightgbm

    rng = np.random.default_rng(0)
    scores, values = rng.normal(size=400), rng.normal(size=(400, len(NAMES)))
    inputs = np.column_stack([scores, np.zeros(400), values])  # no rival: a lead of 0
    right = scores + values[:, 0] * values[:, 1] > 0
    params = {"objective": "binary", "num_leaves": 8, "verbose": -1}
    booster = lightgbm.train(params, lightgbm.Dataset(inputs, right.astype(float)), num_boost_round=50)
    calibrator = Calibrator(tuple(read_tree(t["tree_structure"]) for t in booster.dump_model()["tree_info"]),
                            threshold=0.5)
    served = [calibrator.probability(s, None, v) for s, v in zip(scores, values, strict=True)]
    assert served == pytest.approx(booster.predict(inputs))


def test_train_fits_a_ranker_the_index_then_prefers(small: tuple[Path, Path, Path]) -> None:
    archive, questions, index_dir = small
    result = subprocess.run([*CLI, "train", str(questions), str(archive), "--dev", str(questions),
                             "--index", str(index_dir)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    fitted = Ranker.from_json((index_dir / "ranker.json").read_text(encoding="utf-8"))
    assert any(fitted.weights) and fitted.names == NAMES
    assert Engine.open(index_dir).ranker == fitted


def test_eval_prints_every_measure_beside_bm25(small: tuple[Path, Path, Path]) -> None:
    archive, questions, _ = small
    result = subprocess.run([*CLI, "eval", str(questions), str(archive), "--json"], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["questions"] == len(load_questions(questions))
    for measure in ("passage", "figure", "keywords", "lang", "abstain", "false_declines", "bm25_top1_passage"):
        assert 0.0 <= summary[measure] <= 1.0, measure
    table = subprocess.run([*CLI, "eval", str(questions), str(archive)], capture_output=True, text=True,
                           timeout=300, cwd=ROOT).stdout
    assert "BM25 top-1" in table and "false_declines" in table


def test_train_without_a_place_for_the_model_is_bad_usage(small: tuple[Path, Path, Path]) -> None:
    archive, questions, _ = small
    result = subprocess.run([*CLI, "train", str(questions), str(archive), "--dev", str(questions)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and "--index DIR" in result.stderr


def test_a_rank_answers_a_rank_question_and_a_count_a_count_question() -> None:
    """第一枚 carries the measure word 枚 but does not answer 多少枚; 第七届 answers 第几届."""
    def matches(question: str, figure_text: str) -> tuple[float, float]:
        [figure] = extract(figure_text, "zh")
        passage = Passage("a:0", "a", 0, "", figure_text, figures=(figure,))
        found = Found(passage, None, {}, {}, {}, {}, {})  # type: ignore[arg-type]  # the features read no more
        pool = Pool(read(question, "zh", Analyzer()), {}, (), {})
        return measure_match(pool, Candidate(found, figure)), measure_asked(pool, Candidate(found, figure))

    assert matches("中国队获得多少枚金牌", "夺得第一枚金牌") == (-1.0, 0.0)
    assert matches("中国队获得多少枚金牌", "获得六枚金牌") == (1.0, 1.0)
    assert matches("这是第几届全国运动会", "第七届全国运动会") == (1.0, 1.0)
    assert matches("这是第几届全国运动会", "已举办七届") == (-1.0, 0.0)
