"""Flood control: a burst, one note, silence, then service again; users are independent."""

from __future__ import annotations

from bot.flood import FloodGate, Verdict


def test_a_burst_then_one_note_then_silence_then_service_again() -> None:
    now = [0.0]
    gate = FloodGate(burst=5, interval=2.0, clock=lambda: now[0])
    verdicts = [gate.check(1) for _ in range(30)]
    assert verdicts[:5] == [Verdict.ALLOW] * 5
    assert verdicts[5] is Verdict.WARN and set(verdicts[6:]) == {Verdict.DROP}
    assert gate.check(2) is Verdict.ALLOW  # another user is not slowed down
    now[0] = 2.0
    assert gate.check(1) is Verdict.ALLOW
    assert gate.check(1) is Verdict.WARN  # a new episode gets its own note
