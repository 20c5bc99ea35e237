"""No question lost to a restart, none answered twice: updates are stored before Telegram
is told they arrived, and marked before the first reply to them leaves.

Long polling (`Poller`): Telegram forgets an update once a getUpdates call asks for a
later offset, so each batch is stored in a small SQLite queue (committed) before the
next offset is asked for. Webhook (`Webhook`): Telegram resends an update until it gets
an HTTP 200, so the 200 is sent only after the update is committed. Either way each new
update is handed to the Application as its own task and marked done when its handlers
have finished; an update Telegram delivers again is recognised by its id.

At most once: just before the first Bot API request made while handling an update
leaves the bot (after any wait in the rate limiter), the update is marked `sending`
(committed). After a crash (kill -9 included) the next start answers the stored updates
not done and not `sending`; those `sending` may have been answered, so they are given up
with one log line each. An update is lost only when the bot dies between that mark and
Telegram's execution of the request (see docs/RELIABILITY.md).

The queue is written with WAL and synchronous=NORMAL: a commit survives the death of the
process (it is in the OS's hands), which is the failure this guards against.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hmac
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, Application

log = logging.getLogger(__name__)

FILE_MODE = 0o600  # the queue holds users' questions
MAX_ATTEMPTS = 3  # an update that killed the bot this many times is given up, not replayed forever
POLL_TIMEOUT = 10  # seconds a getUpdates call waits for updates (long polling)
POLL_LIMIT = 100  # updates per getUpdates call (Telegram's maximum)
HTTP_MARGIN = 5.0  # seconds beyond POLL_TIMEOUT before the HTTP read gives up
RETRY_DELAY = 1.0  # seconds before polling again after a network error
MAX_IN_FLIGHT = 256  # updates being handled at once; beyond this new ones wait (memory stays bounded)
STOP_GRACE = 10.0  # seconds a stop waits for updates in hand; the rest are answered after the restart
# Webhook mode has no offset telling which ids can never come again; the ids of this many
# answered updates are kept so that one Telegram resends (its 200 was lost) is recognised.
# At the load test's 50 updates a second that is over three minutes of Telegram's retries.
WEBHOOK_KEPT = 10_000
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # how Telegram proves a webhook call is its own

_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    done INTEGER NOT NULL DEFAULT 0,
    sending INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Inbox:
    """The queue of received updates (one SQLite file)."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))  # SQLite's WAL files take this mode
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(updates)")}
        if "sending" not in columns:  # a queue written before replies were marked
            self.db.execute("ALTER TABLE updates ADD COLUMN sending INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        self.db.close()

    def next_offset(self) -> int:
        """The offset that acknowledges every update stored."""
        (stored,) = self.db.execute("SELECT COALESCE(MAX(update_id) + 1, 0) FROM updates").fetchone()
        acked = self.db.execute("SELECT value FROM meta WHERE key = 'offset'").fetchone()
        return max(int(stored), int(acked[0]) if acked else 0)

    def _insert(self, update: Update) -> bool:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO updates (update_id, body) VALUES (?, ?)",
            (update.update_id, json.dumps(update.to_dict())),
        )
        return bool(cursor.rowcount)

    def store(self, updates: list[Update], acked: int) -> list[Update]:
        """Stores a fetched batch in one transaction; returns the updates not seen before.
        `acked` is the offset just sent, which Telegram has taken as an acknowledgement:
        done updates below it can never come again, so they are forgotten."""
        with self.db:
            self.db.execute("BEGIN")
            new = [update for update in updates if self._insert(update)]
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('offset', ?)", (acked,))
            self.db.execute("DELETE FROM updates WHERE done = 1 AND update_id < ?", (acked,))
        return new

    def store_one(self, update: Update) -> bool:
        """Stores one update from the webhook (committed on return); False when it was seen before."""
        with self.db:
            self.db.execute("BEGIN")
            new = self._insert(update)
            self.db.execute("DELETE FROM updates WHERE done = 1 AND update_id < ?", (update.update_id - WEBHOOK_KEPT,))
        return new

    def unfinished(self) -> list[dict[str, Any]]:
        """Stored updates to answer now, counting this as one more attempt at each. Given up
        (logged by id only): those a reply may have left for (`sending`), and those tried
        MAX_ATTEMPTS times already."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("UPDATE updates SET attempts = attempts + 1 WHERE done = 0")
            rows = self.db.execute(
                "SELECT update_id, body, attempts, sending FROM updates WHERE done = 0 ORDER BY update_id"
            ).fetchall()
            self.db.execute("UPDATE updates SET done = 1 WHERE done = 0 AND (sending = 1 OR attempts > ?)",
                            (MAX_ATTEMPTS,))  # fmt: skip
        for update_id, _, attempts, sending in rows:
            if sending:
                log.warning("update %s was being answered when the bot stopped; its reply may have reached "
                            "Telegram, so it is not answered again", update_id)  # fmt: skip
            elif attempts > MAX_ATTEMPTS:
                log.warning("update %s was given up after %s attempts", update_id, MAX_ATTEMPTS)
        return [json.loads(body) for _, body, attempts, sending in rows if not sending and attempts <= MAX_ATTEMPTS]

    def sending(self, update_id: int) -> None:
        self.db.execute("UPDATE updates SET sending = 1 WHERE update_id = ?", (update_id,))

    def done(self, update_id: int) -> None:
        self.db.execute("UPDATE updates SET done = 1 WHERE update_id = ?", (update_id,))


@dataclass
class _Handling:
    """The update the current task is handling, and whether it is marked `sending` yet."""

    inbox: Inbox
    update_id: int
    marked: bool = False


_HANDLING: contextvars.ContextVar[_Handling | None] = contextvars.ContextVar("handling", default=None)


class MarkingRateLimiter(AIORateLimiter):
    """PTB's rate limiter, which also marks the update being handled as `sending` at the
    last moment before a request for it leaves: after any wait for the rate limits."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        async def marked(*call_args: Any, **call_kwargs: Any) -> Any:
            handling = _HANDLING.get()
            if handling is not None and not handling.marked:
                handling.inbox.sending(handling.update_id)
                handling.marked = True
            return await callback(*call_args, **call_kwargs)

        return await super().process_request(marked, args, kwargs, endpoint, data, rate_limit_args)


class Receiver:
    """Hands stored updates to the Application, each as its own task, and marks them done."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox) -> None:
        self.app = app
        self.inbox = inbox
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def replay(self) -> None:
        """Answers what an earlier run left unanswered."""
        for data in self.inbox.unfinished():
            await self.dispatch(Update.de_json(data, self.app.bot))

    async def dispatch(self, update: Update) -> None:
        await self._slots.acquire()  # waits only when MAX_IN_FLIGHT updates are in hand
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        """Runs the handlers (errors go to the Application's error handler), then marks it done."""
        _HANDLING.set(_Handling(self.inbox, update.update_id))  # this task's own context
        try:
            try:
                await self.app.process_update(update)
            except Exception:
                log.exception("update %s could not be processed", update.update_id)
            self.inbox.done(update.update_id)  # not reached when cancelled at stop: kept for the restart
        finally:
            self._slots.release()

    async def finish(self) -> None:
        """Lets updates in hand finish for a while; those cut short stay stored for the next start."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=STOP_GRACE)
        for task in late:
            task.cancel()
        if late:
            log.info("%s updates still in hand at stop are kept for the next start", len(late))


class Poller(Receiver):
    """Long polling through the Inbox, in place of PTB's Updater."""

    async def run(self, stop: asyncio.Event) -> None:
        """Answers what an earlier run left unanswered, then polls until `stop` is set."""
        await self.app.bot.delete_webhook()
        await self.replay()
        while not stop.is_set():
            batch = await self._fetch(stop)
            if batch is None:
                break
            offset, updates = batch
            for update in self.inbox.store(updates, offset):
                await self.dispatch(update)
        await self.finish()

    async def _fetch(self, stop: asyncio.Event) -> tuple[int, list[Update]] | None:
        """(the offset asked for, the updates), or None once `stop` is set. An update is
        acknowledged only by the next call, made after this batch is stored."""
        offset = self.inbox.next_offset()
        fetch = asyncio.ensure_future(
            self.app.bot.get_updates(offset=offset, limit=POLL_LIMIT, timeout=POLL_TIMEOUT,
                                     read_timeout=POLL_TIMEOUT + HTTP_MARGIN, allowed_updates=Update.ALL_TYPES)
        )  # fmt: skip
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()  # what it would have returned stays unacknowledged: Telegram sends it again
            with contextlib.suppress(asyncio.CancelledError):
                await fetch
            return None
        try:
            updates = fetch.result()
        except (Conflict, InvalidToken):
            raise  # another bot polls with this token, or the token is wrong: serve reports it
        except RetryAfter as error:
            delay = error.retry_after
            await asyncio.sleep(delay.total_seconds() if isinstance(delay, timedelta) else float(delay))
            return offset, []
        except (TimedOut, NetworkError) as error:
            log.warning("getUpdates failed (%s); polling again", type(error).__name__)
            await asyncio.sleep(RETRY_DELAY)
            return offset, []
        return offset, list(updates)


class _WebhookHandler(tornado.web.RequestHandler):
    """One POST from Telegram: checked, stored, then answered 200 (Telegram resends until then)."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, receiver: Webhook, secret: str) -> None:
        self.receiver = receiver
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            update = Update.de_json(json.loads(self.request.body), self.receiver.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("the webhook received a body that is not an update (%s)", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
        if self.receiver.inbox.store_one(update):  # committed before the 200 this method's return sends
            await self.receiver.dispatch(update)

    def log_exception(self, *args: Any) -> None:
        """Refusals are answered with their status; they are not errors of the bot."""


class Webhook(Receiver):
    """Receives updates by webhook through the Inbox, in place of PTB's Updater."""

    async def run(self, stop: asyncio.Event, listen: str, port: int, url: str, path: str, secret: str) -> None:
        """Answers what an earlier run left unanswered, listens on `listen`:`port` at `path`,
        registers `url` with Telegram, and serves until `stop` is set."""
        await self.replay()
        routes = [(rf"/{path.strip('/')}/?", _WebhookHandler, {"receiver": self, "secret": secret})]
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes, log_function=lambda _: None))
        server.listen(port, address=listen)
        try:
            await self.app.bot.set_webhook(url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            await stop.wait()
        finally:
            server.stop()  # no new connections; a call cut short is not answered 200, so Telegram resends it
            await server.close_all_connections()
            await self.finish()
