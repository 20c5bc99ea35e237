"""Ingest through the command line: counts, bad files, re-runs, updates, the index folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE

from index.engine import Engine
from index.search import MASK_BITS, TextIndex
from index.store import FORMAT_VERSION, IndexUnavailable, current, ingest

REFERENCE = "1989-08-29_p4_south-connect-north-open.txt"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(name="archive")
def archive_fixture(tmp_path: Path) -> Path:
    """The sample article, a copy of it in a nested folder, and four bad files."""
    folder = tmp_path / "archive"
    (folder / "1990" / "may").mkdir(parents=True)
    text = (SAMPLE / REFERENCE).read_text(encoding="utf-8")
    (folder / REFERENCE).write_text(text, encoding="utf-8")
    (folder / "1990" / "may" / "copy.txt").write_text(text.replace("1989-08-29", "1990-05-02"), encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"Title: x\n\n\xff\xfe\x00\x01garbage")
    (folder / "nodate.txt").write_text("Title: No date\n\nSome English text without a date.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "header.txt").write_text("Title: Only a header\n\nDate: 1990-01-01\n", encoding="utf-8")
    return folder


def test_ingest_reports_bad_files_and_keeps_the_good(archive: Path, tmp_path: Path) -> None:
    result = run_cli("ingest", str(archive), "--index", str(tmp_path / "ix"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 2
    assert report["passages"] == 14
    assert report["figures"] > 40
    bad = {e["file"] for e in report["errors"]}
    assert bad == {"binary.txt", "nodate.txt", "empty.txt", "header.txt"}
    assert all(e["error"] and isinstance(e["line"], int) for e in report["errors"])
    for name in bad:
        assert name in result.stderr


def test_second_run_skips_unchanged_files_with_the_same_counts(archive: Path, tmp_path: Path) -> None:
    first = json.loads(run_cli("ingest", str(archive), "--index", str(tmp_path / "ix"), "--json").stdout)
    second = json.loads(run_cli("ingest", str(archive), "--index", str(tmp_path / "ix"), "--json").stdout)
    assert (second["articles"], second["passages"], second["figures"]) == (
        first["articles"], first["passages"], first["figures"])
    assert second["unchanged"] == 2 and second["added"] == 0


def test_changed_and_deleted_files_are_reflected(archive: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(archive, index_dir)
    copy = archive / "1990" / "may" / "copy.txt"
    copy.write_text(copy.read_text(encoding="utf-8").replace("绥芬河", "满洲里"), encoding="utf-8")
    (archive / REFERENCE).unlink()
    report = ingest(archive, index_dir)
    assert (report.articles, report.updated, report.removed) == (1, 1, 1)
    answer = Engine.open(index_dir).ask("满洲里、黑河、同江口岸")
    assert answer.found and answer.hit is not None and "满洲里" in answer.hit.passage.zh


def test_no_archive_folder_is_a_clear_failure(tmp_path: Path) -> None:
    result = run_cli("ingest", str(tmp_path / "missing"), "--index", str(tmp_path / "ix"))
    assert result.returncode == 1
    assert "no archive folder" in result.stderr


def test_missing_or_damaged_index_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="ingest"):
        Engine.open(tmp_path / "nothing")
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    generation = current(index_dir)
    (generation / "manifest.json").write_text('{"format": 999}')
    result = run_cli("ask", "--index", str(index_dir), "border trade")
    assert result.returncode == 1
    assert "format 999" in result.stderr and "ingest" in result.stderr
    (generation / "manifest.json").write_text("not json")
    with pytest.raises(IndexUnavailable, match="damaged"):
        Engine.open(index_dir)
    (generation / "manifest.json").write_text(json.dumps({"format": FORMAT_VERSION}))
    shutil.rmtree(generation / "tantivy")
    (generation / "content.sqlite").write_bytes(b"garbage" * 100)
    with pytest.raises(IndexUnavailable, match="damaged"):
        Engine.open(index_dir)


def test_a_rebuild_replaces_the_generation_whole(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    before = current(index_dir)
    ingest(SAMPLE, index_dir, rebuild=True)
    after = current(index_dir)
    assert after != before and not before.exists()
    assert Engine.open(index_dir).stats().articles == 1


def test_an_unfinished_build_leaves_the_previous_index_answering(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    # What a build killed before its switch leaves behind: a half-written generation.
    shutil.copytree(current(index_dir), index_dir / "gen-9")
    (index_dir / "gen-9" / "manifest.json").unlink()
    assert Engine.open(index_dir).ask("How many laborers were sent to the Soviet Union?").found
    ingest(SAMPLE, index_dir, rebuild=True)
    assert not (index_dir / "gen-9").exists()


def test_an_open_engine_follows_updates_and_rebuilds(archive: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    engine = Engine.open(index_dir)

    def names_manzhouli() -> bool:
        return any("满洲里" in passage.zh for _, passage in engine.every_passage())

    assert not names_manzhouli()
    copy = archive / "1990" / "may" / "copy.txt"
    copy.write_text(copy.read_text(encoding="utf-8").replace("绥芬河", "满洲里"), encoding="utf-8")
    ingest(archive, index_dir)  # an update in place, adding a second folder
    assert names_manzhouli()
    assert engine.stats().articles == 3
    copy.write_text(copy.read_text(encoding="utf-8").replace("满洲里", "绥芬河"), encoding="utf-8")
    ingest(SAMPLE, index_dir, rebuild=True)  # a new generation, read again from both folders
    assert not names_manzhouli()
    assert engine.stats().articles == 3


def test_an_index_path_with_uri_characters_stays_inside_its_folder(tmp_path: Path) -> None:
    index_dir = tmp_path / "q?x#y" / "ix"
    ingest(SAMPLE, index_dir)
    assert (current(index_dir) / "content.sqlite").exists()
    assert not (tmp_path / "q").exists()
    assert Engine.open(index_dir).ask("How many laborers were sent to the Soviet Union?").found


def test_a_year_finds_the_passage_that_says_this_year(sample_index: Path) -> None:
    """The reference article of 1989 says 今年 ("this year"), never 1989, of its contracts: the passage is
    indexed under 1989 too, so a search for the year alone finds it, in both languages."""
    engine = Engine.open(sample_index)
    for lang in ("zh", "en"):
        found = engine.content.passages([doc for doc, _ in engine.search.search(["1989"], lang, 10)])
        assert any("今年" in p.zh and "1989" not in p.zh for p in found.values()), lang


def test_each_index_segments_with_its_own_archive_names(tmp_path: Path) -> None:
    """A name listed in one archive (岔路沟 among ports) is one word in that index, and only there."""
    archive = tmp_path / "archive"
    archive.mkdir()
    text = (SAMPLE / REFERENCE).read_text(encoding="utf-8")
    (archive / REFERENCE).write_text(text.replace("绥芬河、黑河、同江", "绥芬河、岔路沟、同江"), encoding="utf-8")
    ingest(archive, tmp_path / "named")
    ingest(SAMPLE, tmp_path / "plain")
    named, plain = Engine.open(tmp_path / "named"), Engine.open(tmp_path / "plain")
    assert "岔路沟" in named.analyzer.analyze("岔路沟口岸", "zh")
    assert "岔路沟" not in plain.analyzer.analyze("岔路沟口岸", "zh")
    assert "岔路沟" in Engine.open(tmp_path / "named").analyzer.analyze("岔路沟口岸", "zh")  # saved with the index
    assert named.ask("岔路沟口岸").hit is not None


def test_the_progress_moves_while_files_are_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bar fed by ingest moves before the first file of a batch is stored, and ends at every file."""
    from index import store

    folder = tmp_path / "many"
    folder.mkdir()
    text = (SAMPLE / REFERENCE).read_text(encoding="utf-8")
    files = store.SMALL + 10  # enough to be parsed by worker processes
    for n in range(files):
        (folder / f"{n:03}.txt").write_text(text, encoding="utf-8")
    shown: list[tuple[int, int]] = []
    at_first_store: list[int] = []
    storing = store._store

    def store_noting(*args: object) -> None:
        if not at_first_store:
            at_first_store.append(shown[-1][0] if shown else 0)
        storing(*args)

    monkeypatch.setattr(store, "_store", store_noting)
    ingest(folder, tmp_path / "ix", progress=lambda done, total: shown.append((done, total)))
    assert at_first_store[0] >= files // 2 - 1  # the whole batch parsed, and the bar showed it
    assert [done for done, _ in shown] == sorted(done for done, _ in shown) and shown[-1] == (files, files)


def test_an_index_of_an_older_format_is_rebuilt_with_every_folder_it_remembers(archive: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    ingest(SAMPLE, index_dir)
    generation = current(index_dir)
    # what format 2 wrote: each folder with its files; this version cannot read that index
    (generation / "manifest.json").write_text(json.dumps({"format": 2}))
    (generation / "archives.json").write_text(json.dumps({str(SAMPLE.resolve()): [REFERENCE]}))
    report = ingest(archive, index_dir)  # built anew: the sample's folder is read again, not dropped
    assert (report.articles, report.removed) == (3, 0)
    assert Engine.open(index_dir).archives() == sorted([str(SAMPLE.resolve()), str(archive.resolve())])


def test_a_sentence_citing_several_figures_is_searched_once_and_ranks_each_of_them(engine: Engine) -> None:
    """One context document a sentence pair: its words find every figure it cites, at one score and rank."""
    cited = [(p, k) for a in engine.content.articles() for p in engine.passages(a.id)
             for k, f in enumerate(p.figures) if f.lang == "zh"]  # fmt: skip
    assert engine.contexts.count() < len(cited)
    sentences = {}
    for passage, position in cited:
        start = passage.figures[position].span[0]
        sentence = next(s for s in engine.analyzer.sentences(passage.zh, "zh") if s.holds(start))
        sentences.setdefault((passage.id, sentence), []).append(position)
    (_, sentence), positions = max(sentences.items(), key=lambda item: len(item[1]))
    assert len(positions) >= 2
    hits = engine.contexts.search_figures(list(sentence.terms), "zh", len(positions))
    # one document for the sentence's figures whose translations stand in one English sentence
    best = [hit for hit in hits if hit[2] == hits[0][2]]
    assert sorted(p for _, figures, _ in best for p in figures) == positions
    assert len(best) < len(positions)


def test_figures_past_a_masks_width_keep_their_positions(tmp_path: Path) -> None:
    """A table read as one paragraph may cite more figures than one bitmask holds."""
    contexts = TextIndex(tmp_path / "contexts", create=True)
    contexts.add(7, "a", 19890829, 4, {"zh": "粮食 产量"}, figures=(2, 5, MASK_BITS, 2 * MASK_BITS + 1))
    contexts.commit()
    found = contexts.search_figures(["粮食"], "zh", 10)
    assert sorted(p for _, figures, _ in found for p in figures) == [2, 5, MASK_BITS, 2 * MASK_BITS + 1]
    assert {doc for doc, _, _ in found} == {7}
