"""The bot's state as data: a JSON file, written atomically, readable only by its owner.

It holds each user's answer language and the questions behind recent answer buttons
(each bound to the chat it was asked in). It is never code: a file that cannot be
read or does not have this shape is reported in one log line, set aside under a new
name, and the bot starts with an empty state. A setting is saved as soon as it
changes; questions are saved at most every SAVE_INTERVAL seconds and at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = 1  # bumped when the shape below changes
FILE_MODE = 0o600  # user ids and questions are nobody else's business
MAX_BYTES = 20_000_000  # far above QUESTIONS_KEPT questions; a larger file is not ours
QUESTIONS_KEPT = 5000  # buttons older than this many questions say "no longer valid"
SAVE_INTERVAL = 30.0  # seconds: questions are cheap to lose (a button expires), a write per question is not
LANGS = ("en", "zh")
STATE_NAME = "bot-state.json"
OLD_STATE_NAME = "bot-state.pickle"  # versions before issue 12 kept state here, beside the index folder


class StateError(ValueError):
    """The file is not a state file of this format."""


def _check(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The (languages, questions) of parsed JSON, or StateError saying what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateError(f"not a format {FORMAT} state file")
    langs, questions = data.get("langs"), data.get("questions")
    if not isinstance(langs, dict) or not isinstance(questions, dict):
        raise StateError("langs or questions missing")
    if not all(isinstance(k, str) and k.lstrip("-").isdecimal() and v in LANGS for k, v in langs.items()):
        raise StateError("a language entry is not a user id and en or zh")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in questions.items()):
        raise StateError("a question entry is not text")
    return dict(langs), dict(list(questions.items())[-QUESTIONS_KEPT:])


def _read(path: Path) -> Any:
    """The parsed file; OSError, UnicodeError, json or StateError when it cannot be trusted."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # a symlink planted in its place is not followed
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise StateError("not a regular file")
        if info.st_size > MAX_BYTES:
            raise StateError(f"larger than {MAX_BYTES} bytes")
        return json.loads(file.read().decode("utf-8"))


def write_atomically(path: Path, text: str) -> None:
    """`text` at `path`, all or nothing: a temporary file (mode 0600), fsync, rename, fsync of the folder."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


def set_aside(path: Path, why: str) -> Path | None:
    """Renames a state file that is not to be read to `NAME.unreadable-<time>`, saying so
    and `why` in one log line; returns the new path (None when it could not be renamed)."""
    aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
    try:
        os.replace(path, aside)
        where = f"set aside as {aside.name}"
    except OSError as error:
        aside, where = None, f"could not be set aside ({error.strerror})"
    log.warning("state file %s is %s; %s; starting with an empty state", path, why, where)
    return aside


def retire_pickle(folder: Path) -> None:
    """A state file of the old pickle format in `folder` is never loaded (unpickling runs
    code): it is reported, set aside and made private (it holds user ids and questions)."""
    old = folder / OLD_STATE_NAME
    if old.is_file() and not old.is_symlink():  # a link is not ours to rename or to make private
        aside = set_aside(old, "a pickle of an older version, never loaded (languages chosen there are asked again)")
        if aside is not None:
            aside.chmod(FILE_MODE)


class BotState:
    """Answer languages by user, and button questions by chat; see the module docstring."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.langs: dict[str, str] = {}
        self.questions: dict[str, str] = {}
        self._last: dict[int, str] = {}  # the latest question of each chat, for its follow-ups
        self._dirty = False
        self._saved_at = time.monotonic()
        self._lock = asyncio.Lock()
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            self.langs, self.questions = _check(_read(path))
            for key, question in self.questions.items():  # in the order they were asked
                self._last[int(key.partition(":")[0])] = question
        except FileNotFoundError:
            return
        except (OSError, UnicodeError, ValueError) as error:  # json and StateError are ValueErrors
            set_aside(path, f"unreadable ({error})")

    # -- settings ------------------------------------------------------------

    def lang(self, user_id: int | None) -> str | None:
        return self.langs.get(str(user_id)) if user_id is not None else None

    async def set_lang(self, user_id: int, lang: str | None) -> None:
        """Records the choice (None: the language of each question) and saves at once."""
        if lang is None:
            self.langs.pop(str(user_id), None)
        else:
            self.langs[str(user_id)] = lang
        await self.save()

    # -- button questions ------------------------------------------------------

    def remember(self, chat_id: int, qid: str, question: str) -> None:
        """Keeps `question` for the buttons of an answer in `chat_id` (bounded, oldest dropped)."""
        key = f"{chat_id}:{qid}"
        self.questions.pop(key, None)
        self.questions[key] = question
        while len(self.questions) > QUESTIONS_KEPT:
            del self.questions[next(iter(self.questions))]
        self._last.pop(chat_id, None)
        self._last[chat_id] = question
        while len(self._last) > QUESTIONS_KEPT:
            del self._last[next(iter(self._last))]
        self._dirty = True

    def last_question(self, chat_id: int) -> str | None:
        """The latest question asked in `chat_id`."""
        return self._last.get(chat_id)

    def question(self, chat_id: int, qid: str) -> str | None:
        """The question behind a button, only in the chat it was asked in."""
        return self.questions.get(f"{chat_id}:{qid}")

    async def save_if_due(self) -> None:
        if self._dirty and time.monotonic() - self._saved_at >= SAVE_INTERVAL:
            await self.save()

    # -- the file --------------------------------------------------------------

    async def save(self) -> None:
        """Writes the state (off the event loop); a failure is logged, and the bot keeps running."""
        if self.path is None:
            return
        snapshot = json.dumps({"format": FORMAT, "langs": self.langs, "questions": self.questions},
                              ensure_ascii=False)  # fmt: skip
        self._dirty, self._saved_at = False, time.monotonic()
        async with self._lock:  # two saves must not race on the rename
            try:
                await asyncio.to_thread(write_atomically, self.path, snapshot)
            except OSError as error:
                self._dirty = True
                log.warning("could not save the state file %s (%s)", self.path, error.strerror or error)
