"""Parsing archive files: the reference article, every variant real files show, and bad files."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.archive import ArchiveError, article_id, iter_archive, parse_file, parse_text
from index.model import Article

ARCHIVE = Path(__file__).resolve().parent.parent / "data" / "archive"
NAME = "1989-08-29_p4_south-connect-north-open.txt"
REFERENCE = (ARCHIVE / NAME).read_text(encoding="utf-8")

PARAGRAPHS_EN_START = (
    "Recently, Heilongjiang Province has seized opportunities",
    "Heilongjiang Province has nearly a hundred pairs of border towns",
    "Since the resumption of border trade in 1982",
    "In addition to the original border ports of Suifenhe",
    '"North Open" promotes "South Connect,"',
)
PARAGRAPHS_ZH_START = (
    "本报讯　近年来，黑龙江省抓住机遇",
    "黑龙江省与苏联毗邻城镇近百对",
    "自1982年恢复边贸以来的7年间",
    "除原来的绥芬河、黑河、同江口岸外",
    "“北开”促进“南联”",
)


def parse(text: str) -> Article:
    return parse_text(text, NAME, str(ARCHIVE))


def english_part() -> str:
    return REFERENCE.split("<hr />")[0]


def chinese_part() -> str:
    return REFERENCE.split("<hr />")[1]


@pytest.fixture(scope="module")
def reference() -> Article:
    return parse_file(ARCHIVE / NAME, ARCHIVE)


def test_reference_header(reference: Article) -> None:
    assert reference.id == article_id(str(ARCHIVE), NAME) and reference.archive == str(ARCHIVE)
    assert re.fullmatch(r"[0-9a-f]{12}", reference.id)
    assert reference.source == NAME
    assert reference.date == date(1989, 8, 29)
    assert reference.title_en == (
        'Implementing the "South Connect, North Open" Development Strategy: '
        "Sino-Soviet Border Trade and Economic-Technical Cooperation Thriving"
    )
    assert reference.titles_zh == ("实施“南联北开”发展战略", "对苏边贸与经济技术合作方兴未艾")
    assert reference.title_zh == "实施“南联北开”发展战略 对苏边贸与经济技术合作方兴未艾"
    assert reference.authors_en == ("Sūn Yán", "Sūn Yǒngxiáng")
    assert reference.authors_zh == ("孙岩", "孙永祥")
    assert reference.page == 4
    assert reference.page_name == "国庆专版"
    assert reference.column == ""
    assert reference.dateline == ("People's Daily, August 29, 1989, 4th Edition (National Day Special Edition)")


def test_reference_bodies(reference: Article) -> None:
    assert len(reference.paragraphs_en) == 5
    for paragraph, start in zip(reference.paragraphs_en, PARAGRAPHS_EN_START, strict=True):
        assert paragraph.startswith(start)
    assert "1.066 billion Swiss francs" in reference.paragraphs_en[1]
    assert reference.paragraphs_en[2].endswith("has increased from 50 in 1987 to over 3,000 now.")
    assert reference.paragraphs_en[3].endswith("Khabarovsk is also about to open.")
    assert len(reference.paragraphs_zh) == 5
    for paragraph, start in zip(reference.paragraphs_zh, PARAGRAPHS_ZH_START, strict=True):
        assert paragraph.startswith(start)
    assert "10.66亿瑞士法郎" in reference.paragraphs_zh[1]
    assert reference.paragraphs_zh[1].endswith("均达到全国总数的60％以上。")
    assert reference.paragraphs_zh[4].endswith("已有陶瓷、羊毛衫、服装等项目投入生产。")


def test_reference_metadata_is_held_apart(reference: Article) -> None:
    assert reference.headline_zh == ("实施“南联北开”发展战略", "对苏边贸与经济技术合作方兴未艾")
    assert reference.credit_zh == "（孙岩　孙永祥）"
    assert reference.has_photo is True
    assert reference.captions_zh == ("图为新建的哈尔滨松花江公路大桥。",)
    assert reference.photographer == "毕强"
    assert reference.warnings == ()
    body = "".join(reference.paragraphs_zh)
    for meta in ("孙岩　孙永祥", "附图片", "图为新建", "毕强"):
        assert meta not in body


def test_article_id_is_stable_and_distinct() -> None:
    assert article_id("/archive", "a/b.txt") == article_id("/archive", "a/b.txt")
    assert article_id("/archive", "a/b.txt") != article_id("/archive", "a/c.txt")
    assert article_id("/archive", "b.txt") != article_id("/other", "b.txt")  # one name in two folders
    assert re.fullmatch(r"[0-9a-f]{12}", article_id("/archive", "x.txt"))


def test_iter_archive_sorted_and_nested(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ("z.txt", "a.txt", "b/c/m.txt", "b/readme.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_archive(tmp_path)]
    assert found == ["a.txt", "b/c/m.txt", "z.txt"]


def test_nested_source_is_posix_relative(tmp_path: Path) -> None:
    folder = tmp_path / "1989" / "08"
    folder.mkdir(parents=True)
    (folder / NAME).write_text(REFERENCE, encoding="utf-8")
    article = parse_file(folder / NAME, tmp_path)
    assert article.source == f"1989/08/{NAME}"
    assert article.id == article_id(str(tmp_path), f"1989/08/{NAME}")


def test_english_only() -> None:
    article = parse(english_part())
    assert len(article.paragraphs_en) == 5
    assert article.paragraphs_zh == ()
    assert article.titles_zh == ()
    assert article.has_photo is False
    assert article.date == date(1989, 8, 29)
    assert article.warnings == ()


def test_chinese_only() -> None:
    article = parse(chinese_part())
    assert article.paragraphs_en == ()
    assert article.title_en == ""
    assert len(article.paragraphs_zh) == 5
    assert article.date == date(1989, 8, 29)  # from the Chinese date line
    assert article.page == 4
    assert article.photographer == "毕强"
    assert article.warnings == ()


def test_chinese_only_without_original_line() -> None:
    article = parse(chinese_part().replace("Original: ", ""))
    assert len(article.paragraphs_zh) == 5
    assert article.authors_zh == ("孙岩", "孙永祥")


def test_bom_and_crlf_give_the_same_article(reference: Article) -> None:
    assert parse("\ufeff" + REFERENCE.replace("\n", "\r\n")) == reference


def test_bom_and_crlf_through_parse_file(tmp_path: Path, reference: Article) -> None:
    (tmp_path / NAME).write_bytes(b"\xef\xbb\xbf" + REFERENCE.replace("\n", "\r\n").encode("utf-8"))
    assert parse_file(tmp_path / NAME, tmp_path) == replace(reference, id=article_id(str(tmp_path), NAME),
                                                            archive=str(tmp_path))


def test_trailing_spaces_and_stray_blank_lines(reference: Article) -> None:
    noisy = "\n".join(line + "  \t" for line in REFERENCE.split("\n"))
    noisy = noisy.replace("Page: 4", "\n\nPage: 4").replace("<hr />", "<hr />    \n\n\n")
    noisy = noisy.replace("    图为新建", "\n\n    图为新建").replace("### ", "\n\n### ")
    assert parse(noisy) == reference


def test_hr_and_original_with_trailing_spaces(reference: Article) -> None:
    text = REFERENCE.replace("<hr /> ", "<hr />        ").replace("Original: ", "Original:     ")
    assert parse(text) == reference


def test_full_width_colons() -> None:
    text = REFERENCE.replace("Date: ", "Date： ").replace("Title: ", "Title：").replace("专栏：", "专栏:")
    article = parse(text)
    assert article.date == date(1989, 8, 29)
    assert article.title_en.startswith("Implementing")
    assert article.column == ""


def test_column_with_a_name() -> None:
    article = parse(REFERENCE.replace("专栏：", "专栏：经济新闻"))
    assert article.column == "经济新闻"


def test_full_width_page_parentheses() -> None:
    article = parse(REFERENCE.replace("第4版(国庆专版)", "第4版（国庆专版）"))
    assert (article.page, article.page_name) == (4, "国庆专版")


def test_page_without_name() -> None:
    article = parse(REFERENCE.replace("第4版(国庆专版)", "第4版").replace("Page: 4\n", ""))
    assert (article.page, article.page_name) == (4, "")


def test_missing_author_and_page() -> None:
    text = REFERENCE.replace("Author: Sūn Yán, Sūn Yǒngxiáng\n", "").replace("Page: 4\n", "")
    text = text.replace("孙岩  孙永祥\n1989", "1989").replace("第4版(国庆专版)\n", "")
    article = parse(text)
    assert article.authors_en == ()
    assert article.authors_zh == ()
    assert article.page is None
    assert article.page_name == ""
    assert len(article.paragraphs_zh) == 5
    assert article.warnings == ()


def test_chinese_authors_separated_by_full_width_space() -> None:
    article = parse(REFERENCE.replace("孙岩  孙永祥\n", "孙岩　孙永祥　李明\n"))
    assert article.authors_zh == ("孙岩", "孙永祥", "李明")


def test_date_from_dateline_when_no_other() -> None:
    text = english_part().replace("Date: 1989-08-29\n", "")
    text = text.replace("August 29, 1989", "September 3, 1990")
    assert parse(text).date == date(1990, 9, 3)


def test_date_header_wins() -> None:
    assert parse(REFERENCE.replace("Date: 1989-08-29", "Date: 1989-08-30")).date == date(1989, 8, 30)


def test_without_dateline() -> None:
    article = parse(REFERENCE.replace("People's Daily, August 29, 1989, 4th Edition", "", 1))
    assert article.dateline == ""
    assert article.paragraphs_en[0] == "(National Day Special Edition)"


def test_unplaced_line_is_a_warning_not_dropped() -> None:
    text = REFERENCE.replace("Original: ", "Original: \nsome stray words")
    article = parse(text)
    assert any("some stray words" in warning for warning in article.warnings)
    assert all("line " in warning for warning in article.warnings)


def test_second_credit_line_is_a_warning() -> None:
    article = parse(REFERENCE.replace("    （附图片）", "    （新华社记者）\n    （附图片）"))
    assert article.credit_zh == "（孙岩　孙永祥）"
    assert any("（新华社记者）" in warning for warning in article.warnings)


def test_a_part_number_is_a_paragraph_not_a_credit_line() -> None:
    article = parse(REFERENCE.replace("    “北开”促进", "    （二）\n    “北开”促进"))
    assert "（二）" in article.paragraphs_zh and not article.warnings
    assert article.credit_zh == "（孙岩　孙永祥）"


def test_no_photo() -> None:
    text = REFERENCE.split("    （附图片）")[0]
    article = parse(text)
    assert article.has_photo is False
    assert article.captions_zh == ()
    assert article.photographer == ""
    assert article.credit_zh == "（孙岩　孙永祥）"


def test_full_width_text_stays_as_printed(reference: Article) -> None:
    article = parse(REFERENCE.replace("1987年边境贸易额", "１９８７年边境贸易额"))
    assert "１９８７年边境贸易额" in article.paragraphs_zh[1]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty file"),
        ("  \n\n\t\n", "empty file"),
        ("\ufeff", "empty file"),
        ("Title: A\n\nAuthor: B\n\nDate: 1989-08-29\n\nPage: 4\n", "neither an English nor a Chinese body"),
        ("Original:\n\n### 标题\n孙岩\n1989-08-29\n第4版\n专栏：\n", "neither an English nor a Chinese body"),
        (
            REFERENCE.replace("Date: 1989-08-29", "").replace("1989-08-29", "").replace("August 29, 1989", "Summer"),
            "no date anywhere",
        ),
    ],
    ids=["empty", "blank", "bom-only", "header-only", "chinese-header-only", "no-date"],
)
def test_bad_text(text: str, reason: str) -> None:
    with pytest.raises(ArchiveError) as caught:
        parse(text)
    assert caught.value.line == 0
    assert caught.value.path == NAME
    assert caught.value.reason.startswith(reason)
    assert str(caught.value) == f"{NAME}:0: {caught.value.reason}"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    raw = REFERENCE.encode("utf-8").replace(b"Page: 4", b"Page: \xff4")
    (tmp_path / "bad.txt").write_bytes(raw)
    with pytest.raises(ArchiveError) as caught:
        parse_file(tmp_path / "bad.txt", tmp_path)
    assert caught.value.line == 7
    assert "UTF-8" in caught.value.reason
    assert str(caught.value).startswith("bad.txt:7: ")


def test_invalid_utf8_after_bom(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xef\xbb\xbfTitle: x\n\n\xc3\x28")
    with pytest.raises(ArchiveError) as caught:
        parse_file(tmp_path / "bad.txt", tmp_path)
    assert caught.value.line == 3


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ArchiveError) as caught:
        parse_file(tmp_path / "image.txt", tmp_path)
    assert caught.value.line == 1


def test_nul_bytes_in_valid_utf8() -> None:
    with pytest.raises(ArchiveError) as caught:
        parse("Date: 1989-08-29\n\nhello\x00world")
    assert caught.value.line == 3


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError) as caught:
        parse_file(tmp_path / "missing.txt", tmp_path)
    assert caught.value.line == 0


LINES = st.sampled_from(
    [
        *REFERENCE.split("\n"),
        "<hr />",
        "Original:",
        "### 标题  副题",
        "第x版(",
        "（附图片）",
        "Date: 1989-02-30",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        assert isinstance(parse_text(text, "x.txt"), Article)
    except ArchiveError as error:
        assert error.path == "x.txt"


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))
def test_shuffled_reference_lines_never_crash(lines: list[str], end: str) -> None:
    try:
        article = parse_text(end.join(lines), "x.txt")
    except ArchiveError:
        return
    assert article.paragraphs_en or article.paragraphs_zh


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "x.txt").write_bytes(raw)
    try:
        assert isinstance(parse_file(tmp_path / "x.txt", tmp_path), Article)
    except ArchiveError as error:
        assert error.path == "x.txt"


def test_unindented_chinese_body(reference: Article) -> None:
    lines = REFERENCE.split("\n")
    start = lines.index("专栏：") + 1
    text = "\n".join(lines[:start] + [line.strip() for line in lines[start:]])
    assert parse(text) == reference


def test_headline_repeated_on_one_line() -> None:
    text = REFERENCE.replace("    实施“南联北开”发展战略\n    对苏边贸", "    实施“南联北开”发展战略　对苏边贸")
    article = parse(text)
    assert article.headline_zh == ("实施“南联北开”发展战略　对苏边贸与经济技术合作方兴未艾",)
    assert len(article.paragraphs_zh) == 5
