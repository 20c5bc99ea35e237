"""Load: the real bot, long polling the emulator, under 50 updates a second for 20 s.

Private questions, group questions (/ask and mentions) and inline queries are
mixed and injected at a steady rate by 250 users, each sending one of each kind
(and a second inline query) five seconds apart, so the production flood gate
(a burst of 5, then one question per 2 s) never slows anyone down. Every update
must be answered exactly once and without an API error. The answer latency
(injection to the bot's reply reaching the emulator) and the rate reached are printed
for docs/RELIABILITY.md, not asserted: on a busy machine the injector, which shares the
bot's process, falls behind, and speed belongs to measurements, not to pass or fail.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bot_fixtures import emulator_fixture, index_dir_fixture, running  # noqa: F401 (fixtures)
from emulator import Call, Emulator

from bot.flood import FloodGate
from bot.i18n import t

RATE = 50  # updates per second
SECONDS = 20
USERS = 250  # RATE * SECONDS / USERS = 4 updates per user, 5 s apart
GROUPS = 50  # Telegram's (and PTB's limiter's) 20 messages a minute per group: 5 each here
KINDS = ("private", "inline", "group", "inline")
QUESTIONS = {
    "en": (
        "What was Heilongjiang's border trade volume in 1987?",
        "How much were the new border trade contracts signed this year worth?",
        "What did the 1990 Asian Games cost?",
    ),
    "zh": ("对苏经济技术合作合同多少项？", "今年新签合同多少？"),
}
INLINE = ("border trade", "Swiss francs", "合同", "1987")
DRAIN = 25.0  # seconds allowed after the last injection for the last answers


@dataclass
class Sent:
    """One injected update: the key its answer is found by, and when it was injected."""

    key: tuple[object, ...]
    at: float


def _user(u: int) -> dict[str, object]:
    return Emulator.user(10_000 + u, "zh-hans" if u % 3 == 0 else "en")


async def _inject(emu: Emulator, i: int) -> Sent:
    """Update number `i` of the schedule: user i % USERS, kind rotating per user."""
    u, rnd = i % USERS, i // USERS
    user = _user(u)
    lang = "zh" if u % 3 == 0 else "en"
    question = QUESTIONS[lang][i % len(QUESTIONS[lang])]
    kind = KINDS[(rnd + u) % len(KINDS)]
    at = time.monotonic()
    if kind == "inline":
        query_id = await emu.inline(user, INLINE[i % len(INLINE)])
        return Sent(("inline", query_id), at)
    if kind == "private":  # one private question per user: the reply in that chat is its answer
        await emu.private(user, question)
        return Sent(("private", user["id"]), at)
    text = f"/ask {question}" if u % 2 else f"@{emu.me['username']} {question}"
    message = await emu.send(Emulator.group(-1_000_000 - i % GROUPS), user, text)
    return Sent(("group", message["chat"]["id"], message["message_id"]), at)


def _key(call: Call) -> tuple[object, ...] | None:
    """The update a successful answering call belongs to, else None."""
    if call.error:
        return None
    if call.method == "answerInlineQuery":
        return ("inline", str(call.params.get("inline_query_id")))
    if call.method != "sendMessage":
        return None
    chat, quoted = call.result["chat"], call.result.get("reply_to_message")
    if chat["type"] == "private":
        return ("private", chat["id"])
    return ("group", chat["id"], quoted["message_id"]) if quoted else ("group", chat["id"], None)


def _answers(emu: Emulator) -> dict[tuple[object, ...], list[Call]]:
    answers: dict[tuple[object, ...], list[Call]] = {}
    for call in list(emu.calls):
        if (key := _key(call)) is not None:
            answers.setdefault(key, []).append(call)
    return answers


async def _drain(emu: Emulator, keys: set[tuple[object, ...]]) -> None:
    """Waits until every key has an answer (or DRAIN runs out), then a little more for duplicates."""
    deadline = time.monotonic() + DRAIN
    while time.monotonic() < deadline and not keys <= _answers(emu).keys():
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)


async def test_fifty_updates_a_second_for_twenty_seconds_each_answered_once(
    emulator: Emulator, index_dir: Path, tmp_path: Path
) -> None:
    async with running(emulator, index_dir, tmp_path / "state.json", FloodGate()):
        start = time.monotonic()
        sent = []
        for i in range(RATE * SECONDS):
            await asyncio.sleep(max(0.0, start + i / RATE - time.monotonic()))
            sent.append(await _inject(emulator, i))
        injected_for = time.monotonic() - start
        await _drain(emulator, {s.key for s in sent})

    answers = _answers(emulator)
    assert not emulator.errors(), emulator.errors()[:3]
    missing = [s.key for s in sent if s.key not in answers]
    twice = {k: len(v) for k, v in answers.items() if len(v) > 1}
    strays = answers.keys() - {s.key for s in sent}
    assert not missing and not twice and not strays, (missing[:5], list(twice.items())[:5], list(strays)[:5])
    texts = {c.result["text"] for c in emulator.calls if c.method == "sendMessage" and c.result}
    notes = {t(key, lang, seconds=0).partition("0")[0]  # each note up to its number
             for key in ("slow_down", "error", "busy") for lang in ("en", "zh")}  # fmt: skip
    assert not [text for text in texts for note in notes if text.startswith(note)]  # nobody throttled, no failure

    latencies = sorted(answers[s.key][0].at - s.at for s in sent)
    cuts = statistics.quantiles(latencies, n=100)
    p50, p99 = cuts[49], cuts[98]
    print(
        f"\nload: {len(sent)} updates in {injected_for:.1f} s ({len(sent) / injected_for:.1f}/s), "
        f"{USERS} users, {GROUPS} groups; latency p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
