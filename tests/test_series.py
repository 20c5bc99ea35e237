"""A figure over the years: the series of the bundled archive against the paper's own reports
(data/series.jsonl), the chart as an image, and `archive-bot series` as a user meets it."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import warnings
from io import BytesIO
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from PIL import Image

from bot import chart, present
from index import figures as figs
from index.engine import Engine
from index.evaluate import same_value
from index.model import MISTRANSLATED, PRELIMINARY
from index.store import ingest

EXPECTED = [json.loads(line) for line in (ROOT / "data" / "series.jsonl").read_text(encoding="utf-8").splitlines()]
QUERIES = {
    "grain": {"en": "national grain output", "zh": "全国粮食总产量"},
    "steel": {"en": "national steel output", "zh": "全国钢产量"},
    "coal": {"en": "national coal output", "zh": "全国原煤产量"},
}
# What a user may type for the same series: without the nation named, it is still the nation's.
BARE_QUERIES = {
    "grain": {"en": "grain output", "zh": "粮食产量"},
    "steel": {"en": "steel output", "zh": "钢产量"},
    "coal": {"en": "coal production", "zh": "原煤产量"},
}
FILE_UNITS = {"tons": "tons", "jin": "jin", "kg": "kg"}  # data/series.jsonl's units, as the figure parser names them
CLI = [sys.executable, "-m", "bot.cli", "series"]
# Points whose report is preliminary though no word of the figure's sentence says so: 据国家统计局初步统计 leads
# the 1959-01-01 article, and its figures follow in the next paragraph (coal, steel 1958); steel 1990 is the
# count of December 4 (the plan met 27 days early), before the year was out.
PRELIMINARY_ELSEWHERE = {("coal", 1958), ("steel", 1958), ("steel", 1990)}


def latest_reports() -> list[dict]:
    """For each series and year of data/series.jsonl, the latest article's row: the point a series shows."""
    latest: dict[tuple[str, int], dict] = {}
    for row in sorted(EXPECTED, key=lambda r: r["article"]):
        latest[row["series"], row["year"]] = row
    return list(latest.values())


def cases() -> list[pytest.param]:
    return [pytest.param(row, lang, id=f"{row['series']}-{row['year']}-{lang}")
            for row in latest_reports() for lang in ("en", "zh")]  # fmt: skip


@pytest.fixture(name="corpus_engine", scope="module")
def corpus_engine_fixture(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    target = tmp_path_factory.mktemp("corpus") / "index"
    ingest(CORPUS, target)
    return Engine.open(target)


def in_tons(row: dict) -> float:
    value, _ = figs.in_common_unit(figs.extract(row["zh"], "zh")[0])
    assert value == pytest.approx(float(row["value"]) * figs.TONS[FILE_UNITS[row["unit"]]])  # the file agrees
    return value


@pytest.mark.parametrize(("row", "lang"), cases())
def test_each_year_the_archive_reports_is_a_point_with_its_sources_value(corpus_engine: Engine, row: dict,
                                                                         lang: str) -> None:  # fmt: skip
    series = corpus_engine.series(QUERIES[row["series"]][lang])
    assert series.unit == "tons"
    points = {p.year: p for p in series.points}
    assert row["year"] in points, [(p.year, p.figure.text, p.hit.article.source) for p in series.points]
    point = points[row["year"]]
    assert same_value(point.value, in_tons(row)), (point.figure.text, point.hit.article.source)
    assert point.hit.article.source == row["article"]


@pytest.mark.parametrize(("name", "query"), [(name, queries[name][lang]) for queries in (QUERIES, BARE_QUERIES)
                                              for name in queries for lang in ("en", "zh")])  # fmt: skip
def test_every_point_and_note_is_one_of_the_papers_national_figures_of_what_is_asked(
    corpus_engine: Engine, name: str, query: str
) -> None:
    """A series holds the paper's national figures of what it names and nothing else: not another thing's (the
    1949 steel figure under grain, 谷物 ahead of 粮食, a report's grain figure under coal), not another scope's
    (Dazhai's grain, the fifty counties', Shanxi's coal, Anshan's steel), not a total over years, a month's count,
    a change or a figure of an undated past: every point and every note is a row of data/series.jsonl."""
    rows = [r for r in EXPECTED if r["series"] == name]
    reports = [r for p in corpus_engine.series(query).points for r in (p, *p.others)]
    stray = [(r.year, r.figure.text, r.hit.article.source) for r in reports if not any(
        r.year == row["year"] and r.hit.article.source == row["article"] and same_value(r.value, in_tons(row))
        for row in rows)]  # fmt: skip
    assert reports and not stray


@pytest.mark.parametrize(("query", "year", "value", "source"), [
    ("山西原煤产量", 1986, 221_800_000, "1987-06-27_p1_shanxi-coal-eight-years-beat-thirty.txt"),
    ("Beijing grain output", 1989, 2_475_000, "1989-11-15_p1_beijing-guangxi-grain-harvest.txt"),
])  # fmt: skip
def test_a_series_of_a_place_holds_that_places_figures(corpus_engine: Engine, query: str, year: int, value: float,
                                                       source: str) -> None:  # fmt: skip
    """全省总生产原煤22180万吨 is Shanxi's (全省 points back to the province the report names), 北京市粮食总产量
    Beijing's; neither the nation's figures nor another place's are points."""
    ((point_year, point_value, point_source),) = [(p.year, p.value, p.hit.article.source)
                                                   for p in corpus_engine.series(query).points]  # fmt: skip
    assert (point_year, point_source) == (year, source) and same_value(point_value, value)


def test_a_point_the_paper_calls_preliminary_is_marked_so(corpus_engine: Engine) -> None:
    """Each point found as data/series.jsonl gives it is marked preliminary as its row says, but where the
    paper says so outside the figure's sentence (PRELIMINARY_ELSEWHERE, docs/SERIES.md)."""
    wrong = set()
    for row in latest_reports():
        points = corpus_engine.series(QUERIES[row["series"]]["en"]).points
        point = next((p for p in points if p.year == row["year"] and p.hit.article.source == row["article"]
                      and same_value(p.value, in_tons(row))), None)  # fmt: skip
        if point is not None and (PRELIMINARY in {f.code for f in point.flags}) != row["preliminary"]:
            wrong.add((row["series"], row["year"]))
    assert wrong == PRELIMINARY_ELSEWHERE


def test_an_earlier_report_of_the_same_year_is_a_note_under_the_later(corpus_engine: Engine) -> None:
    series = corpus_engine.series("全国粮食总产量", start=1989, end=1989)
    (point,) = series.points
    assert point.hit.article.source == "1989-12-28_p1_grain-record-coal-billion-tons.txt"
    assert "1989-11-18_p1_grain-harvest-tops-400-million-tons.txt" in {o.hit.article.source for o in point.others}
    text = present.series_text(series, "zh")
    assert "另一报道" in text and "1989年11月18日" in text


def test_a_point_the_english_gets_wrong_is_right_and_flagged(corpus_engine: Engine) -> None:
    """The English translation reads 27 million tons of coal for 1958; the original 二亿七千万吨 is 270 million."""
    series = corpus_engine.series("national coal output", start=1958, end=1958)
    (point,) = series.points
    assert point.value == 270_000_000
    (flag,) = [f for f in point.flags if f.code == MISTRANSLATED]
    assert "27 million" in str(flag.get("printed"))
    assert "270 million" in present.series_text(series, "en")


def test_the_years_asked_bound_the_series(corpus_engine: Engine) -> None:
    series = corpus_engine.series("national steel output", start=1950, end=1959)
    assert series.points and all(1950 <= p.year <= 1959 for p in series.points)


def draw(series_query: str, lang: str, corpus_engine: Engine) -> tuple[bytes, list[str]]:
    """The chart's PNG, and every font warning matplotlib gave while drawing it."""
    series = corpus_engine.series(series_query, lang=lang)
    caught: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record.getMessage())

    handler = Catch()
    logging.getLogger("matplotlib").addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            data = chart.png(series, lang)
    finally:
        logging.getLogger("matplotlib").removeHandler(handler)
    return data, caught + [str(w.message) for w in raised]


@pytest.mark.parametrize(("query", "lang", "title", "unit"), [
    ("全国钢产量", "zh", "全国钢产量", "万吨"),
    ("national grain output", "en", "national grain output", "million tons"),
])  # fmt: skip
def test_the_chart_is_a_png_with_its_title_and_unit(corpus_engine: Engine, query: str, lang: str, title: str,
                                                    unit: str) -> None:  # fmt: skip
    data, complaints = draw(query, lang, corpus_engine)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(BytesIO(data)).verify()
    image = Image.open(BytesIO(data))
    image.load()
    assert image.size == chart.SIZE
    assert title in image.text["Title"] and image.text["Description"] == unit
    assert not [c for c in complaints if "Glyph" in c or "findfont" in c], complaints  # no tofu, no fallback


def series_cli(*args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*CLI, *args, "--index", str(index_dir)], capture_output=True, text=True, timeout=300,
                            cwd=ROOT)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_the_command_prints_a_table_json_and_a_chart(corpus_engine: Engine, tmp_path: Path) -> None:
    index_dir = corpus_engine.index_dir
    table = series_cli("national grain output", "--from", "1989", "--to", "1989", index_dir=index_dir)
    assert table.returncode == 0, table.stderr
    header, row = table.stdout.splitlines()[2:4]
    assert header.split()[:4] == ["Year", "Value", "Qualifier", "Source"]
    assert row.startswith("1989  405 million tons  over, preliminary")
    assert "People's Daily, 1989-12-28, page 1" in row

    png = tmp_path / "grain.png"
    listed = series_cli("全国粮食总产量", "--json", "--png", str(png), index_dir=index_dir)
    data = json.loads(listed.stdout)
    assert data["unit"] == "tons" and data["lang"] == "zh"
    point = next(p for p in data["points"] if p["year"] == 1989)
    assert point["value"] == 405_000_000 and point["figure"]["original"] == "超过40500万吨"
    assert point["citation"]["date"] == "1989-12-28" and point["others"]
    assert Image.open(png).size == chart.SIZE


def test_the_command_says_when_nothing_is_found(corpus_engine: Engine) -> None:
    index_dir = corpus_engine.index_dir
    result = series_cli("national grain output", "--from", "1900", "--to", "1910", index_dir=index_dir)
    assert result.returncode == 1 and not result.stdout
    assert "between 1900 and 1910" in result.stderr
    result = series_cli("national grain output", "--from", "1990", "--to", "1980", index_dir=index_dir)
    assert result.returncode == 2 and "--from 1990 is after --to 1980" in result.stderr
