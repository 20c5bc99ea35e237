"""Per-user flood control, on top of Telegram's own limits.

A token bucket per user: a burst of `burst` questions is answered, then one
question every `interval` seconds. The first update over the limit gets one
slow-down note; the rest of that episode is dropped silently, so a flooding user
costs the bot almost nothing and other users are served as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


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
        self, burst: int = 5, interval: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.interval = interval
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.setdefault(user_id, _Bucket(float(self.burst), now))
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

    def _forget_idle(self, now: float) -> None:
        """Full buckets carry no information: drop them so memory stays bounded."""
        if len(self._buckets) < 10_000:
            return
        full_after = self.burst * self.interval
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.stamp < full_after}
