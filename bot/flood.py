"""Flood control per user and per group chat, on top of Telegram's own limits.

A token bucket per key (a user, or a group chat): a burst of `burst` questions is
answered, then one question every `interval` seconds. Only questions count. The
first question over the limit gets one note saying that it, and every question sent
before a time the note names, will not be answered: the rest of that episode is
dropped without a word, so a flooding user or group costs the bot almost nothing,
other chats are served as usual, and each asker knows which questions get an answer.

A group's budget is half of what Telegram lets a bot send to one group
(20 messages a minute): the answers it admits, the one note, an answer split in
two and button edits then all fit in Telegram's allowance, so a reply never waits
in the rate limiter, and a handler never waits there with an update in hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

TELEGRAM_GROUP_MESSAGES_PER_MINUTE = 20
GROUP_BURST = TELEGRAM_GROUP_MESSAGES_PER_MINUTE // 2
GROUP_INTERVAL = 60.0 / GROUP_BURST  # seconds per question once the burst is spent: 10 a minute
USER_BURST = 5
USER_INTERVAL = 2.0
IDLE_KEYS_KEPT = 10_000  # buckets kept before full (idle) ones are forgotten


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: tell the user once
    DROP = "drop"  # over the limit, already told


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class FloodGate:
    def __init__(
        self, burst: int = USER_BURST, interval: float = USER_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.interval = interval
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    @classmethod
    def for_groups(cls, clock: Callable[[], float] = time.monotonic) -> FloodGate:
        return cls(GROUP_BURST, GROUP_INTERVAL, clock)

    def check(self, key: int) -> Verdict:
        """ALLOW, WARN or DROP for one more question from `key` (a user id or a chat id)."""
        now = self._clock()
        bucket = self._buckets.setdefault(key, _Bucket(float(self.burst), now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) / self.interval)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            self._forget_idle(now)
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def wait(self, key: int) -> float:
        """Seconds until `key` has a question's budget again (0 when it has one now)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = min(self.burst, bucket.tokens + (self._clock() - bucket.stamp) / self.interval)
        return max(0.0, (1 - tokens) * self.interval)

    def _forget_idle(self, now: float) -> None:
        """Full buckets carry no information: drop them so memory stays bounded."""
        if len(self._buckets) < IDLE_KEYS_KEPT:
            return
        full_after = self.burst * self.interval
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.stamp < full_after}
