"""A series as a chart: a PNG drawn with matplotlib (Agg, no display), labels in the reader's language.

Years run along the x axis and the series' unit up the y axis; each point is marked and
labelled with its value as printed and its qualifier (多, 近, preliminary), a qualified point
drawn hollow; the sources are listed under the chart. Chinese is set in Noto Sans CJK, from
the manimgx-fonts-cjk package, so no character falls back to an empty box. The title and the
unit are written into the PNG's text chunks too, for scripts and tests.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: the bot and the command line have no display

import manimgx_fonts_cjk
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot import present
from bot.i18n import t
from index import figures as figs
from index.model import Point, Series

FONT_FILE = Path(manimgx_fonts_cjk.__file__).with_name("NotoSansCJK-VF.otf.ttc")
FONT = "Noto Sans CJK SC"  # the simplified Chinese face of the collection: the paper prints simplified
WIDTH, HEIGHT, DPI = 10.0, 6.0, 100  # inches and dots per inch: a 1000 x 600 image, wide enough for 50 years
SIZE = (int(WIDTH * DPI), int(HEIGHT * DPI))
# Values are drawn in millions (English) or 万 (Chinese), the scales the paper and its translation
# print output in, once the largest value reaches the scale.
SCALE = {"en": 1e6, "zh": 1e4}
SOURCE_LINES = 12  # sources listed under the chart at most: more would crowd the plot out of the image
SOURCE_COLUMNS = 170  # a source line's width at most (a Chinese character is two columns), cut with "…"
SOURCES_HEIGHT = 0.035  # of the image's height, per source line listed under the plot


@cache
def _font() -> dict[str, object]:
    """Register the CJK font with matplotlib once; the settings that draw every text in it. The variable
    font's default instance is its only weight matplotlib knows: asking for another would fall back."""
    font_manager.fontManager.addfont(str(FONT_FILE))
    weight = next(f.weight for f in font_manager.fontManager.ttflist if f.name == FONT)
    return {"font.family": FONT, "font.weight": weight, "axes.titleweight": weight, "axes.labelweight": weight}


def png(series: Series, lang: str) -> bytes:
    """The series as a PNG of SIZE pixels; an empty series gives a chart with its title alone."""
    with matplotlib.rc_context(_font()):
        return _draw(series, lang)


def _draw(series: Series, lang: str) -> bytes:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    sources = [_source(p, lang) for p in series.points][:SOURCE_LINES]
    bottom = 0.12 + SOURCES_HEIGHT * len(sources)
    axes = figure.add_axes((0.1, bottom, 0.86, 0.86 - bottom))
    scale = SCALE[lang] if series.points and max(p.value for p in series.points) >= SCALE[lang] else 1.0
    unit = _axis_label(series, lang, scale)
    title = present.series_title(series, lang)
    _plot(axes, series, lang, scale)
    axes.set_title(title, fontsize=14)
    axes.set_xlabel(t("series_year", lang))
    axes.set_ylabel(unit)
    if sources:
        figure.text(0.02, bottom - 0.08, "\n".join([t("series_sources", lang), *sources]), fontsize=8, va="top")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Title": title, "Description": unit})
    return out.getvalue()


def _axis_label(series: Series, lang: str, scale: float) -> str:
    unit = figs.unit_name(series.unit, lang)
    return t("series_axis_scaled", lang, unit=unit) if scale != 1.0 else t("series_axis", lang, unit=unit)


def _plot(axes: Axes, series: Series, lang: str, scale: float) -> None:
    years = [p.year for p in series.points]
    values = [p.value / scale for p in series.points]
    axes.plot(years, values, color="tab:red", linewidth=1.5, zorder=1)
    for point, value in zip(series.points, values, strict=True):
        exact = point.figure.qualifier == "exact" and not present.point_qualifier(point, lang)
        axes.scatter([point.year], [value], s=40, zorder=2, color="tab:red", facecolors="tab:red" if exact else "white")
        axes.annotate(
            _label(point, series, lang),
            (point.year, value),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=8,
        )
    axes.set_ylim(bottom=0)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(alpha=0.3)


def _label(point: Point, series: Series, lang: str) -> str:
    qualifier = present.point_qualifier(point, lang)
    value = present.point_value(point, series, lang)
    return f"{value} ({qualifier})" if qualifier and lang == "en" else f"{value}（{qualifier}）" if qualifier else value


def _source(point: Point, lang: str) -> str:
    line = f"{point.year}: {present.citation(point.hit.article, lang)}"
    while present.width(line) > SOURCE_COLUMNS:
        line = line[:-2] + present.ELLIPSIS
    return line
