"""Helpers for the tests that kill processes: find them, wait for them, probe the ingest lock."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from index import store

POLL_S = 0.02  # how often a bounded wait looks again


def marked(mark: str) -> set[int]:
    """Live processes (not zombies) whose environment holds `mark`: an ingest and its forked workers."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            alive = (entry / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
            if alive and mark.encode() in (entry / "environ").read_bytes():
                found.add(int(entry.name))
        except OSError:
            continue  # ended while we looked
    return found


def wait_until(condition: Callable[[], bool], bound: float) -> bool:
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True


def lock_is_free(index_dir: Path) -> bool:
    descriptor = os.open(index_dir / store.LOCK_FILE, os.O_RDWR)
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise
    finally:
        os.close(descriptor)  # and with it our lock
    return True
