"""A Bot API server for tests: aiohttp on 127.0.0.1, the methods the bot calls,
with the real server's checks and error texts.

Tests inject updates (messages, mentions, replies, inline queries, button
presses) and read back every call the bot made, so they assert what a user
would see. Every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
PHOTO_BYTES_LIMIT = 10 * 1024 * 1024  # what sendPhoto accepts as an upload
PHOTO_SIDES_LIMIT = 10_000  # width + height, at most
PHOTO_RATIO_LIMIT = 20  # the longer side over the shorter, at most
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
INLINE_RESULTS_LIMIT = 50
CALLBACK_DATA_LIMIT = 64
JSON_FIELDS = {
    "reply_markup", "results", "commands", "entities", "reply_parameters", "link_preview_options",
    "allowed_updates", "button", "scope",
}  # fmt: skip
_TAGS = {
    "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "tg-emoji", "code", "pre", "blockquote",
}  # fmt: skip
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.code = code


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _entity_error(detail: str) -> ApiError:
    return ApiError(f"Bad Request: can't parse entities: {detail}")


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """The character an HTML entity at text[i] ('&') stands for, and its length."""
    match = re.match(r"&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);", text[i:])
    if not match:
        return None
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2].lower() == "x" else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()
    return (_ENTITIES[body], match.end()) if body in _ENTITIES else None


def parse_html(text: str) -> str:
    """The plain text of a Bot API HTML message, or ApiError with Telegram's description."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        offset = len(text[:i].encode("utf-8", "surrogatepass"))
        if char == "&":
            decoded = _decode_entity(text, i)
            if decoded:
                out.append(decoded[0])
                i += decoded[1]
                continue
        if char != "<":
            out.append(char)
            i += 1
            continue
        end = text.find(">", i)
        if end == -1:
            raise _entity_error(f"Unclosed start tag at byte offset {offset}")
        tag = text[i + 1 : end]
        if tag.startswith("/"):
            name = tag[1:].strip().lower()
            if not stack:
                raise _entity_error(f"Unexpected end tag at byte offset {offset}")
            if stack[-1] != name:
                raise _entity_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", found "</{name}>"'
                )
            stack.pop()
        else:
            name = re.match(r"[a-zA-Z0-9-]*", tag).group().lower()  # type: ignore[union-attr]
            if name not in _TAGS:
                raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
            stack.append(name)
        i = end + 1
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def check_text(text: str | None, parse_mode: str | None) -> str:
    """The text a user would read, checked as the Bot API checks message text."""
    plain = parse_html(text or "") if (parse_mode or "").upper() == "HTML" else (text or "")
    plain = plain.strip()
    if not plain:
        raise ApiError("Bad Request: message text is empty")
    if utf16_len(plain) > TEXT_LIMIT:
        raise ApiError("Bad Request: message is too long")
    return plain


def check_caption(caption: str | None, parse_mode: str | None) -> str:
    """A photo's caption as a user reads it, checked as the Bot API checks captions (it may be empty)."""
    plain = parse_html(caption or "") if (parse_mode or "").upper() == "HTML" else (caption or "")
    if utf16_len(plain.strip()) > CAPTION_LIMIT:
        raise ApiError("Bad Request: message caption is too long")
    return plain.strip()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of an uploaded PNG (the only kind the bot sends), or the Bot API's refusal."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ApiError("Bad Request: IMAGE_PROCESS_FAILED")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if len(data) > PHOTO_BYTES_LIMIT:
        raise ApiError("Bad Request: file is too big")
    short, long = sorted((width, height))
    if not short or width + height > PHOTO_SIDES_LIMIT or long > PHOTO_RATIO_LIMIT * short:
        raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")
    return width, height


def check_markup(markup: dict[str, Any] | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise ApiError("Bad Request: BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError("Bad Request: BUTTON_DATA_INVALID")


def check_inline_results(results: list[dict[str, Any]], next_offset: str) -> None:
    if len(results) > INLINE_RESULTS_LIMIT:
        raise ApiError("Bad Request: RESULTS_TOO_MUCH")
    if len(next_offset.encode()) > 64:
        raise ApiError("Bad Request: NEXT_OFFSET_INVALID")
    seen: set[str] = set()
    for result in results:
        rid = str(result.get("id", ""))
        if not 1 <= len(rid.encode()) <= 64:
            raise ApiError("Bad Request: RESULT_ID_INVALID")
        if rid in seen:
            raise ApiError("Bad Request: RESULT_ID_DUPLICATE")
        seen.add(rid)
        if result.get("type") == "article" and not result.get("title"):
            raise ApiError("Bad Request: RESULT_TITLE_EMPTY")
        content = result.get("input_message_content") or {}
        check_text(content.get("message_text"), content.get("parse_mode"))
        check_markup(result.get("reply_markup"))


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)  # when the request reached the emulator


class Emulator:
    """The Bot API for one bot token. Start with `await emulator.start()`."""

    def __init__(self, token: str = "123456:TEST-token-secret", username: str = "archive_test_bot") -> None:
        self.token = token
        self.me = {"id": 123456, "is_bot": True, "first_name": "Archive", "username": username,
                   "can_join_groups": True, "can_read_all_group_messages": False,
                   "supports_inline_queries": True}  # fmt: skip
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.photos: dict[tuple[int, int], bytes] = {}  # (chat id, message id) -> the PNG uploaded
        self.webhook: dict[str, Any] = {}
        self.releasing = False  # pending getUpdates return at once, so the bot stops quickly
        self.held: list[dict[str, Any]] = []  # the parameters of sendMessage requests stall_sends() holds
        self._stall: asyncio.Event | None = None
        self._executed = False
        self._dropping = False
        self._open_callbacks: set[str] = set()
        self._open_inline: set[str] = set()
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server --------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def release_polls(self, releasing: bool = True) -> None:
        async with self._changed:
            self.releasing = releasing
            self._changed.notify_all()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in {**request.query, **form}.items():
            params[key] = json.loads(value) if key in JSON_FIELDS and isinstance(value, str) else value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        handler = getattr(self, f"api_{method.lower()}", None)
        params = await self._params(request)
        call = Call(method, params)
        stalled = method.lower() == "sendmessage" and self._stall is not None
        if stalled and not self._executed and not await self._held(params):
            return web.json_response({"ok": False, "error_code": 503, "description": "dropped"}, status=503)
        try:
            if handler is None:
                raise ApiError("Not Found", 404)
            call.result = await handler(params)
        except ApiError as error:
            call.error = error.description
            body = {"ok": False, "error_code": error.code, "description": error.description}
            await self._record(call)
            return web.json_response(body, status=error.code)
        if method.lower() != "getupdates":
            await self._record(call)
        if stalled and self._executed and not await self._held(params):
            return web.json_response({"ok": False, "error_code": 503, "description": "dropped"}, status=503)
        return web.json_response({"ok": True, "result": call.result})

    def stall_sends(self, executed: bool = False) -> None:
        """From now on, sendMessage requests wait (their parameters in `held`): not executed,
        as if they had not reached Telegram yet; or, with `executed`, executed and recorded
        but not answered, as if Telegram's answer had not reached the bot yet."""
        self._stall, self._executed, self._dropping = asyncio.Event(), executed, False

    async def drop_stalled(self) -> None:
        """The held requests are dropped, unanswered (the bot that sent them was killed); new
        requests are executed and answered again."""
        if self._stall is not None:
            self._dropping = True
            self._stall.set()
            self._stall = None

    async def _held(self, params: dict[str, Any]) -> bool:
        """Waits while sends are stalled; False when the request is to be dropped."""
        assert self._stall is not None
        stall = self._stall
        self.held.append(params)
        await stall.wait()
        self.held.remove(params)
        return not self._dropping

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- Bot API methods -------------------------------------------------------

    async def api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.me

    async def api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

        def pending() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset][:limit]

        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending()) or self.releasing), timeout)
            return pending()

    async def api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def api_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not _COMMAND.fullmatch(command.get("command", "")):
                raise ApiError("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[params.get("language_code") or ""] = commands
        return True

    async def api_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(params.get("language_code") or "", [])

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        for (cid, _), message in self.messages.items():
            if str(cid) == str(chat_id):
                return message["chat"]
        raise ApiError("Bad Request: chat not found")

    async def api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        plain = check_text(params.get("text"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        message = self._store(chat, self.me, plain)
        message["html"] = params.get("text")
        return self._reply(chat, message, params)

    def _reply(self, chat: dict[str, Any], message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """A sent message with the message it replies to and its keyboard, as the params give them."""
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        if reply_to is not None:
            original = self.messages.get((chat["id"], int(reply_to)))
            if original is None:
                raise ApiError("Bad Request: message to be replied not found")
            message["reply_to_message"] = original
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def api_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        """A photo uploaded in a multipart form (a file_id or URL is refused: the bot never sends one)."""
        chat = self._chat(params.get("chat_id"))
        upload = params.get("photo")
        if not isinstance(upload, web.FileField):
            raise ApiError("Bad Request: wrong remote file identifier specified: can't unserialize it")
        data = upload.file.read()
        width, height = png_size(data)
        caption = check_caption(params.get("caption"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        message = self._store(chat, self.me, "")
        message.pop("text")
        unique = f"p{message['message_id']}"
        message["photo"] = [{"file_id": unique, "file_unique_id": unique, "width": width, "height": height,
                             "file_size": len(data)}]  # fmt: skip
        if caption:
            message.update(caption=caption, caption_html=params.get("caption"))
        self.photos[(chat["id"], message["message_id"])] = data
        params["photo"] = data  # the call records the bytes, not the form field
        return self._reply(chat, message, params)

    async def api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        message = self.messages.get((chat["id"], int(params.get("message_id") or 0)))
        if message is None or message["from"]["id"] != self.me["id"]:
            raise ApiError("Bad Request: message to edit not found")
        plain = check_text(params.get("text"), params.get("parse_mode"))
        check_markup(params.get("reply_markup"))
        markup = params.get("reply_markup")
        if plain == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.update(text=plain, html=params.get("text"), edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_callbacks:
            raise ApiError("Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            raise ApiError("Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        return True

    async def api_answerinlinequery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("inline_query_id"))
        if query_id not in self._open_inline:
            raise ApiError("Bad Request: query is too old and response timeout expired or query ID is invalid")
        check_inline_results(params.get("results") or [], params.get("next_offset") or "")
        start = (params.get("button") or {}).get("start_parameter")
        if start is not None and not _START_PARAMETER.fullmatch(start):
            raise ApiError("Bad Request: START_PARAM_INVALID")
        self._open_inline.discard(query_id)
        return True

    # -- injecting updates ----------------------------------------------------

    def _store(
        self, chat: dict[str, Any], sender: dict[str, Any], text: str, **extra: Any
    ) -> dict[str, Any]:
        message_id = next(self._ids)
        message = {"message_id": message_id, "from": sender, "chat": chat, "date": int(time.time()),
                   "text": text, **extra}  # fmt: skip
        self.messages[(chat["id"], message_id)] = message
        return message

    async def _push(self, **update: Any) -> dict[str, Any]:
        async with self._changed:
            update["update_id"] = next(self._ids)
            self.updates.append(update)
            self._changed.notify_all()
        return update

    @staticmethod
    def user(user_id: int, language_code: str = "en", name: str = "Tester") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language_code}

    @staticmethod
    def _entities(text: str) -> list[dict[str, Any]]:
        """The entities the real server derives from plain text: a leading command, mentions."""
        entities = []
        for match in re.finditer(r"(?:^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?)|@[A-Za-z0-9_]{5,32}", text):
            start = utf16_len(text[: match.start()])
            kind = "bot_command" if match.group().startswith("/") else "mention"
            entities.append({"type": kind, "offset": start, "length": utf16_len(match.group())})
        return entities

    async def send(
        self, chat: dict[str, Any], sender: dict[str, Any], text: str, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if entities := self._entities(text):
            extra["entities"] = entities
        if reply_to:
            extra["reply_to_message"] = reply_to
        message = self._store(chat, sender, text, **extra)
        await self._push(message=message)
        return message

    async def private(self, sender: dict[str, Any], text: str) -> dict[str, Any]:
        chat = {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
        return await self.send(chat, sender, text)

    async def anonymous(self, chat: dict[str, Any], text: str) -> dict[str, Any]:
        """A group message without `from` (as the Bot API may send for channel posts and
        anonymous senders): `sender_chat` names the chat instead."""
        message = self._store(chat, {}, text, entities=self._entities(text), sender_chat=chat)
        message.pop("from")
        await self._push(message=message)
        return message

    async def sticker(self, sender: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
        message = self._store(chat, sender, "")
        message.pop("text")
        message["sticker"] = {"file_id": "s1", "file_unique_id": "u1", "type": "regular",
                              "width": 512, "height": 512, "is_animated": False, "is_video": False}  # fmt: skip
        await self._push(message=message)
        return message

    @staticmethod
    def group(chat_id: int, title: str = "Readers") -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    async def inline(self, sender: dict[str, Any], query: str, offset: str = "") -> str:
        query_id = str(next(self._ids))
        self._open_inline.add(query_id)
        await self._push(inline_query={"id": query_id, "from": sender, "query": query, "offset": offset})
        return query_id

    async def press(self, sender: dict[str, Any], message: dict[str, Any], data: str) -> str:
        query_id = str(next(self._ids))
        self._open_callbacks.add(query_id)
        await self._push(callback_query={"id": query_id, "from": sender, "message": message,
                                   "chat_instance": "ci", "data": data})  # fmt: skip
        return query_id

    # -- reading back ----------------------------------------------------------

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 10.0) -> Call:
        """The first call (past or future) matching `predicate`."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: any(map(predicate, self.calls))), timeout)
            return next(c for c in self.calls if predicate(c))

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The first `count` messages the bot sent to `chat_id` (waits for them)."""

        def sent() -> list[dict[str, Any]]:
            return [c.result for c in self.calls if c.method == "sendMessage" and c.result
                    and c.result["chat"]["id"] == chat_id]  # fmt: skip

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(sent()) >= count), timeout)
            return sent()[:count]

    def photos_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The photo messages the bot sent to `chat_id`."""
        return [c.result for c in self.calls if c.method == "sendPhoto" and c.result
                and c.result["chat"]["id"] == chat_id]  # fmt: skip

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [c.result for c in self.calls if c.method == "sendMessage" and c.result
                and c.result["chat"]["id"] == chat_id]  # fmt: skip

    def errors(self) -> list[Call]:
        return [c for c in self.calls if c.error]
