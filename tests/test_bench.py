"""The benchmark: its report, its synthetic archive, and agreement with rank-bm25."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import jieba
import pytest
import rjieba
from conftest import SAMPLE

from index import store, text
from index.archive import iter_archive, parse_file
from index.bench import Question, compare_with_rank_bm25, write_archive
from index.model import Figure
from index.store import ingest

KEYS = {
    "passages", "ingest_s", "ingest_passages_per_s", "index_mb", "rss_mb", "cold_start_s", "ask_p50_ms",
    "ask_p99_ms", "search_p50_ms", "rank_bm25_p50_ms", "speedup_p50", "top1_agreement", "top10_overlap", "update_s",
    "series_p50_ms", "series_p99_ms",
}


def test_bench_command_prints_every_figure_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bench", "--passages", "300", "--queries", "40", "--json"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report.keys() >= KEYS
    assert report["passages"] == 300
    assert 0 < report["search_p50_ms"] <= report["ask_p50_ms"] <= report["ask_p99_ms"]
    assert 0 < report["cold_start_s"] < 30 and 0 < report["rss_mb"] < 2000 and report["index_mb"] > 0
    assert report["speedup_p50"] > 0 and 0 <= report["top10_overlap"] <= 1


def test_archive_is_the_same_every_time_and_parses_as_written(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", 40, 4)
    write_archive(tmp_path / "b", 40, 4)
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.txt"))
    assert first == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.txt"))
    assert all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in first)
    articles = [parse_file(tmp_path / "a" / p, tmp_path / "a") for p in first]
    assert len(articles) == 5
    assert all(len(a.paragraphs_en) == len(a.paragraphs_zh) == 8 and not a.warnings for a in articles)
    assert all(1946 <= a.date.year <= 2003 and 1 <= (a.page or 0) <= 8 for a in articles)


@pytest.fixture(name="bench_index", scope="module")
def bench_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Question]]:
    folder = tmp_path_factory.mktemp("bench")
    questions = write_archive(folder / "archive", 1600, 160)
    report = ingest(folder / "archive", folder / "index")
    assert report.passages == 1600 and not report.errors
    return folder / "index", questions


def test_our_ranking_agrees_with_rank_bm25(bench_index: tuple[Path, list[Question]]) -> None:
    figures = compare_with_rank_bm25(*bench_index)
    assert figures["top1_queries"] >= 80  # most questions have only terms in under half the passages
    assert figures["top1_agreement"] >= 0.9
    assert figures["top10_overlap"] >= 0.7
    print(f"top-1 agreement {figures['top1_agreement']}, top-10 overlap {figures['top10_overlap']}")


def test_rjieba_cuts_as_jieba_does_on_the_archive_and_the_bench(
    bench_index: tuple[Path, list[Question]],
) -> None:
    """The condition for bulk tokenisation with rjieba: the very same search-mode words."""
    archive = bench_index[0].parent / "archive"
    articles = [parse_file(p, root) for root in (archive, SAMPLE) for p in iter_archive(root)]
    names = {n for a in articles for p in a.paragraphs_zh for n in text.list_names(p)}
    text.add_words(names)  # to jieba and rjieba both
    paragraphs = [text.fold(p) for a in articles for p in (*a.titles_zh, *a.paragraphs_zh, *a.captions_zh)]
    assert len(paragraphs) > 1000 and names
    assert [rjieba.cut_for_search(p) for p in paragraphs] == [list(jieba.cut_for_search(p)) for p in paragraphs]


def test_a_reader_failing_on_one_file_is_reported_and_the_rest_ingested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug met once in a million files (the bench found one) must not stop the ingest,
    nor a bad file among enough files to be parsed by worker processes."""
    write_archive(tmp_path / "archive", 400, 4)
    (tmp_path / "archive" / "nodate.txt").write_text("Title: No date\n\nSome English text.\n", encoding="utf-8")
    unlucky = sorted((tmp_path / "archive").rglob("*.txt"))[2]
    first_words = parse_file(unlucky, tmp_path / "archive").paragraphs_zh[0][:10]
    real = store.figures.for_passage

    def failing(en: str, zh: str, when: date | None) -> tuple[Figure, ...]:
        if zh.startswith(first_words):
            raise AttributeError("'int' object has no attribute 'is_integer'")
        return real(en, zh, when)

    monkeypatch.setattr(store.figures, "for_passage", failing)
    report = ingest(tmp_path / "archive", tmp_path / "index")
    assert report.articles == 49 and report.passages == 392
    failed = {error.path: error.reason for error in report.errors}
    assert failed.keys() == {unlucky.relative_to(tmp_path / "archive").as_posix(), "nodate.txt"}
    assert "is_integer" in failed[unlucky.relative_to(tmp_path / "archive").as_posix()]
