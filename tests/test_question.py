"""Reading a question for a series: a trend over years, or two years set against each other,
kept apart from `change` (how much one report says a figure grew)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.question import read, series_query
from index.text import Analyzer

THINGS_EN = ("grain output", "steel output", "border trade", "the coal produced", "cotton purchases")
THINGS_ZH = ("粮食产量", "钢产量", "边境贸易额", "原煤产量", "棉花收购量")
years = st.integers(min_value=1900, max_value=2030)
# Reading is timed nowhere (the first Chinese question loads the segmenter).
untimed = settings(deadline=None)
ANALYZER = Analyzer()  # one for every example: a question's reading needs no archive's names
two_years = st.lists(years, min_size=2, max_size=2, unique=True).map(sorted)


@untimed
@given(st.sampled_from(THINGS_EN), two_years)
def test_a_trend_over_years_in_english_asks_for_the_years_named(thing: str, pair: list[int]) -> None:
    first, last = pair
    for question in (f"How did {thing} grow from {first} to {last}?", f"How has {thing} changed between {first} "
                     f"and {last}?", f"{thing} from {first} to {last} over the years", f"the trend of {thing}, "
                     f"{first}-{last}"):  # fmt: skip
        frame = read(question, "en", ANALYZER)
        assert frame.trend and frame.span == (first, last) and frame.compared == (), question


@untimed
@given(st.sampled_from(THINGS_ZH), two_years)
def test_a_trend_over_years_in_chinese_asks_for_the_years_named(thing: str, pair: list[int]) -> None:
    first, last = pair
    for question in (f"从{first}年到{last}年{thing}有什么变化？", f"{first}年至{last}年{thing}的趋势",
                     f"{first}—{last}年{thing}是怎样增长的"):  # fmt: skip
        frame = read(question, "zh", ANALYZER)
        assert frame.trend and frame.span == (first, last) and frame.compared == (), question


def test_a_trend_without_years_is_open_and_since_opens_it_at_one_end() -> None:
    for question, lang in (("钢产量这些年怎么变化的", "zh"), ("steel output over the years", "en"),
                           ("How did grain output develop?", "en"), ("粮食产量历年的走势", "zh")):  # fmt: skip
        frame = read(question, lang, ANALYZER)
        assert frame.trend and frame.span == (None, None), question
    assert read("How has steel output changed since 1957?", "en", ANALYZER).span == (1957, None)
    assert read("1978年以来粮食产量怎样增长？", "zh", ANALYZER).span == (1978, None)
    assert read("自1978年粮食产量的变化", "zh", ANALYZER).span == (1978, None)


@untimed
@given(st.sampled_from(THINGS_EN), two_years, st.booleans())
def test_two_years_set_against_each_other_in_english(thing: str, pair: list[int], swap: bool) -> None:
    first, second = reversed(pair) if swap else pair  # in either order, the frame has them oldest first
    for question in (f"Was {thing} bigger in {first} or {second}?", f"{thing}: {first} vs {second}",
                     f"Which year had more {thing}, {first} or {second}?", f"Compare {thing} in {first} and "
                     f"{second}", f"Was {thing} higher in {first} than in {second}?"):  # fmt: skip
        frame = read(question, "en", ANALYZER)
        assert frame.compared == tuple(pair) and not frame.trend, question


@untimed
@given(st.sampled_from(THINGS_ZH), two_years, st.booleans())
def test_two_years_set_against_each_other_in_chinese(thing: str, pair: list[int], swap: bool) -> None:
    first, second = reversed(pair) if swap else pair
    for question in (f"{first}年和{second}年哪年{thing}多？", f"{first}年{thing}比{second}年高吗？",
                     f"{first}年与{second}年{thing}相比", f"{thing}是{first}年大还是{second}年大？"):  # fmt: skip
        frame = read(question, "zh", ANALYZER)
        assert frame.compared == tuple(pair) and not frame.trend, question


@untimed
@given(st.sampled_from(THINGS_EN + THINGS_ZH), two_years)
def test_how_much_it_grew_is_a_change_of_one_report_not_a_series(thing: str, pair: list[int]) -> None:
    first, last = pair
    for question, lang in ((f"How much did {thing} grow from {first} to {last}?", "en"),
                           (f"How much more {thing} was there in {last} than in {first}?", "en"),
                           (f"{last}年{thing}比{first}年增长了多少？", "zh"),
                           (f"{thing}这几年增长了多少？", "zh")):  # fmt: skip
        frame = read(question, lang, ANALYZER)
        assert frame.change and not frame.trend and frame.compared == (), question


@untimed
@given(st.sampled_from(THINGS_EN), years)
def test_one_year_asks_for_one_figure(thing: str, year: int) -> None:
    for question, lang in ((f"What was {thing} in {year}?", "en"), (f"Was {thing} bigger in {year} or not?", "en"),
                           (f"{year}年{thing}是多少？", "zh"), (f"{year}年{thing}比上年多还是少？", "zh")):  # fmt: skip
        frame = read(question, lang, ANALYZER)
        assert not frame.trend and frame.compared == (), question


@untimed
@given(st.sampled_from(THINGS_EN), two_years)
def test_a_series_is_read_from_what_the_question_measures_in_english(thing: str, pair: list[int]) -> None:
    first, last = pair
    for question in (f"How did {thing} change from {first} to {last}?", f"Was {thing} bigger in {first} or {last}?",
                     f"the trend of {thing}, {first}-{last}", f"{thing}: {first} vs. {last}",
                     f"{thing} over the years"):  # fmt: skip
        assert series_query(question, "en") == thing.removeprefix("the "), question


@untimed
@given(st.sampled_from(THINGS_ZH), two_years)
def test_a_series_is_read_from_what_the_question_measures_in_chinese(thing: str, pair: list[int]) -> None:
    first, last = pair
    for question in (f"从{first}年到{last}年{thing}有什么变化？", f"{first}年和{last}年哪年{thing}多？",
                     f"{thing}这些年怎么变化的？", f"{thing}是{first}年大还是{last}年大？",
                     f"{first}年{thing}比{last}年高吗"):  # fmt: skip
        assert series_query(question, "zh") == thing, question


def test_words_of_a_name_stay_in_the_series_query() -> None:
    assert series_query("大豆产量的趋势", "zh") == "大豆产量"
    assert series_query("高粱产量这些年的变化", "zh") == "高粱产量"
    assert series_query("U.S. trade over the years", "en") == "U.S. trade"


def test_a_question_asking_a_rank_is_told_from_one_asking_a_count() -> None:
    ranks = (
        ("这是第几届全国运动会", "zh"),
        ("钢产量在世界上排名第几", "zh"),
        ("连续第几年丰收", "zh"),
        ("Which session of the congress opened today?", "en"),
        ("China's rank in world exports", "en"),
    )
    for question, lang in ranks:
        assert read(question, lang, ANALYZER).rank, question
    counts = (
        ("第三届亚运会跳高冠军跳了多高", "zh"),
        ("中国队获得多少枚金牌", "zh"),
        ("How many sessions were held?", "en"),
    )
    for question, lang in counts:
        assert not read(question, lang, ANALYZER).rank, question


def test_a_size_a_distance_an_age_or_a_count_of_pieces_is_read_as_the_figure_it_asks() -> None:
    asked = {
        ("长江大桥有多长？", "zh"): "amount",
        ("水库离县城多远", "zh"): "amount",
        ("那位老工人多大年纪", "zh"): "amount",
        ("产量增长了几倍", "zh"): "amount",
        ("运动会开了几天", "zh"): "duration",
        ("代表团拿了几块金牌", "zh"): "count",
        ("粮食增产的幅度多大", "zh"): "share",
        ("他率领的代表团有多少人", "zh"): "count",  # 率领 leads; it is no rate
        ("How far did she throw the discus?", "en"): "amount",
        ("How long is the new bridge?", "en"): "amount",
        ("How long did the strike last?", "en"): "duration",
        ("What time did he run in the 100m final?", "en"): "duration",
        ("steel plant capacity 1960", "en"): "amount",
        ("overpasses number 1994", "en"): "count",
        ("what was the price of crude oil in 1982", "en"): "money",
    }
    for (question, lang), kind in asked.items():
        assert read(question, lang, ANALYZER).kind == kind, question
