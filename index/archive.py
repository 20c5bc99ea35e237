"""Archive files -> `Article`: the English header and body, the Chinese header, body and photo.

The layout is described in docs/ARCHIVE_FORMAT.md. Parsing is line based and forgiving: a
line the parser cannot place becomes a warning on the article, while a file that cannot
be an article at all (not UTF-8, no date, no body) raises `ArchiveError`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from index.model import Article

_BOM = "\ufeff"
_HR = re.compile(r"^<hr\s*/?>$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^Original\s*[:：]$", re.IGNORECASE)
_HEADER_EN = re.compile(r"^(Title|Authors?|Date|Page)\s*[:：]\s*(.*)$", re.IGNORECASE)
_DATELINE = re.compile(r"^People['’]s Daily\b")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DATELINE_DATE = re.compile(r"\b([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_ISO_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_PAGE_ZH = re.compile(r"^第\s*(\d{1,4})\s*版\s*(?:[(（]\s*(.*?)\s*[)）])?$")
_COLUMN_ZH = re.compile(r"^专栏\s*[:：]\s*(.*)$")
_CREDIT = re.compile(r"^（[^（）。，]{1,40}）$")
_SECTION = re.compile(r"^（[一二三四五六七八九十\d]{1,3}）$")  # （一）, （二）: a part's number, read as a paragraph
_PHOTO = re.compile(r"^[(（]\s*附\s*(?:图片|照片|图)\s*[)）]$")
_PHOTOGRAPHER = re.compile(r"^[(（]?([^。，！？（）()]{1,30}?)\s*摄[)）]?$")
_SENTENCE_MARK = re.compile(r"[。，！？；]")
_TITLE_SPLIT = re.compile(r"\s{2,}")
_NAME_SPLIT_ZH = re.compile(r"\s+")  # \s covers the full-width space U+3000
_MAX_AUTHOR_LINE = 40


class ArchiveError(Exception):
    """A file that cannot become an article; `line` is 1-based, 0 for the whole file."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason

    def __reduce__(self) -> tuple[type[ArchiveError], tuple[str, int, str]]:
        return ArchiveError, (self.path, self.line, self.reason)  # so worker processes can send it back


Line = tuple[int, str]  # (1-based line number, text without the line end)


@dataclass
class _English:
    title: str = ""
    authors: tuple[str, ...] = ()
    date: date | None = None
    page: int | None = None
    dateline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Chinese:
    titles: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    date: date | None = None
    page: int | None = None
    page_name: str = ""
    column: str = ""
    headline: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    credit: str = ""
    has_photo: bool = False
    captions: list[str] = field(default_factory=list)
    photographer: str = ""
    warnings: list[str] = field(default_factory=list)


def article_id(archive: str, source: str) -> str:
    """12 hex chars of sha1 of the archive folder and the file's path in it: stable across runs,
    distinct for one file name in two folders, and safe in a Telegram deep link."""
    return hashlib.sha1(f"{archive}\0{source}".encode()).hexdigest()[:12]


def iter_archive(root: Path) -> Iterator[Path]:
    """Every `*.txt` file below `root`, nested folders included, in sorted order."""
    yield from sorted(p for p in root.rglob("*.txt") if p.is_file())


def shown_name(source: str) -> str:
    """A file name fit to print: bytes that are not UTF-8 (kept by Python as lone surrogates) as \\xNN."""
    return source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def parse_file(path: Path, root: Path) -> Article:
    """Read and parse one archive file of the folder `root`; errors name the file by its path relative to it."""
    source = path.relative_to(root).as_posix()
    if shown_name(source) != source:
        # its id, its row and every message about it need text: such a name cannot be stored or shown
        raise ArchiveError(shown_name(source), 0, "the file name is not UTF-8: rename the file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(source, 0, f"cannot read the file: {exc.strerror or exc}") from exc
    return parse_text(_decode(raw, source), source, shown_name(str(root)))


def _decode(raw: bytes, source: str) -> str:
    # utf-8-sig drops a leading BOM; the failing byte's line is counted on the raw bytes.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        skipped = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = raw.count(b"\n", 0, exc.start + skipped) + 1
        raise ArchiveError(source, line, f"not UTF-8 (byte 0x{raw[exc.start + skipped]:02x})") from exc


def parse_text(text: str, source: str, archive: str = "") -> Article:
    """Parse the text of one archive file (`source`, in the folder `archive`) into an Article."""
    text = text.removeprefix(_BOM)
    lines = list(enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1))
    if not text.strip():
        raise ArchiveError(source, 0, "empty file")
    nul = next((n for n, line in lines if "\x00" in line), 0)
    if nul:
        raise ArchiveError(source, nul, "binary content (NUL byte)")
    en_lines, zh_lines = _split_languages(lines)
    en = _parse_english(en_lines)
    zh = _parse_chinese(zh_lines)
    if not en.paragraphs and not zh.paragraphs:
        raise ArchiveError(source, 0, "neither an English nor a Chinese body")
    when = en.date or zh.date or _dateline_date(en.dateline)
    if when is None:
        raise ArchiveError(source, 0, "no date anywhere (no Date: header, Chinese date line or dateline)")
    return Article(
        id=article_id(archive, source),
        source=source,
        archive=archive,
        date=when,
        title_en=en.title,
        titles_zh=zh.titles,
        authors_en=en.authors,
        authors_zh=zh.authors,
        page=en.page if en.page is not None else zh.page,
        page_name=zh.page_name,
        column=zh.column,
        dateline=en.dateline,
        paragraphs_en=tuple(en.paragraphs),
        paragraphs_zh=tuple(zh.paragraphs),
        headline_zh=tuple(zh.headline),
        credit_zh=zh.credit,
        has_photo=zh.has_photo,
        captions_zh=tuple(zh.captions),
        photographer=zh.photographer,
        warnings=tuple(en.warnings + zh.warnings + _page_conflict(en, zh)),
    )


def _split_languages(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """English part, Chinese part: cut at `<hr />`, else at `Original:` or the `###` title."""
    for i, (_, line) in enumerate(lines):
        if _HR.match(line.strip()):
            return lines[:i], lines[i + 1 :]
    for i, (_, line) in enumerate(lines):
        stripped = line.strip()
        if _ORIGINAL.match(stripped) or stripped.startswith("###"):
            return lines[:i], lines[i:]
    return lines, []


def _warn(number: int, what: str, text: str) -> str:
    return f"line {number}: {what}: {text.strip()}"


def _parse_english(lines: list[Line]) -> _English:
    en = _English()
    body_at = len(lines)
    for i, (number, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        match = _HEADER_EN.match(stripped)
        if match is None:
            body_at = i
            break
        _english_header(en, number, match.group(1).lower(), match.group(2).strip())
    paragraphs = _paragraphs(lines[body_at:])
    if paragraphs and _DATELINE.match(paragraphs[0]):
        en.dateline = paragraphs.pop(0)
    en.paragraphs = paragraphs
    return en


def _english_header(en: _English, number: int, key: str, value: str) -> None:
    if key == "title":
        en.title = value
    elif key.startswith("author"):
        en.authors = tuple(name.strip() for name in value.split(",") if name.strip())
    elif key == "date":
        en.date = _iso_date(value)
        if en.date is None and value:
            en.warnings.append(_warn(number, "unreadable date", value))
    elif value.isdigit() and len(value) <= 4:
        en.page = int(value)
    elif value:
        en.warnings.append(_warn(number, "unreadable page", value))


def _paragraphs(lines: list[Line]) -> list[str]:
    """English paragraphs are separated by blank lines; a wrapped paragraph is joined with spaces."""
    paragraphs: list[str] = []
    current: list[str] = []
    for _, line in [*lines, (0, "")]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def _iso_date(text: str) -> date | None:
    match = _ISO_DATE.match(text.strip())
    return _make_date(*match.groups()) if match else None


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _dateline_date(dateline: str) -> date | None:
    for match in _DATELINE_DATE.finditer(dateline):
        month = match.group(1).lower()
        if month in _MONTHS:
            return _make_date(match.group(3), str(_MONTHS.index(month) + 1), match.group(2))
    return None


def _parse_chinese(lines: list[Line]) -> _Chinese:
    zh = _Chinese()
    rest = _chinese_preamble(zh, lines)
    body = _chinese_header(zh, rest)
    _chinese_body(zh, body)
    return zh


def _chinese_preamble(zh: _Chinese, lines: list[Line]) -> list[Line]:
    """Skip `Original:` and blank lines up to the `###` title; anything else there is a warning."""
    title_at = next((i for i, (_, line) in enumerate(lines) if line.strip().startswith("###")), None)
    if title_at is None:
        start = next((i + 1 for i, (_, line) in enumerate(lines) if _ORIGINAL.match(line.strip())), 0)
        preamble, rest = lines[:start], lines[start:]
    else:
        preamble, rest = lines[:title_at], lines[title_at + 1 :]
        title = lines[title_at][1].strip().lstrip("#").strip()
        zh.titles = tuple(part for part in _TITLE_SPLIT.split(title) if part)
    for number, line in preamble:
        if line.strip() and not _ORIGINAL.match(line.strip()):
            zh.warnings.append(_warn(number, "text before the Chinese title", line))
    return rest


def _chinese_header(zh: _Chinese, lines: list[Line]) -> list[Line]:
    """Read the unindented lines after the title (authors, date, page, column); return the body."""
    seen_field = False
    for i, (_, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if line[0].isspace():
            return lines[i:]
        if (when := _iso_date(stripped)) is not None:
            zh.date = when
        elif page := _PAGE_ZH.match(stripped):
            zh.page, zh.page_name = int(page.group(1)), page.group(2) or ""
        elif column := _COLUMN_ZH.match(stripped):
            zh.column = column.group(1).strip()
        elif not seen_field and not zh.authors and _looks_like_names(stripped):
            zh.authors = tuple(_NAME_SPLIT_ZH.split(stripped))
            continue
        else:
            # An unindented line that is no header field: the body starts without indentation.
            return lines[i:]
        seen_field = True
    return []


def _looks_like_names(text: str) -> bool:
    return len(text) <= _MAX_AUTHOR_LINE and not _SENTENCE_MARK.search(text)


def _chinese_body(zh: _Chinese, lines: list[Line]) -> None:
    """Sort body lines into headline, paragraphs, credit and photo (marker, captions, photographer)."""
    headline = {_squeeze(part) for part in zh.titles} | {_squeeze("".join(zh.titles))}
    for number, line in lines:
        text = line.strip()
        if not text:
            continue
        if not zh.paragraphs and not zh.credit and zh.titles and _squeeze(text) in headline:
            zh.headline.append(text)
        elif _PHOTO.match(text):
            zh.has_photo = True
        elif (zh.has_photo or zh.credit) and (who := _PHOTOGRAPHER.match(text)) and not zh.photographer:
            zh.photographer = who.group(1).strip()
        elif zh.has_photo:
            zh.captions.append(text)
        elif _CREDIT.match(text) and not _SECTION.match(text):
            _credit(zh, number, text)
        else:
            zh.paragraphs.append(text)


def _credit(zh: _Chinese, number: int, text: str) -> None:
    if zh.credit:
        zh.warnings.append(_warn(number, "a second credit line", text))
    else:
        zh.credit = text


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _page_conflict(en: _English, zh: _Chinese) -> list[str]:
    if en.page is not None and zh.page is not None and en.page != zh.page:
        return [f"page {en.page} in the English header, 第{zh.page}版 in the Chinese one"]
    return []
