"""Build the telegram.ext.Application and run it (`archive-bot serve`).

The token is a secret: it appears in every Bot API URL, which PTB's HTTP client
(httpx) logs, and in some of PTB's own messages. `TokenFilter` removes it from
every log record that reaches a handler, and httpx is kept at WARNING.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, PersistenceInput, PicklePersistence

from bot.flood import FloodGate
from bot.handlers import ArchiveBot
from bot.i18n import t
from bot.worker import EngineWorker
from index.store import IndexUnavailable

log = logging.getLogger(__name__)

STATE_FILE = "bot-state.pickle"  # next to the index folder: a rebuild of the index keeps it
COMMANDS = ("start", "help", "ask", "lang", "about")
REDACTED = "[TOKEN]"


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


def build_application(
    token: str,
    engine: EngineWorker,
    base_url: str | None = None,
    state_path: Path | None = None,
    flood: FloodGate | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready to run: rate limited, persistent when `state_path` is given, and
    processing updates concurrently so one slow answer does not hold up other chats."""
    builder = (
        Application.builder()
        .token(token)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
        .post_init(_register_commands)
    )
    if base_url:
        builder = builder.base_url(base_url)
    if state_path:
        store = PersistenceInput(chat_data=False, callback_data=False)
        builder = builder.persistence(PicklePersistence(state_path, store_data=store))
    app = builder.build()
    ArchiveBot(engine, flood).register(app)
    return app


def _fail(message: str) -> int:
    print(f"archive-bot serve: {message}", file=sys.stderr)
    return 1


def serve(index_dir: Path, base_url: str | None, webhook_url: str | None, port: int) -> int:
    """Runs the bot until SIGTERM or Ctrl-C; long polling, or a webhook at `webhook_url`
    (listening on `port`, checked with a secret token). Returns the exit code."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return _fail("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and export its token.")
    try:
        engine = EngineWorker(index_dir)
    except IndexUnavailable as error:
        return _fail(str(error))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redaction = install_redaction(token)
    try:
        app = build_application(token, engine, base_url, index_dir.parent / STATE_FILE)
        if webhook_url:
            app.run_webhook(
                listen="0.0.0.0",
                port=port,
                url_path=urlsplit(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                secret_token=secrets.token_urlsafe(32),
                close_loop=False,
            )
        else:
            app.run_polling(close_loop=False)
    except (TelegramError, OSError) as error:
        return _fail(redaction.redact(f"the bot stopped: {error}"))
    finally:
        engine.close()
    return 0
