"""Questions about years in the terminal: `archive-bot ask` and `chat` answer a trend with the series'
table and the command that draws its chart (a terminal shows no picture), a comparison of two years
with both figures cited, the difference and the ratio; `--json` carries the points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from index.engine import Engine
from index.model import Comparison, Series

CLI = [sys.executable, "-m", "bot.cli"]
TREND = "How did national grain output change from 1955 to 1989?"
COMPARE = "Was national grain output bigger in 1982 or 1990?"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def test_a_trend_in_text_is_the_table_and_the_command_for_its_chart(corpus_index: Path, tmp_path: Path) -> None:
    series = Engine.open(corpus_index).reply(TREND)
    assert isinstance(series, Series) and len(series.points) > 1
    lines = run("ask", "--index", str(corpus_index), TREND).stdout.splitlines()
    first, last = series.points[0].year, series.points[-1].year
    assert lines[0] == f"national grain output, {first}–{last}"
    assert [line.split()[0] for line in lines if line[:4].isdigit()] == [str(p.year) for p in series.points]
    hint = f'For the chart: archive-bot series "national grain output" --from {first} --to {last} --png chart.png'
    assert lines[-1] == hint
    drawn = tmp_path / "chart.png"  # the command hinted at draws that chart
    run("series", "national grain output", "--from", str(first), "--to", str(last), "--png", str(drawn),
        "--index", str(corpus_index))  # fmt: skip
    assert drawn.read_bytes().startswith(PNG_SIGNATURE)


def test_a_comparison_in_text_and_json(corpus_index: Path) -> None:
    comparison = Engine.open(corpus_index).reply(COMPARE)
    assert isinstance(comparison, Comparison)
    text = run("ask", "--index", str(corpus_index), COMPARE).stdout
    blocks = text.strip().split("\n\n")
    assert blocks[0].startswith("1982: ") and blocks[1].startswith("1990: ")
    assert all("\n— People's Daily, " in block for block in blocks[:2])
    assert blocks[2].startswith("1990 had ") and " than 1982. 1990 is " in blocks[2]
    data = json.loads(run("ask", "--index", str(corpus_index), "--json", COMPARE).stdout)
    assert data["found"] and data["question"] == "national grain output" and data["answer"] == text.rstrip("\n")
    assert [p["year"] for p in data["series"]["points"]] == [1982, 1990]
    earlier, later = (p["value"] for p in data["series"]["points"])
    assert data["difference"] == later - earlier and data["ratio"] == later / earlier


def test_chat_answers_trends_comparisons_and_questions_alike(corpus_index: Path) -> None:
    out = run("chat", "--index", str(corpus_index), stdin=f"{TREND}\n{COMPARE}\n钢产量这些年怎么变化的？\n").stdout
    assert "For the chart: archive-bot series" in out and "1990 had " in out
    assert "图表：archive-bot series" in out or "档案中" in out  # a chart, or the one report there is
