"""A benchmark anyone can rerun: a synthetic bilingual archive, ingested, then asked.

The archive is generated deterministically as real archive files: Chinese from
jieba's own dictionary words, Zipf-weighted, each with a made-up English word as
its "translation", figures in 万/亿 with matching English figures, dates over
1946-2003. The same questions then go through `Engine.ask`, `TextIndex.search`
alone, and rank-bm25's BM25Okapi on the very same tokens (up to BM25_LIMIT
passages), to time them and to check that the rankings agree.

Serving figures (cold start, ask latency, RSS) are measured in a fresh
subprocess that only opens the index, so neither the ingest nor the reference
BM25 weighs on them.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import jieba

from index import store, text
from index.content import Content, doc_number
from index.engine import Engine
from index.search import TextIndex
from index.text import Analyzer

SEED = 1989
VOCABULARY = 30_000
PASSAGES_PER_ARTICLE = 8
WORDS_PER_PASSAGE = (18, 40)
BM25_LIMIT = 100_000
UPDATE_ARTICLES = 1000  # added to the built index, to time an incremental update
SERIES_QUERIES = 50  # of the questions, also asked as series: each reads 40 times the passages an answer reads
K1, B = 1.2, 0.75  # tantivy's BM25 constants, given to rank-bm25 too
FIRST_DAY, LAST_DAY = date(1946, 5, 15), date(2003, 12, 31)
_ZH_UNITS = (("元", "yuan"), ("吨", "tons"), ("人", "people"), ("公斤", "kilograms"))
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


@dataclass(frozen=True)
class Word:
    zh: str
    en: str


@dataclass(frozen=True)
class Question:
    text: str
    lang: str


def run(passages: int, queries: int) -> dict:
    """Generate, ingest, ask; one flat dict of the figures the issue names."""
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as temporary:
        archive, index_dir = Path(temporary) / "archive", Path(temporary) / "index"
        questions = write_archive(archive, passages, queries)
        started = time.perf_counter()
        report = store.ingest(archive, index_dir)
        ingest_s = time.perf_counter() - started
        result: dict = {
            "passages": report.passages,
            "articles": report.articles,
            "ingest_s": round(ingest_s, 2),
            "ingest_passages_per_s": round(report.passages / ingest_s),
            "ingest_errors": [str(error) for error in report.errors],
            "index_mb": round(_disk_mb(index_dir), 1),
        }
        result.update(serve_in_subprocess(index_dir, questions))
        result.update(compare_with_rank_bm25(index_dir, questions))
        result.update(update_with_new_articles(archive, index_dir, max(1, min(UPDATE_ARTICLES, report.articles // 10))))
        result["machine"] = machine()
        return result


def summary(result: dict) -> str:
    """The figures for a person, one per line."""
    lines = [
        f"passages          {result['passages']:,} ({result['articles']:,} articles)",
        f"ingest            {result['ingest_s']} s, {result['ingest_passages_per_s']:,} passages/s",
        *(f"ingest error      {error}" for error in result["ingest_errors"]),
        f"index on disk     {result['index_mb']} MB",
        f"serving RSS       {result['rss_mb']} MB",
        f"cold start        {result['cold_start_s']} s (open + first answer, fresh process)",
        f"ask               p50 {result['ask_p50_ms']} ms, p99 {result['ask_p99_ms']} ms",
        f"search alone      p50 {result['search_p50_ms']} ms",
        f"series            p50 {result['series_p50_ms']} ms, p99 {result['series_p99_ms']} ms",
        f"update            {result['update_s']} s to add {result['update_articles']:,} articles",
    ]
    if result.get("rank_bm25_p50_ms") is None:
        lines.append(f"rank-bm25         skipped above {BM25_LIMIT:,} passages")
    else:
        lines += [
            f"rank-bm25         p50 {result['rank_bm25_p50_ms']} ms, ours {result['speedup_p50']}x faster",
            f"top-1 agreement   {result['top1_agreement']} ({result['top1_queries']} queries with rare terms)",
            f"top-10 overlap    {result['top10_overlap']} (all queries)",
        ]
    lines.append(f"machine           {result['machine']}")
    return "\n".join(lines)


# --- the synthetic archive -------------------------------------------------------------


def vocabulary(size: int = VOCABULARY) -> list[Word]:
    """jieba's most frequent all-Han words of 2-4 characters, most frequent first."""
    entries = []
    with jieba.get_dict_file() as handle:
        for line in handle:
            word, freq = line.decode("utf-8").split()[:2]
            if 2 <= len(word) <= 4 and text.HAN.fullmatch(word[0]) and all(text.HAN.match(c) for c in word):
                entries.append((-int(freq), word))
    entries.sort()
    english = _english_words()
    return [Word(zh, next(english)) for _, zh in entries[:size]]


def _english_words() -> Iterator[str]:
    """Made-up words of two or more syllables, none an English stopword."""
    n = len(_SYLLABLES)
    index = n  # two syllables at least
    while True:
        digits, rest = [], index
        while rest:
            rest, digit = divmod(rest, n)
            digits.append(_SYLLABLES[digit])
        word = "".join(reversed(digits))
        if word not in text.EN_STOPWORDS and word not in text.EN_SAME:
            yield word
        index += 1


class Writer:
    """Draws articles from one seeded generator, so a size always gives the same archive."""

    def __init__(self, words: list[Word], seed: int = SEED) -> None:
        self.random = random.Random(seed)
        self.words = words
        self.weights = list(_cumulative(1 / (rank + 1) for rank in range(len(words))))
        self.days = (LAST_DAY - FIRST_DAY).days

    def draw(self, count: int) -> list[Word]:
        return self.random.choices(self.words, cum_weights=self.weights, k=count)

    def paragraph(self) -> tuple[str, str, list[Word]]:
        """A Chinese paragraph, its English, and the words it was made of."""
        words = self.draw(self.random.randint(*WORDS_PER_PASSAGE))
        cut = self.random.randint(4, len(words) - 4)
        zh_figure, en_figure = self.figure()
        zh = "".join(w.zh for w in words[:cut]) + f"，达{zh_figure}，" + "".join(w.zh for w in words[cut:]) + "。"
        en_words = [w.en for w in words]
        en = " ".join(en_words[:cut]) + f", reaching {en_figure}, " + " ".join(en_words[cut:]) + "."
        return zh, en[0].upper() + en[1:], words

    def figure(self) -> tuple[str, str]:
        """One figure in 万/亿 and the same in English: 3422.7万吨, 34.227 million tons."""
        magnitude, power = self.random.choice((("万", 4), ("亿", 8)))
        value = Decimal(self.random.randint(11, 99_999)) / (10 if self.random.random() < 0.4 else 1)
        unit_zh, unit_en = self.random.choice(_ZH_UNITS)
        return f"{value}{magnitude}{unit_zh}", f"{_english_number(value.scaleb(power))} {unit_en}"

    def article(self, number: int, passages: int) -> tuple[str, str, list[list[Word]]]:
        """(relative path, file text, words of each passage) of one article."""
        day = FIRST_DAY + timedelta(days=self.random.randrange(self.days))
        page = self.random.randint(1, 8)
        title = self.draw(4)
        paragraphs = [self.paragraph() for _ in range(passages)]
        title_zh = "".join(w.zh for w in title)
        title_en = " ".join(w.en for w in title).title()
        english = "\n\n".join(en for _, en, _ in paragraphs)
        chinese = "\n".join(f"    {zh}" for zh, _, _ in paragraphs)
        body = (
            f"Title: {title_en}\n\nDate: {day.isoformat()}\n\nPage: {page}\n\n{english}\n\n<hr />\n\nOriginal:\n\n"
            f"### {title_zh}\n{day.isoformat()}\n第{page}版(要闻)\n专栏：\n\n    {title_zh}\n{chinese}\n"
        )
        path = f"{day.year}/{day.isoformat()}_p{page}_{number:07d}.txt"
        return path, body, [words for _, _, words in paragraphs]


def write_archive(folder: Path, passages: int, queries: int) -> list[Question]:
    """Write about `passages` passages as archive files; questions made of their words."""
    writer = Writer(vocabulary())
    chosen = set(random.Random(SEED + 1).sample(range(passages), min(queries, passages)))
    sources: list[list[Word]] = []
    number = 0
    while number * PASSAGES_PER_ARTICLE < passages:
        count = min(PASSAGES_PER_ARTICLE, passages - number * PASSAGES_PER_ARTICLE)
        path, body, words = writer.article(number, count)
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        first = number * PASSAGES_PER_ARTICLE
        sources.extend(w for i, w in enumerate(words, start=first) if i in chosen)
        number += 1
    return [_question(words, i % 2 == 0, random.Random(SEED + i)) for i, words in enumerate(sources)]


def update_with_new_articles(archive: Path, index_dir: Path, articles: int) -> dict:
    """Add articles to the archive and time the ingest that brings the index up to date."""
    writer = Writer(vocabulary(), seed=SEED + 2)
    for number in range(articles):
        path, body, _ = writer.article(10**7 + number, PASSAGES_PER_ARTICLE)  # numbers no first build uses
        target = archive / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    started = time.perf_counter()
    report = store.ingest(archive, index_dir)
    assert report.added == articles, report
    return {"update_articles": articles, "update_s": round(time.perf_counter() - started, 2)}


def _question(words: list[Word], chinese: bool, draw: random.Random) -> Question:
    """Three distinct words of one passage, asked as a figure question."""
    distinct = list(dict.fromkeys(words))
    picked = draw.sample(distinct, min(3, len(distinct)))
    if chinese:
        return Question("".join(w.zh for w in picked) + "有多少？", "zh")
    return Question("How much " + " ".join(w.en for w in picked) + "?", "en")


def _english_number(value: Decimal) -> str:
    for size, name in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if value >= size:
            return f"{(value / size).normalize():f} {name}"
    return f"{int(value):,}"


def _cumulative(values: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


# --- serving: a fresh process that only opens the index -------------------------------


def serve_in_subprocess(index_dir: Path, questions: list[Question]) -> dict:
    """Cold start, ask and search latency and peak RSS, from a process that did nothing else."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([[q.text, q.lang] for q in questions], handle, ensure_ascii=False)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "index.bench", str(index_dir), handle.name], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # the child prints a line once its first answer is out
    cold_start = time.perf_counter() - started
    rest = child.stdout.read()
    os.unlink(handle.name)
    if child.wait() != 0 or first.strip() != "ready":
        raise RuntimeError(f"the serving process failed (exit {child.returncode}); its error is above")
    figures = json.loads(rest)
    return {"cold_start_s": round(cold_start, 3), **figures}


def _serve(index_dir: Path, questions_file: Path) -> None:
    """The child's side: open, answer the first question, say so, then time the rest."""
    questions = [Question(t, lang) for t, lang in json.loads(questions_file.read_text(encoding="utf-8"))]
    engine = Engine.open(index_dir)
    engine.ask(questions[0].text, questions[0].lang)
    print("ready", flush=True)
    asks = _timed(lambda q: engine.ask(q.text, q.lang), questions)
    tokens = [(engine.analyzer.analyze(q.text, q.lang), q.lang) for q in questions]
    searches = _timed(lambda pair: engine.search.search(pair[0], pair[1], 10), tokens)
    series = _timed(lambda q: engine.series(q.text, q.lang), questions[:SERIES_QUERIES])
    print(json.dumps({
        "ask_p50_ms": _percentile(asks, 50),
        "ask_p99_ms": _percentile(asks, 99),
        "search_p50_ms": _percentile(searches, 50),
        "series_p50_ms": _percentile(series, 50),
        "series_p99_ms": _percentile(series, 99),
        "rss_mb": round(_peak_rss_mb(), 1),
    }))


def _timed(work: Callable, items: list) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        work(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(percent / 100 * len(ordered)) - 1)], 3)


def _peak_rss_mb() -> float:
    """VmHWM: the most resident memory the process ever had."""
    return int(_proc_field("/proc/self/status", "VmHWM:").split()[1]) / 1024


# --- the reference: rank-bm25 on the same tokens -----------------------------------------


def compare_with_rank_bm25(index_dir: Path, questions: list[Question]) -> dict:
    """rank-bm25's latency, and how often its ranking agrees with ours."""
    empty = {"rank_bm25_p50_ms": None, "speedup_p50": None, "top1_agreement": None, "top1_queries": 0,
             "top10_overlap": None}
    generation = store.current(index_dir)
    search = TextIndex(generation / "tantivy")
    if search.count() > BM25_LIMIT:
        return empty
    analyzer = Analyzer.load(generation)
    docs, corpus = _corpus(generation, analyzer)
    from rank_bm25 import BM25Okapi  # only the comparison needs it (and numpy)

    models = {lang: BM25Okapi(corpus[lang], k1=K1, b=B) for lang in corpus}
    times, ours_times, top1, overlaps = [], [], [], []
    for question in questions:
        tokens = analyzer.analyze(question.text, question.lang)
        started = time.perf_counter()
        scores = models[question.lang].get_scores(tokens)
        reference = scores.argsort()[::-1][:10]
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ours = [docs.index_of[doc] for doc, _ in search.search(tokens, question.lang, 10)]
        ours_times.append((time.perf_counter() - started) * 1000)
        overlaps.append(len(set(ours) & set(reference.tolist())) / 10)
        if ours and all(search.doc_freq(question.lang, t) < len(docs.order) / 2 for t in tokens):
            top1.append(scores[ours[0]] >= scores[reference[0]] * (1 - 1e-9))  # ties count as agreement
    reference_p50, ours_p50 = _percentile(times, 50), _percentile(ours_times, 50)
    return {
        "rank_bm25_p50_ms": reference_p50,
        "speedup_p50": round(reference_p50 / ours_p50, 1),
        "top1_agreement": round(sum(top1) / len(top1), 3) if top1 else None,
        "top1_queries": len(top1),
        "top10_overlap": round(sum(overlaps) / len(overlaps), 3),
    }


@dataclass
class _Docs:
    order: list[int]
    index_of: dict[int, int]


def _corpus(generation: Path, analyzer: Analyzer) -> tuple[_Docs, dict[str, list[list[str]]]]:
    """Every stored passage analyzed as ingest analyzed it (the same function), in doc order."""
    content = Content(generation / "content.sqlite", readonly=True)
    hashes = {aid: digest for aid, digest in content.hashes().values()}
    articles = [
        store.Prepared(article, hashes[article.id], content.article_passages(article.id))
        for article in content.articles()
    ]
    content.close()
    analyzed = store.analyze_all(articles, analyzer)
    rows = sorted(
        (
            (doc_number(passage.id, item.content_hash), tokens)
            for item, passages_tokens in zip(articles, analyzed, strict=True)
            for passage, tokens in zip(item.passages, passages_tokens, strict=True)
        ),
        key=lambda row: row[0],
    )
    order = [doc for doc, _ in rows]
    return _Docs(order, {doc: i for i, doc in enumerate(order)}), {
        lang: [terms.passage[lang].split() for _, terms in rows] for lang in ("en", "zh")
    }


def _disk_mb(folder: Path) -> float:
    """Like du: allocated blocks of every file under the folder."""
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*") if p.is_file()) / 2**20


def machine() -> str:
    cpu = _proc_field("/proc/cpuinfo", "model name").split(":", 1)[1].strip()
    memory_kb = int(_proc_field("/proc/meminfo", "MemTotal").split()[1])
    return f"{os.cpu_count()} cores, {cpu}, {memory_kb / 2**20:.0f} GB RAM, Python {sys.version.split()[0]}"


def _proc_field(path: str, key: str) -> str:
    return next(line for line in Path(path).read_text().splitlines() if line.startswith(key))

if __name__ == "__main__":
    _serve(Path(sys.argv[1]), Path(sys.argv[2]))
