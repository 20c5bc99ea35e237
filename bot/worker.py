"""The engine on its own thread, awaited from the bot's event loop.

The engine is synchronous and keeps a SQLite connection, which belongs to the
thread that opened it; so one worker thread opens it and runs every call, and
the event loop stays free to answer other users (and inline queries in time).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from index.engine import Engine

T = TypeVar("T")


class EngineWorker:
    def __init__(self, index_dir: Path) -> None:
        """Opens the engine; raises index.store.IndexUnavailable like Engine.open."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        try:
            self._engine = self._pool.submit(Engine.open, index_dir).result()
        except BaseException:
            self._pool.shutdown(wait=False)
            raise

    async def run(self, call: Callable[[Engine], T], timeout: float) -> T:
        """`call(engine)` on the worker thread; TimeoutError after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self._pool, call, self._engine), timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
