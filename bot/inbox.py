"""No question lost to a restart: received updates are stored before Telegram is told so.

Telegram forgets an update once a getUpdates call asks for a later offset. The
poller stores each batch in a small SQLite queue (committed) before it asks for
the next offset, hands each new update to the Application, and marks it done when
its handlers have finished. After a crash (kill -9 included) the next start
answers the stored updates not marked done, then polls on from the stored offset.
An update Telegram delivers again (fetched, stored, not yet acknowledged when the
bot died) is recognised by its id and not answered twice.

The queue is written with WAL and synchronous=NORMAL: a commit survives the death
of the process (it is in the OS's hands), which is the failure this guards against.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

log = logging.getLogger(__name__)

FILE_MODE = 0o600  # the queue holds users' questions
MAX_ATTEMPTS = 3  # an update that killed the bot this many times is given up, not replayed forever
POLL_TIMEOUT = 10  # seconds a getUpdates call waits for updates (long polling)
POLL_LIMIT = 100  # updates per getUpdates call (Telegram's maximum)
HTTP_MARGIN = 5.0  # seconds beyond POLL_TIMEOUT before the HTTP read gives up
RETRY_DELAY = 1.0  # seconds before polling again after a network error
MAX_IN_FLIGHT = 256  # updates being handled at once; beyond this the poller waits (memory stays bounded)
STOP_GRACE = 10.0  # seconds a stop waits for updates in hand; the rest are answered after the restart

_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    done INTEGER NOT NULL DEFAULT 0
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

    def close(self) -> None:
        self.db.close()

    def next_offset(self) -> int:
        """The offset that acknowledges every update stored."""
        (stored,) = self.db.execute("SELECT COALESCE(MAX(update_id) + 1, 0) FROM updates").fetchone()
        acked = self.db.execute("SELECT value FROM meta WHERE key = 'offset'").fetchone()
        return max(int(stored), int(acked[0]) if acked else 0)

    def store(self, updates: list[Update], acked: int) -> list[Update]:
        """Stores a fetched batch in one transaction; returns the updates not seen before.
        `acked` is the offset just sent, which Telegram has taken as an acknowledgement:
        done updates below it can never come again, so they are forgotten."""
        new = []
        with self.db:
            self.db.execute("BEGIN")
            for update in updates:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO updates (update_id, body) VALUES (?, ?)",
                    (update.update_id, json.dumps(update.to_dict())),
                )
                if cursor.rowcount:
                    new.append(update)
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('offset', ?)", (acked,))
            self.db.execute("DELETE FROM updates WHERE done = 1 AND update_id < ?", (acked,))
        return new

    def unfinished(self) -> list[dict[str, Any]]:
        """Stored updates not answered, counting this as one more attempt at each; those
        tried MAX_ATTEMPTS times already are given up (logged by id only)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("UPDATE updates SET attempts = attempts + 1 WHERE done = 0")
            rows = self.db.execute(
                "SELECT update_id, body, attempts FROM updates WHERE done = 0 ORDER BY update_id"
            ).fetchall()
            given_up = [update_id for update_id, _, attempts in rows if attempts > MAX_ATTEMPTS]
            self.db.executemany("UPDATE updates SET done = 1 WHERE update_id = ?", [(i,) for i in given_up])
        for update_id in given_up:
            log.warning("update %s was given up after %s attempts", update_id, MAX_ATTEMPTS)
        return [json.loads(body) for _, body, attempts in rows if attempts <= MAX_ATTEMPTS]

    def done(self, update_id: int) -> None:
        self.db.execute("UPDATE updates SET done = 1 WHERE update_id = ?", (update_id,))


class Poller:
    """Long polling through the Inbox, in place of PTB's Updater."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox) -> None:
        self.app = app
        self.inbox = inbox
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def run(self, stop: asyncio.Event) -> None:
        """Answers what an earlier run left unanswered, then polls until `stop` is set."""
        await self.app.bot.delete_webhook()
        for data in self.inbox.unfinished():
            await self._dispatch(Update.de_json(data, self.app.bot))
        while not stop.is_set():
            batch = await self._fetch(stop)
            if batch is None:
                break
            offset, updates = batch
            for update in self.inbox.store(updates, offset):
                await self._dispatch(update)
        await self._finish()

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

    async def _dispatch(self, update: Update) -> None:
        await self._slots.acquire()  # waits only when MAX_IN_FLIGHT updates are in hand
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        """Runs the handlers (errors go to the Application's error handler), then marks it done."""
        try:
            try:
                await self.app.process_update(update)
            except Exception:
                log.exception("update %s could not be processed", update.update_id)
            self.inbox.done(update.update_id)  # not reached when cancelled at stop: kept for the restart
        finally:
            self._slots.release()

    async def _finish(self) -> None:
        """Lets updates in hand finish for a while; those cut short stay stored for the next start."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=STOP_GRACE)
        for task in late:
            task.cancel()
        if late:
            log.info("%s updates still in hand at stop are kept for the next start", len(late))
