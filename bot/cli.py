"""archive-bot: ingest | ask | eval | train | figures | serve | chat | bench.

Exit codes: 0 success, 1 a failure the message explains, 2 bad usage.
"""

from __future__ import annotations

import argparse
import io
import json
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bot import followup, present
from bot.i18n import t
from index import figures as figs
from index.engine import Engine
from index.ranker import RankerMismatch
from index.store import IndexLocked, IndexUnavailable, IngestReport, ingest
from index.text import detect_lang

DEFAULT_ARCHIVE = Path("data/archive")
DEFAULT_INDEX = Path("data/index")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `archive-bot ask ... | head` ends quietly
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")  # bad bytes reach clean(), which drops them
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (IndexUnavailable, IndexLocked, RankerMismatch) as error:
        print(f"archive-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archive-bot", description="Ask a bilingual People's Daily archive.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    command = commands.add_parser("ingest", help="build or update the index from an archive folder")
    command.add_argument("archive", type=Path, metavar="ARCHIVE_DIR")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    command.add_argument("--rebuild", action="store_true", help="build a new index instead of updating")
    command.add_argument("--json", action="store_true", help="print the counts and errors as JSON")
    command.set_defaults(run=_ingest)

    command = commands.add_parser("ask", help="answer a question, or one per line of standard input")
    command.add_argument("question", nargs="?", metavar="QUESTION")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    command.add_argument("--lang", choices=("en", "zh"))
    command.add_argument("--json", action="store_true", help="one JSON answer per line")
    command.set_defaults(run=_ask)

    command = commands.add_parser("figures", help="the figures in a text, in either language")
    command.add_argument("text", metavar="TEXT")
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=_figures)

    command = commands.add_parser("chat", help="a terminal conversation with the archive")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    command.set_defaults(run=_chat)

    command = commands.add_parser("serve", help="the Telegram bot (token from TELEGRAM_BOT_TOKEN)")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    command.add_argument("--base-url", help="another Bot API server, e.g. http://127.0.0.1:8081/bot")
    command.add_argument("--webhook-url", help="receive updates by webhook at this public URL")
    command.add_argument("--port", type=int, default=8443, help="local port for the webhook")
    command.add_argument("--state", type=Path, metavar="FILE",
                         help="the bot's state file (JSON, mode 0600; default: bot-state.json in the index folder)")
    command.set_defaults(run=_serve)

    command = commands.add_parser("eval", help="score answers to labelled questions, beside raw BM25 top-1")
    command.add_argument("questions", type=Path, metavar="QUESTIONS", help="a JSON-lines question file")
    command.add_argument("archive", type=Path, metavar="ARCHIVE_DIR", help="the archive the questions are about")
    command.add_argument("--index", type=Path, help="an index of ARCHIVE_DIR to reuse (default: build a fresh one)")
    command.add_argument("--failures", action="store_true", help="list each failed question")
    command.add_argument("--json", action="store_true", help="print the summary as JSON")
    command.set_defaults(run=_eval)

    command = commands.add_parser("train", help="refit the answer ranker on labelled questions about an archive")
    command.add_argument("questions", type=Path, metavar="QUESTIONS", help="a JSON-lines file of training questions")
    command.add_argument("archive", type=Path, metavar="ARCHIVE_DIR", help="the archive the questions are about")
    command.add_argument("--dev", type=Path, required=True, metavar="DEV_QUESTIONS",
                         help="questions (other articles) that choose the regularisation and the threshold")
    command.add_argument("--index", type=Path,
                         help="an index of ARCHIVE_DIR: train on it and save the ranker in it (default: a fresh one)")
    command.add_argument("--out", type=Path, help="where to write the ranker (default: INDEX/ranker.json)")
    command.set_defaults(run=_train)

    command = commands.add_parser("bench", help="measure ingest and answers on a synthetic archive")
    command.add_argument("--passages", type=int, default=10_000)
    command.add_argument("--queries", type=int, default=200)
    command.add_argument("--json", action="store_true")
    command.set_defaults(run=_bench)
    return parser


def _ingest(args: argparse.Namespace) -> int:
    if not args.archive.is_dir():
        print(f"archive-bot: no archive folder at {args.archive}", file=sys.stderr)
        return 1
    report = ingest(args.archive, args.index, progress=_progress_bar() if sys.stderr.isatty() else None,
                    rebuild=args.rebuild)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(json.dumps(_report_json(report), ensure_ascii=False) if args.json else _report_line(report))
    return 0 if report.articles else 1


def _report_json(report: IngestReport) -> dict:
    return {
        "articles": report.articles,
        "passages": report.passages,
        "figures": report.figures,
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "unchanged": report.unchanged,
        "errors": [{"file": e.path, "line": e.line, "error": e.reason} for e in report.errors],
    }


def _report_line(report: IngestReport) -> str:
    return (
        f"{report.articles} articles, {report.passages} passages, {report.figures} figures "
        f"({report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged; {len(report.errors)} files with errors)"
    )


def _progress_bar() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", end=end, file=sys.stderr)

    return show


def open_engine(index_dir: Path) -> Engine:
    """The engine over index_dir; the default index is (re)built from the sample archive when unusable."""
    try:
        return Engine.open(index_dir)
    except IndexUnavailable:
        if index_dir != DEFAULT_INDEX:
            raise
    print(f"archive-bot: building the index from {DEFAULT_ARCHIVE} ...", file=sys.stderr)
    ingest(DEFAULT_ARCHIVE, index_dir, rebuild=True)
    return Engine.open(index_dir)


def _ask(args: argparse.Namespace) -> int:
    engine = open_engine(args.index)
    questions: Iterable[str] = [args.question] if args.question is not None else sys.stdin
    for question in questions:
        result = engine.ask(question, lang=args.lang)
        print(json.dumps(present.as_json(result), ensure_ascii=False) if args.json else present.text(result),
              flush=True)
    return 0


def _figures(args: argparse.Namespace) -> int:
    found = figs.extract(args.text)
    if args.json:
        print(json.dumps([figs.as_json(f) for f in found], ensure_ascii=False))
    else:
        for figure in found:
            print(f"{figure.text}\t{figs.as_json(figure)['value']} {figure.unit} ({figure.qualifier})")
    return 0


CHAT_QUIT = frozenset({"quit", "exit", "/quit", "/exit"})
CHAT_HELP = frozenset({"help", "?", "/help"})


def _line_editing() -> None:
    """Arrow keys edit the line and recall earlier questions, on a terminal (readline, where
    Python has it; on a pipe it would only add escape codes)."""
    if sys.stdin.isatty():
        with suppress(ImportError):
            import readline  # noqa: F401 (importing it gives input() line editing and history)


def _chat(args: argparse.Namespace) -> int:
    engine = open_engine(args.index)
    _line_editing()
    print(t("chat_hello", "en"), file=sys.stderr)
    previous = ""
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            print(file=sys.stderr)
            return 0
        word = line.lower()
        if word in CHAT_QUIT:
            return 0
        if word in CHAT_HELP:
            print(t("chat_help", detect_lang(previous or line)) + "\n")
        elif line:
            question = followup.rewrite(previous, line) if previous else line
            print(present.text(engine.ask(question)) + "\n")
            previous = question


def _serve(args: argparse.Namespace) -> int:
    from bot.app import serve  # telegram is imported only by the command that needs it

    if args.index == DEFAULT_INDEX:
        open_engine(args.index)
    return serve(args.index, args.base_url, args.webhook_url, args.port, args.state)


def _train(args: argparse.Namespace) -> int:
    from index.evaluate import load_questions
    from index.training import train

    out = args.out or (args.index / "ranker.json" if args.index else None)
    if out is None:
        print("archive-bot: say where the ranker goes: --index DIR (saved in it) or --out FILE", file=sys.stderr)
        return 2
    try:
        questions, dev = load_questions(args.questions), load_questions(args.dev)
    except (OSError, ValueError) as error:
        print(f"archive-bot: {error}", file=sys.stderr)
        return 1
    with _indexed(args.archive, args.index) as engine:
        ranker = train(engine, questions, dev, args.archive)
    out.write_text(ranker.to_json(), encoding="utf-8")
    print(f"ranker written to {out} (answers from probability {ranker.threshold:.3f})")
    return 0


@contextmanager
def _indexed(archive: Path, index_dir: Path | None) -> Iterator[Engine]:
    """The engine over `index_dir`, or over a fresh index of `archive` in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="archive-bot-") as scratch:
        if index_dir is None:
            index_dir = Path(scratch) / "index"
            ingest(archive, index_dir, rebuild=True)
        yield Engine.open(index_dir)


def _eval(args: argparse.Namespace) -> int:
    from index.evaluate import evaluate, load_questions

    try:
        questions = load_questions(args.questions)
    except (OSError, ValueError) as error:
        print(f"archive-bot: {error}", file=sys.stderr)
        return 1
    with _indexed(args.archive, args.index) as engine:
        report = evaluate(questions, args.archive, lambda q: present.told(engine.ask(q)), engine.every_passage())
    summary = report.summary()
    if args.failures:
        for verdict in report.failures():
            wrong = ", ".join(k for k, ok in verdict.checks.items() if not ok)
            print(f"{verdict.question.id} [{verdict.question.lang}] {verdict.question.question[:60]}: {wrong}; "
                  f"got {verdict.got}")
    print(json.dumps(summary) if args.json else _summary_table(summary))
    return 0


def _summary_table(summary: dict) -> str:
    rows = [f"{'measure':<16}{'answers':>9}{'BM25 top-1':>12}"]
    for measure in ("passage", "figure", "keywords", "lang", "abstain", "flagged", "false_declines"):
        value = summary[measure]
        floor = summary["bm25_top1_passage"] if measure == "passage" else None
        rows.append(f"{measure:<16}{_cell(value):>9}{_cell(floor):>12}")
    rows.append(f"{summary['questions']} questions, {summary['failed']} failed")
    return "\n".join(rows)


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _bench(args: argparse.Namespace) -> int:
    from index.bench import run, summary

    result = run(args.passages, args.queries)
    print(json.dumps(result) if args.json else summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
