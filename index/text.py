"""Language detection and the analyzers, one object per index, the same at index and query time.

Both analyzers fold Unicode width (NFKC) first, so full-width digits and
punctuation (１９８９, ６０％) meet their half-width forms. The Chinese one segments
with jieba's dictionary plus the names of its own archive: each index keeps its own
words (saved beside it), so two indexes in one process never share them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rjieba
import Stemmer

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
_ZH_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CLAUSE_BREAK = re.compile(r"[\s，。；：！？（）“”‘’《》,.;:!?()\"']+")
_ALL_HAN = re.compile(r"[\u4e00-\u9fff]+")
_YEAR_END = re.compile(r"(?<=\d)年(?=[\u4e00-\u9fff])")  # 1992年来桂林: 年 closes the year, not 年来
_ASKING = re.compile(r"^(几|多少)")  # 几座, 多少种: the question's measure, never in an answer
_MAGNITUDES = {"万", "亿", "万亿"}

# Function words, question words and the words every question about a figure
# uses: none of them says which passage answers.
EN_STOPWORDS = frozenset(
    """a an and are as at be been being by did do does for from had has have how i in into is it its
    many much of on or tell than that the their them there these they this those to was were what when
    where which who whom whose why will with would you your me my please about can could should any
    some""".split()
)
ZH_STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 为 有 也 都 就 而 并 或 被 把 对 从 到 由 以 之 其 这 那 个 吗 呢 吧 啊 么
    多少 几 什么 哪 哪些 哪个 哪一年 哪年 怎么 怎样 如何 为什么 谁 是否 是不是 请问 请 一下 告诉 我
    我们 你 你们 他 他们 它 多 少 年 月 日 号 达 共 总共 一共""".split()
)

# Irregular forms the stemmer leaves apart, names spelt two ways, and the words a reader and a
# translator use for one thing (visitors / tourists): each group folds to its first word.
_EN_GROUPS = (
    "begin began begun", "grow grew grown", "rise rose risen", "fall fell fallen", "build built",
    "send sent", "make made", "spend spent", "sell sold", "buy bought purchase purchased", "win won",
    "take took taken", "give gave given", "go went gone", "come came", "hold held", "meet met",
    "soviet ussr", "labor labour", "tons tonnes", "ton tonne", "tourists visitors arrivals",
    "tourist visitor arrival", "enterprises firms companies", "enterprise firm company",
    "workers laborers labourers employees", "worker laborer labourer employee",
    "build construct constructed", "output production",
)
_ZH_GROUPS = (
    "游客 旅游者 客人 旅客 游人", "职工 工人 员工 建设者 施工人员", "在校 在读", "海外 境外",
    "建设 修建 兴建 建造", "参加 参与", "外资 外商投资", "增长 增加", "产量 产出",
)
EN_SAME = {word: group.split()[0] for group in _EN_GROUPS for word in group.split()[1:]}
ZH_SAME = {word: group.split()[0] for group in _ZH_GROUPS for word in group.split()[1:]}

_stemmer = Stemmer.Stemmer("english")
STEMS = 1 << 17  # English words whose stems are remembered: an archive's vocabulary, and a few MB
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # what str.isalnum() holds of a character


def fold(text: str) -> str:
    """NFKC and lower case: full-width forms become ASCII."""
    return unicodedata.normalize("NFKC", text).lower()


def detect_lang(text: str, default: str = "en") -> str:
    """Han characters mean Chinese; Latin letters English; neither, the caller's default."""
    if HAN.search(text):
        return "zh"
    if re.search(r"[A-Za-z]", text):
        return "en"
    return default


def analyze_en(text: str) -> list[str]:
    """Words and numbers, stopwords dropped, Snowball-stemmed; 9,000 also as 9000."""
    tokens: list[str] = []
    for word in _EN_WORD.findall(fold(text)):
        if word[0].isdigit():
            tokens.append(word.replace(",", ""))
        elif word not in EN_STOPWORDS:
            tokens.append(EN_SAME.get(word, word))
    return [t if t[0].isdigit() else _stem(t) for t in tokens]


@lru_cache(maxsize=STEMS)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def analyze_zh(text: str, cut: Callable[[str], Iterable[str]]) -> list[str]:
    """jieba search-mode words; a number keeps its 万/亿 as one more token."""
    tokens: list[str] = []
    previous = ""
    for word in cut(_YEAR_END.sub("年 ", fold(text))):
        word = word.strip()
        if word in _MAGNITUDES and _ZH_NUMBER.fullmatch(previous):
            tokens.append(previous + word)
        elif word and word not in ZH_STOPWORDS and _is_content(word) and not _ASKING.match(word):
            tokens.append(ZH_SAME.get(word, word))
        previous = word
    return tokens


def _is_content(word: str) -> bool:
    return _LETTER_OR_DIGIT.search(word) is not None


def list_names(text: str) -> set[str]:
    """Items of 、-separated lists (绥芬河、黑河、同江): in this paper, mostly names.

    Inner items are whole; an outer item may carry a neighbouring word, so it
    counts only when short and bounded by punctuation.
    """
    names: set[str] = set()
    for segment in _CLAUSE_BREAK.split(text):
        items = segment.split("、")
        if len(items) < 2:
            continue
        names.update(i for i in items[1:-1] if 2 <= len(i) <= 4 and _ALL_HAN.fullmatch(i))
        names.update(i for i in (items[0], items[-1]) if 2 <= len(i) <= 3 and _ALL_HAN.fullmatch(i))
    return names


_NAME_TAGS = ("ns", "nr", "nt", "nz")
_NOT_NAMES = EN_STOPWORDS | set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday i".split()
)
# Sentence ends; a decimal point is not one (2.5 million), nor a full stop inside a number.
_SENTENCE_END = {"zh": re.compile(r"[。！？；!?;]+"), "en": re.compile(r"[.!?;]+(?=\s|$)")}
NAME_FREQ = 2000  # as frequent as a common word: an archive name stays whole against jieba's splits
WORDS_FILE = "words.txt"


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text: where it stands, [start, end), and its analyzed terms."""

    start: int
    end: int
    terms: tuple[str, ...]

    def holds(self, at: int) -> bool:
        return self.start <= at < self.end


class Analyzer:
    """The analyzers of one index: English is the same for every archive; Chinese segments with
    jieba's dictionary (in rjieba, its Rust port) plus the archive's names."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._zh = rjieba.Jieba()
        self.names: set[str] = set()
        self.learn(names)

    def learn(self, names: Iterable[str]) -> None:
        """Archive names (places, people) to segment whole from now on."""
        for name in set(names) - self.names:
            self._zh.add_word(name, NAME_FREQ, None)
            self.names.add(name)

    @classmethod
    def load(cls, folder: Path) -> Analyzer:
        path = folder / WORDS_FILE
        return cls(path.read_text(encoding="utf-8").split() if path.exists() else ())

    def saved(self) -> str:
        """What `load` reads back from WORDS_FILE."""
        return "\n".join(sorted(self.names))

    def analyze(self, text: str, lang: str) -> list[str]:
        return analyze_zh(text, self._zh.cut_for_search) if lang == "zh" else analyze_en(text)

    def sentences(self, body: str, lang: str) -> list[Sentence]:
        """A text's sentences, each with its terms: the same terms as the whole text's, cut where a
        sentence ends (a word never spans a sentence end)."""
        starts = [0, *(m.end() for m in _SENTENCE_END[lang].finditer(body))]
        bounds = [(a, b) for a, b in zip(starts, [*starts[1:], len(body)], strict=True) if body[a:b].strip()]
        return [Sentence(a, b, tuple(self.analyze(body[a:b], lang))) for a, b in bounds]

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """Chinese words with jieba's part-of-speech tags (ns place, nr person, n noun, v verb, ...)."""
        return [(word, tag) for word, tag in self._zh.tag(text, True)]

    def entities(self, question: str, lang: str) -> list[str]:
        """The names a question asks about, as analyzed terms: capitalised English words after the
        first, Chinese words jieba tags as place, person or organisation names."""
        if lang == "zh":
            names = [word for word, tag in self.tagged(fold(question)) if tag in _NAME_TAGS and len(word) > 1]
            return [t for name in names for t in self.analyze(name, "zh")[-1:]]
        words = re.findall(r"[A-Za-z][A-Za-z'’]*", question)[1:]
        return [t for w in words if w[0].isupper() and w.lower() not in _NOT_NAMES for t in analyze_en(w)]
