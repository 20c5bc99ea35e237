"""Other projects' number test cases (../shared/conformance), run as pass rates.

One test per file: it prints the rate and asserts it stays at or above the floor
recorded in docs/FIGURES.md, so a regression fails but a known miss does not.
NumberModel cases check the number reader (`index.numbers`); Percent and
Currency cases check the figures (`index.figures.extract`).
Run `pytest -q -s tests/test_conformance.py` to see the rates.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from index import numbers
from index.figures import extract

ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "conformance"
SPECS = ROOT / "recognizers-text" / "Specs"

pytestmark = pytest.mark.skipif(not ROOT.is_dir(), reason=f"conformance data not found at {ROOT}")


def _cases(relative: str) -> list[dict[str, Any]]:
    with (ROOT / relative).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _close(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(
        math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-9) for g, w in zip(got, want, strict=True)
    )


def zh_numbers(text: str) -> list[float]:
    return [value for _, _, value, _ in numbers.scan_zh(numbers.normalise(text))]


def en_numbers(text: str) -> list[float]:
    found = (numbers.en_value(m) for m in numbers.EN_SCAN.finditer(numbers.normalise(text)))
    return [v for v in found if v is not None]


def percents(text: str) -> list[float]:
    return [f.value for f in extract(text) if f.unit == "%"]


def _money(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.unit) for f in extract(text) if f.unit.isupper() and len(f.unit) == 3]


def _recognizers(case: dict[str, Any], read: Callable[[str], list[float]]) -> bool:
    return _close(read(case["input"]), [e["value"] for e in case["expected"]])


def _currency(case: dict[str, Any]) -> bool:
    got = _money(case["input"])
    want = case["expected"]
    return len(got) == len(want) and all(
        w["value"] is not None and math.isclose(g[0], w["value"], rel_tol=1e-9)
        and (w["iso_currency"] in (None, g[1]))
        for g, w in zip(got, want, strict=True)
    )


def _rate(name: str, results: list[bool], floor: float) -> None:
    rate = sum(results) / len(results)
    print(f"\n{name}: {sum(results)}/{len(results)} = {rate:.1%} (floor {floor:.0%})")
    assert rate >= floor


RECOGNIZERS = [
    ("Number/Chinese/NumberModel.jsonl", zh_numbers, 0.90),
    ("Number/Chinese/PercentModel.jsonl", percents, 0.74),
    ("Number/English/NumberModel.jsonl", en_numbers, 0.40),
    ("Number/English/PercentModel.jsonl", percents, 0.70),
]


@pytest.mark.parametrize(("relative", "read", "floor"), RECOGNIZERS, ids=[r[0] for r in RECOGNIZERS])
def test_recognizers_numbers_and_percents(
    relative: str, read: Callable[[str], list[float]], floor: float
) -> None:
    cases = [c for c in _cases(f"recognizers-text/Specs/{relative}") if not c["skip_python"]]
    _rate(relative, [_recognizers(c, read) for c in cases], floor)


@pytest.mark.parametrize(
    ("relative", "floor"),
    [("NumberWithUnit/Chinese/CurrencyModel.jsonl", 0.90), ("NumberWithUnit/English/CurrencyModel.jsonl", 0.74)],
)
def test_recognizers_currency(relative: str, floor: float) -> None:
    cases = [c for c in _cases(f"recognizers-text/Specs/{relative}") if not c["skip_python"]]
    _rate(relative, [_currency(c) for c in cases], floor)


def shares(text: str) -> list[float]:
    """The shares `extract` finds, as parts of one (75% -> 0.75), the way upstream gives a fraction."""
    return [f.value / 100 for f in extract(text) if f.unit == "%"]


def _a_part_of_a_whole(expected: dict[str, Any]) -> bool:
    """A fraction with no whole part, as a newspaper gives a share: 四分之三, "three quarters"; not 百分之
    (a percentage), 三又三分之一 or "twenty and three fifths" (mixed numbers), -4/5 or "1 over 3" (notation)."""
    written = expected["text"]
    if "分之" in written:
        return "又" not in written and not re.match(r"[ \t]*百[ \t]*分", written)
    return expected.get("subtype") == "fraction" and not re.search(r"\d", written) and 0 < expected["value"] < 1


@pytest.mark.parametrize(
    ("relative", "floor"), [("Number/Chinese/NumberModel.jsonl", 0.95), ("Number/English/NumberModel.jsonl", 0.43)]
)
def test_recognizers_fractions_read_as_shares(relative: str, floor: float) -> None:
    """NumberModel's fractions that are parts of a whole, read by `extract` as shares in percent."""
    cases = [c for c in _cases(f"recognizers-text/Specs/{relative}")
             if not c["skip_python"] and c["expected"] and all(map(_a_part_of_a_whole, c["expected"]))]
    _rate(f"{relative} (parts of a whole)", [_recognizers(c, shares) for c in cases], floor)


def figure_values(text: str) -> list[float]:
    return [f.value for f in extract(text)]


def test_recognizers_chinese_decimals_read_as_figures() -> None:
    """NumberModel's decimals with 点, read by `extract` (where a time of day is told from a decimal) as by the
    number reader."""
    cases = [c for c in _cases("recognizers-text/Specs/Number/Chinese/NumberModel.jsonl")
             if not c["skip_python"] and any(re.search("[点點]", e["text"]) for e in c["expected"])
             and not any("分之" in e["text"] for e in c["expected"])]
    _rate("Number/Chinese/NumberModel.jsonl (decimals with 点)", [_recognizers(c, figure_values) for c in cases], 0.95)


def test_cn2an_numerals() -> None:
    """Chinese numeral -> number; the must-fail cases are left out (we read leniently)."""
    cases = [c for c in _cases("cn2an/cn2an_cases.jsonl") if not c["expect_error"]]
    _rate("cn2an_cases", [_close(zh_numbers(c["input"]), [float(c["expected"])]) for c in cases], 0.92)


def test_an2cn_read_in_reverse() -> None:
    cases = [c for c in _cases("cn2an/an2cn_cases.jsonl") if not c["expect_error"]]
    _rate("an2cn_cases (reversed)", [_close(zh_numbers(c["expected"])[:1], [float(c["input"])]) for c in cases], 0.87)


def _arabic(text: str) -> str:
    """A Chinese sentence with its numbers written in digits, as cn2an's transform does."""
    norm = numbers.normalise(text)
    out, last = [], 0
    for start, end, value, kind in numbers.scan_zh(norm):
        digits = str(int(value)) if float(value).is_integer() else str(value)
        out += [text[last:start], digits + ("%" if kind == "percent" else "")]
        last = end
    return "".join([*out, text[last:]])


def test_cn2an_transform_sentences() -> None:
    """Whole sentences; an2cn cases are read in reverse (their Chinese side is our input)."""
    pairs = [
        (c["input"], c["expected"]) if c["method"] == "cn2an" else (c["expected"], c["input"])
        for c in _cases("cn2an/transform_cases.jsonl")
        if not c["direct"]
    ]
    _rate("transform_cases", [_arabic(zh) == digits for zh, digits in pairs], 0.70)


def test_numcn_decode() -> None:
    cases = [c for c in _cases("numcn/numcn_cases.jsonl") if c["direction"] == "decode"]
    results = [_close(zh_numbers(c["chinese"]), [float(c["number_literal"])]) for c in cases]
    _rate("numcn decode", results, 0.8)
