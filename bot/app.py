"""Build the telegram.ext.Application and run it (`archive-bot serve`).

The token is a secret: it appears in every Bot API URL, which PTB's HTTP client
(httpx) logs, and in some of PTB's own messages. `TokenFilter` removes it from
every log record that reaches a handler, and httpx is kept at WARNING.

State is data (bot/state.py, a JSON file), never a pickle; updates, by long polling
or webhook, go through bot/inbox.py, which stores each one before Telegram is told it
arrived and marks it before a reply to it leaves.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import secrets
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.flood import FloodGate
from bot.handlers import ArchiveBot
from bot.i18n import t
from bot.inbox import Inbox, MarkingRateLimiter, Poller, Webhook
from bot.state import STATE_NAME, BotState, retire_pickle
from bot.worker import EngineWorker
from index.store import IndexUnavailable

log = logging.getLogger(__name__)

INBOX_SUFFIX = ".updates.sqlite"  # the update queue lives beside the state file
INDEX_KEY = 12  # hex digits of the index path's hash naming its state folder: unique enough on one machine
COMMANDS = ("start", "help", "ask", "chart", "lang", "about")
REDACTED = "[TOKEN]"
# A bot token as @BotFather gives it: the bot's id, a colon, the secret.
TOKEN_SHAPE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{8,}")
# The webhook serves behind a reverse proxy (TLS ends there): only local connections reach it.
DEFAULT_LISTEN = "127.0.0.1"


class TokenFilter(logging.Filter):
    """Replaces the token (and its secret half alone) in a record's message and traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        secret = token.partition(":")[2]
        self._secrets = sorted({s for s in (token, secret) if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call elsewhere must not break logging here
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(token: str) -> TokenFilter:
    """Adds a TokenFilter to every handler of the root logger; quiets httpx's URL lines."""
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return token_filter


async def _register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for lang, code in (("en", None), ("zh", "zh")):
        commands = [BotCommand(name, t(f"cmd_{name}", lang)) for name in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=code)


def default_state(index_dir: Path) -> Path:
    """Inside the index folder: private to its owner as the index is, and kept by a rebuild
    (which replaces generations inside the folder, never the folder). An index on a read-only
    medium keeps its bot's state in the user's state folder instead, one folder per index."""
    if os.access(index_dir, os.W_OK):
        return index_dir / STATE_NAME
    home = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    folder = home / "archive-bot" / hashlib.sha1(str(index_dir.resolve()).encode()).hexdigest()[:INDEX_KEY]
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / STATE_NAME


def inbox_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + INBOX_SUFFIX)


def build_application(
    token: str,
    engine: EngineWorker,
    base_url: str | None = None,
    state: BotState | None = None,
    flood: FloodGate | None = None,
    group_flood: FloodGate | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready to run: rate limited, and processing updates concurrently so one slow
    answer does not hold up other chats. Its state is saved at shutdown too."""
    bot_state = state or BotState(None)

    async def save_state(_: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await bot_state.save()

    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(MarkingRateLimiter(max_retries=2))
        .concurrent_updates(True)
        .post_init(_register_commands)
        .post_stop(save_state)
    )
    if base_url:
        builder = builder.base_url(base_url)
    app = builder.build()
    ArchiveBot(engine, bot_state, flood, group_flood).register(app)
    return app


@asynccontextmanager
async def _started(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """The Application initialised and started (its post_init run) for the block, then stopped."""
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        try:
            yield
        finally:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)


async def poll(app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox, stop: asyncio.Event) -> None:
    """Runs the Application on the Inbox's long polling until `stop` is set."""
    async with _started(app):
        await Poller(app, inbox).run(stop)


async def hook(
    app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox, stop: asyncio.Event, listen: str, port: int, url: str
) -> None:
    """Runs the Application on the Inbox's webhook at `url` (served on `listen`:`port`, checked
    with a secret token made for this run) until `stop` is set."""
    async with _started(app):
        await Webhook(app, inbox).run(stop, listen, port, url, urlsplit(url).path, secrets.token_urlsafe(32))


async def _until_signalled(run: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run(stop)


def _fail(message: str) -> int:
    print(f"archive-bot serve: {message}", file=sys.stderr)
    return 1


def serve(
    index_dir: Path,
    base_url: str | None,
    webhook_url: str | None,
    port: int,
    state_path: Path | None = None,
    listen: str = DEFAULT_LISTEN,
) -> int:
    """Runs the bot until SIGTERM or Ctrl-C; long polling, or a webhook at `webhook_url`
    (listening on `port`, checked with a secret token). State in `state_path` (default
    inside the index folder). Returns the exit code."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return _fail("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and export its token.")
    if not TOKEN_SHAPE.fullmatch(token):
        return _fail("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters, digits, "
                     "- and _, as @BotFather gives it); check for quotes or spaces.")  # fmt: skip
    try:
        engine = EngineWorker(index_dir)
    except IndexUnavailable as error:
        return _fail(str(error))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redaction = install_redaction(token)
    retire_pickle(index_dir.parent)
    state_path = state_path or default_state(index_dir)
    inbox: Inbox | None = None
    try:
        app = build_application(token, engine, base_url, BotState(state_path))
        inbox = queue = Inbox(inbox_path(state_path))
        if webhook_url:
            asyncio.run(_until_signalled(lambda stop: hook(app, queue, stop, listen, port, webhook_url)))
        else:
            asyncio.run(_until_signalled(lambda stop: poll(app, queue, stop)))
    except InvalidToken:
        return _fail("Telegram rejected TELEGRAM_BOT_TOKEN; copy the bot's token from @BotFather again.")
    except (TelegramError, OSError, sqlite3.Error) as error:
        return _fail(redaction.redact(f"the bot stopped: {error}"))
    finally:
        if inbox is not None:
            inbox.close()
        engine.close()
    return 0
