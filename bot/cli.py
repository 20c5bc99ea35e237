"""archive-bot: ingest | ask | series | eval | train | figures | serve | chat | bench.

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
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from bot import followup, present
from bot.i18n import t
from index import figures as figs
from index.archive import iter_archive
from index.engine import Engine
from index.ranker import RankerMismatch
from index.store import IndexLocked, IndexOutdated, IndexUnavailable, IngestFailed, IngestReport, ingest
from index.text import detect_lang

# The project's own data folder, wherever the command is run from: a relative default
# would build an empty index in whatever folder the user happens to be in.
DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_ARCHIVE = DATA / "archive"
DEFAULT_INDEX = DATA / "index"


USAGE = 2  # the exit code of bad usage
PROGRESS_REFRESH = 0.5  # seconds between progress bar redraws at most; the issue asks for at least one a second
SEPARATOR = "─" * 40  # between answers of a batch in text output
QUESTION_HELP = "the question; without it, questions are read from standard input, one a line"


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `archive-bot ask ... | head` ends quietly
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")  # bad bytes reach clean(), which drops them
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()  # a bare `archive-bot`: what it can do, not an error message
        return USAGE
    try:
        return args.run(args)
    except (IndexUnavailable, IndexLocked, IngestFailed, RankerMismatch) as error:
        print(f"archive-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _version() -> str:
    try:
        return metadata.version("archive-bot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _command(commands: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    """A subcommand whose help lists every option's default."""
    defaults = argparse.ArgumentDefaultsHelpFormatter
    return commands.add_parser(name, help=text, description=text, formatter_class=defaults)


def _index_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX, metavar="DIR",
                         help="the index folder (the default is built from the bundled sample when it does not exist)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archive-bot", description="Ask a bilingual People's Daily archive, "
                                     "in English or Chinese, in a terminal or in Telegram.",
                                     epilog="Exit codes: 0 success, 1 a failure the message explains, 2 bad usage. "
                                     "`archive-bot COMMAND --help` describes a command.")  # fmt: skip
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(metavar="COMMAND")

    command = _command(commands, "ingest", "build or update the index from an archive folder")
    command.add_argument("archive", type=Path, metavar="ARCHIVE_DIR", help="a folder of archive .txt files")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX, metavar="DIR",
                         help="the index folder to build or add to")
    command.add_argument("--rebuild", action="store_true",
                         help="build the index anew from ARCHIVE_DIR and every other folder it remembers")
    command.add_argument("--follow-links", action="store_true", help="also read links to files outside ARCHIVE_DIR")
    command.add_argument("--json", action="store_true", help="print the counts and errors as JSON")
    command.set_defaults(run=_ingest)

    command = _command(commands, "ask", "answer a question, or one per line of standard input")
    command.add_argument("question", nargs="?", metavar="QUESTION", help=QUESTION_HELP, default=None)
    _index_option(command)
    command.add_argument("--lang", choices=("en", "zh"), help="the answer's language (default: the question's)")
    command.add_argument("--json", action="store_true", help="one JSON answer per line (the contract of DESIGN.md)")
    command.set_defaults(run=_ask)

    command = _command(commands, "series", "a figure across the archive, one point a year: a table, JSON or a chart")
    command.add_argument("query", metavar="QUERY", help="what the figure measures, e.g. \"national grain output\" "
                         "or 全国粮食总产量")  # fmt: skip
    command.add_argument("--from", dest="start", type=int, metavar="YEAR", help="the first year shown")
    command.add_argument("--to", dest="end", type=int, metavar="YEAR", help="the last year shown")
    command.add_argument("--json", action="store_true", help="print the series as JSON (points with sources)")
    command.add_argument("--png", type=Path, metavar="FILE", help="also draw the series as a PNG chart into FILE")
    _index_option(command)
    command.add_argument("--lang", choices=("en", "zh"), help="the language of the table and chart "
                         "(default: the query's)")  # fmt: skip
    command.set_defaults(run=_series)

    command = _command(commands, "info", "what the index holds: articles, passages, figures, dates, folders")
    _index_option(command)
    command.set_defaults(run=_info)

    command = _command(commands, "figures", "the figures in a text, in either language")
    command.add_argument("text", metavar="TEXT", help="the text to read figures from")
    command.add_argument("--json", action="store_true", help="print a JSON list shaped like the answer's figure")
    command.set_defaults(run=_figures)

    command = _command(commands, "chat", "a terminal conversation with the archive (help, quit)")
    _index_option(command)
    command.set_defaults(run=_chat)

    command = _command(commands, "serve", "the Telegram bot (token from TELEGRAM_BOT_TOKEN)")
    _index_option(command)
    command.add_argument("--base-url", help="another Bot API server, e.g. http://127.0.0.1:8081/bot "
                         "(default: Telegram's)")  # fmt: skip
    command.add_argument("--webhook-url", help="receive updates by webhook at this public URL (default: long polling)")
    command.add_argument("--listen", default="127.0.0.1",
                         help="the address the webhook listens on; 0.0.0.0 for every interface")
    command.add_argument("--port", type=int, default=8443, help="local port for the webhook")
    command.add_argument("--state", type=Path, metavar="FILE",
                         help="the bot's state file (JSON, mode 0600; default: bot-state.json in the index folder)")
    command.set_defaults(run=_serve)

    command = _command(commands, "eval", "score answers to labelled questions, beside raw BM25 top-1")
    command.add_argument("questions", type=Path, metavar="QUESTIONS", help="a JSON-lines question file")
    command.add_argument("archive", type=Path, metavar="ARCHIVE_DIR", help="the archive the questions are about")
    command.add_argument("--index", type=Path, help="an index of ARCHIVE_DIR to reuse (default: build a fresh one)")
    command.add_argument("--failures", action="store_true", help="list each failed question")
    command.add_argument("--json", action="store_true", help="print the summary as JSON")
    command.set_defaults(run=_eval)

    command = _command(commands, "train", "refit the answer ranker on labelled questions about an archive")
    command.add_argument("questions", type=Path, metavar="QUESTIONS", help="a JSON-lines file of training questions")
    command.add_argument("archive", type=Path, metavar="ARCHIVE_DIR", help="the archive the questions are about")
    command.add_argument("--dev", type=Path, required=True, metavar="DEV_QUESTIONS",
                         help="questions (other articles) that choose the regularisation and the threshold")
    command.add_argument("--index", type=Path,
                         help="an index of ARCHIVE_DIR: train on it and save the ranker in it (default: a fresh one)")
    command.add_argument("--out", type=Path, help="where to write the ranker (default: INDEX/ranker.json)")
    command.set_defaults(run=_train)

    command = _command(commands, "bench", "measure ingest and answers on a synthetic archive")
    command.add_argument("--passages", type=int, default=10_000, help="passages in the synthetic archive")
    command.add_argument("--queries", type=int, default=200, help="questions timed")
    command.add_argument("--json", action="store_true", help="print the measures as JSON")
    command.set_defaults(run=_bench)
    return parser


def _usage(message: str) -> int:
    print(f"archive-bot: {message}", file=sys.stderr)
    return USAGE


def _ingest(args: argparse.Namespace) -> int:
    if not args.archive.is_dir():
        print(f"archive-bot: no archive folder at {args.archive}", file=sys.stderr)
        return 1
    if args.index.exists() and not args.index.is_dir():
        print(f"archive-bot: --index {args.index} is a file; give a folder for the index", file=sys.stderr)
        return 1
    if next(iter_archive(args.archive), None) is None:
        print(f"archive-bot: {args.archive} holds no .txt files; an archive is a folder of .txt articles "
              "(nested folders are fine), see docs/ARCHIVE_FORMAT.md", file=sys.stderr)  # fmt: skip
        return 1
    with _progress_bar() as progress:
        report = ingest(args.archive, args.index, progress=progress, rebuild=args.rebuild,
                        follow_links=args.follow_links)
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


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar with rate and time left on a terminal's stderr (tqdm refreshes it at
    least every second while files go by); nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    with tqdm(unit="file", file=sys.stderr, mininterval=PROGRESS_REFRESH) as bar:

        def show(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield show


def open_engine(index_dir: Path) -> Engine:
    """The engine over index_dir. The default index is built from the sample archive when it does not exist,
    brought up to date when a file of the sample archive is newer (`git pull` brought articles), and built again
    when an older version laid it out (`make run` after an update): a damaged index is reported, never
    replaced."""
    if index_dir == DEFAULT_INDEX and not index_dir.exists():
        _build_default(index_dir, "building the index")
    elif index_dir == DEFAULT_INDEX and _sample_changed(index_dir):
        _build_default(index_dir, "the sample archive changed; bringing the index up to date")
    try:
        return Engine.open(index_dir)
    except IndexOutdated:
        if index_dir != DEFAULT_INDEX:
            raise
        _build_default(index_dir, "the index was built by an older version; building it again")
        return Engine.open(index_dir)


def _sample_changed(index_dir: Path) -> bool:
    """A file of the sample archive, or its folder (a file removed), is newer than the index's last ingest: a
    stat a file, where comparing contents would cost a read."""
    built = index_dir / "CURRENT"
    if not built.exists() or not DEFAULT_ARCHIVE.exists():
        return False
    newest = max(path.stat().st_mtime for path in (DEFAULT_ARCHIVE, *DEFAULT_ARCHIVE.rglob("*.txt")))
    return newest > built.stat().st_mtime


def _build_default(index_dir: Path, doing: str) -> None:
    if not any(DEFAULT_ARCHIVE.rglob("*.txt")):
        raise IndexUnavailable(f"no index at {index_dir} that this version reads, and the sample archive to build "
                               f"it from is missing too ({DEFAULT_ARCHIVE}); pass --index DIR")
    print(f"archive-bot: {doing} from {DEFAULT_ARCHIVE} ...", file=sys.stderr)
    ingest(DEFAULT_ARCHIVE, index_dir)


def _ask(args: argparse.Namespace) -> int:
    if args.question is not None and not args.question.strip():
        return _usage("the question is empty; ask something, e.g. archive-bot ask \"border trade in 1987\"")
    if args.question is None and sys.stdin.isatty():
        return _usage("no question: give one (archive-bot ask \"QUESTION\") or pipe questions, one a line")
    engine = open_engine(args.index)
    questions: Iterable[str] = [args.question] if args.question is not None else sys.stdin
    for number, question in enumerate(questions):
        result = engine.reply(question, lang=args.lang)
        if args.json:
            print(json.dumps(present.reply_json(result), ensure_ascii=False), flush=True)
        else:
            print(("" if number == 0 else f"\n{SEPARATOR}\n\n") + present.reply_text(result), flush=True)
    return 0


def _series(args: argparse.Namespace) -> int:
    if not args.query.strip():
        return _usage("the query is empty; name a figure, e.g. archive-bot series \"national grain output\"")
    if args.start is not None and args.end is not None and args.start > args.end:
        return _usage(f"--from {args.start} is after --to {args.end}")
    engine = open_engine(args.index)
    series = engine.series(args.query, lang=args.lang, start=args.start, end=args.end)
    lang = series.lang
    if not series.points:
        print(f"archive-bot: {present.series_none(series, lang, args.start, args.end)}", file=sys.stderr)
        return 1
    if args.png:
        from bot.chart import png  # matplotlib is loaded only to draw

        try:
            args.png.write_bytes(png(series, lang))
        except OSError as error:
            print(f"archive-bot: cannot write the chart to {args.png}: {error.strerror}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(present.series_json(series), ensure_ascii=False))
    else:
        print(present.series_text(series, lang))
    return 0


def _info(args: argparse.Namespace) -> int:
    engine = open_engine(args.index)
    print(present.about(engine.stats(), "en"))
    print(f"Index: {args.index.resolve()}")
    for folder in engine.archives():
        print(f"Archive folder: {folder}")
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
            print(present.reply_text(engine.reply(question)) + "\n")
            previous = question


def _serve(args: argparse.Namespace) -> int:
    from bot.app import serve  # telegram is imported only by the command that needs it

    if args.index == DEFAULT_INDEX:
        open_engine(args.index)
    return serve(args.index, args.base_url, args.webhook_url, args.port, args.state, args.listen)


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
    print(f"ranker written to {out} (cites a figure from probability {ranker.answer.threshold:.3f}, "
          f"gives a passage from {ranker.passage.threshold:.3f})")
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
        report = evaluate(questions, args.archive, lambda q: present.told(engine.ask(q)),
                          (engine.every_passage(), engine.analyzer))
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
