"""Telegram handlers: private questions, groups, inline figures, buttons, deep links.

Buttons carry their whole state in callback data (at most 64 bytes): a short id
of the question (kept in the state file, bound to the chat it was asked in, so a
button works only there), the result rank, and the languages; so buttons on old
messages keep working after a restart. Every input from Telegram (text, callback
data, deep-link payloads, inline offsets) is validated before use.

Budgets: every question counts against its user (when Telegram names one) and,
in a group, against the group; see bot/flood.py.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import render
from bot.flood import FloodGate, Verdict
from bot.i18n import t, ui_lang
from bot.state import BotState
from bot.worker import EngineWorker
from index.engine import MAX_QUESTION, clean
from index.model import Answer, Article, Passage

log = logging.getLogger(__name__)

ASK_TIMEOUT = 20.0
INLINE_TIMEOUT = 6.0  # Telegram drops inline answers after ~10 s
INLINE_PAGE = 50
MAX_SKIP = 50
# A full article is shown up to this many characters (three messages); a longer one ends
# with a note. Rendering is linear in what is shown, so any article costs the same at most.
ARTICLE_SHOWN = 3 * render.MESSAGE_LIMIT
_ID = r"[A-Za-z0-9_-]"
_OFFSET = re.compile(r"[0-9]{1,5}")  # ASCII digits only: '²' and '⑤' are digits to str.isdigit()
_VIEW = re.compile(rf"v\|({_ID}{{8}})\|(\d{{1,2}})\|(en|zh)\|(en|zh)")
_NEXT = re.compile(rf"n\|({_ID}{{8}})\|(\d{{1,2}})\|(en|zh)")
_ARTICLE = re.compile(rf"a\|({_ID}{{1,56}})\|(en|zh)")
_DEEP_ARTICLE = re.compile(rf"a_({_ID}{{1,62}})")


def _qid(question: str) -> str:
    """A short id for the question, for its buttons (8 characters of callback data)."""
    digest = hashlib.blake2b(question.encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _inline_offset(offset: str) -> int:
    """A page offset from Telegram (echoing our next_offset); anything else reads as 0."""
    return int(offset) if _OFFSET.fullmatch(offset) else 0


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def keyboard(answer: Answer, qid: str, skip: int, view: str | None = None) -> InlineKeyboardMarkup | None:
    """Other language / next result / full article, for a found answer."""
    if not answer.found or answer.hit is None:
        return None
    lang, passage = answer.lang, answer.hit.passage
    shown = render.passage_side(passage, view or lang)[1]
    row = []
    if passage.en and passage.zh:
        target = _other(shown)
        row.append(InlineKeyboardButton(t(f"view_{target}", lang), callback_data=f"v|{qid}|{skip}|{lang}|{target}"))
    if skip + 1 < MAX_SKIP:
        row.append(InlineKeyboardButton(t("next", lang), callback_data=f"n|{qid}|{skip + 1}|{lang}"))
    article_data = f"a|{answer.hit.article.id}|{lang}"
    if _ARTICLE.fullmatch(article_data):
        row.append(InlineKeyboardButton(t("full", lang), callback_data=article_data))
    return InlineKeyboardMarkup([row])


def _addressed(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message meant for the bot (a reply to it or a mention), else None."""
    text = message.text or ""
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot_id:
        return text
    mention = f"@{username}".lower()
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lower() == mention:
            return text.replace(value, " ", 1).strip()
    return None


def _command_for_us(text: str, username: str) -> bool:
    """Is `text` (starting with /) a command without a bot name, or with ours?"""
    target = text.split(maxsplit=1)[0].partition("@")[2]
    return not target or target.lower() == username.lower()


class ArchiveBot:
    """The handlers, sharing the engine worker and the flood gate."""

    def __init__(
        self,
        engine: EngineWorker,
        state: BotState,
        flood: FloodGate | None = None,
        group_flood: FloodGate | None = None,
    ) -> None:
        self.engine = engine
        self.state = state
        self.flood = flood or FloodGate()
        self.group_flood = group_flood or FloodGate.for_groups()

    def _pref(self, update: Update) -> str | None:
        user = update.effective_user
        return self.state.lang(user.id) if user else None

    def _ui(self, update: Update) -> str:
        user = update.effective_user
        return ui_lang(self._pref(update), user.language_code if user else None)

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(TypeHandler(Update, self.gate), group=-1)
        private = filters.ChatType.PRIVATE
        for name, callback in (
            ("start", self.start),
            ("help", self.help),
            ("lang", self.lang),
            ("about", self.about),
            ("ask", self.ask_command),
        ):
            app.add_handler(CommandHandler(name, callback))
        app.add_handler(MessageHandler(private & filters.COMMAND, self.help))
        app.add_handler(MessageHandler(private & filters.TEXT, self.private_text))
        app.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, self.not_text))
        app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, self.group_text))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_handler(InlineQueryHandler(self.inline))
        app.add_error_handler(self.error)

    # -- flood control -------------------------------------------------------

    def _counts(self, update: Update, username: str, bot_id: int) -> bool:
        """Is this update a question (or a button press) the bot will work on? A group
        message counts without a sender too (an anonymous admin, a linked channel)."""
        if update.callback_query:
            return True
        message = update.message
        if message is None:
            return False
        if message.chat.type == ChatType.PRIVATE:
            return True
        if message.text and message.text.startswith("/"):
            return _command_for_us(message.text, username)
        return _addressed(message, username, bot_id) is not None

    def _verdict(self, update: Update) -> tuple[Verdict, str]:
        """The group's budget first (one note for the whole group), then the user's."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.type != ChatType.PRIVATE:
            verdict = self.group_flood.check(chat.id)
            if verdict is not Verdict.ALLOW:
                return verdict, "group_slow_down"
        if user is None:
            return Verdict.ALLOW, ""
        return self.flood.check(user.id), "slow_down"

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._counts(update, context.bot.username, context.bot.id):
            return
        verdict, key = self._verdict(update)
        if verdict is Verdict.ALLOW:
            return
        note = t(key, self._ui(update)) if verdict is Verdict.WARN else None
        if update.callback_query:
            await update.callback_query.answer(note)
        elif note and update.message:
            await update.message.reply_text(note, do_quote=update.message.chat.type != ChatType.PRIVATE)
        raise ApplicationHandlerStop

    # -- questions -----------------------------------------------------------

    async def _ask(self, question: str, lang: str | None, skip: int) -> Answer:
        """The answer in `lang` (the user's /lang), else in the question's language."""
        return await self.engine.run(lambda e: e.ask(question, lang=lang, skip=skip), ASK_TIMEOUT)

    async def answer(self, message: Message, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        """Answers `text` as a question, replying to `message` (quoted outside private chats)."""
        quote = message.chat.type != ChatType.PRIVATE
        user = message.from_user
        pref = self.state.lang(user.id) if user else None
        ui = ui_lang(pref, user.language_code if user else None)
        question, cut = clean(text)
        if not question:
            await message.reply_text(t("empty", ui), do_quote=quote)
            return
        answer = await self._ask(question, pref, 0)
        qid = _qid(question)
        self.state.remember(message.chat.id, qid, question)
        parts = render.split_html(render.answer_html(answer))
        if cut:
            parts.insert(0, render.escape(t("cut", answer.lang, limit=MAX_QUESTION)))
        markup = keyboard(answer, qid, 0)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            await message.reply_text(
                part, parse_mode=ParseMode.HTML, do_quote=quote, reply_markup=markup if last else None
            )
        await self.state.save_if_due()

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message:
            await self.answer(update.message, context, update.message.text or "")

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message:
            await update.message.reply_text(t("empty", self._ui(update)))

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        question = _addressed(message, context.bot.username, context.bot.id)
        if question is not None:
            await self.answer(message, context, question)

    async def ask_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        question = " ".join(context.args or [])
        if not question.strip():
            quote = message.chat.type != ChatType.PRIVATE
            await message.reply_text(t("ask_usage", self._ui(update)), do_quote=quote)
            return
        await self.answer(message, context, question)

    # -- commands ------------------------------------------------------------

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        ui = self._ui(update)
        payload = (context.args or [""])[0]
        deep = _DEEP_ARTICLE.fullmatch(payload)
        if deep:
            await self.send_article(message, deep.group(1), ui)
        elif payload == "help":
            await self.help(update, context)
        else:
            await message.reply_text(t("welcome", ui) + ("\n\n" + t("bad_link", ui) if payload else ""))

    async def send_article(self, message: Message, article_id: str, lang: str) -> None:
        article = await self.engine.run(lambda e: e.article(article_id), ASK_TIMEOUT)
        if article is None:
            await message.reply_text(t("no_article", lang))
            return
        passages = await self.engine.run(lambda e: e.passages(article_id), ASK_TIMEOUT)
        for part in await _article_parts(article, passages, lang):
            await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message:
            await update.effective_message.reply_text(t("help", self._ui(update), bot=context.bot.username))

    async def lang(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.message, update.effective_user
        if message is None:
            return
        choice = (context.args or [""])[0].lower()
        if user is not None and choice in ("en", "zh"):
            await self.state.set_lang(user.id, choice)  # saved before the user is told
            await message.reply_text(t("lang_set", choice))
        elif user is not None and choice == "auto":
            await self.state.set_lang(user.id, None)
            await message.reply_text(t("lang_auto", self._ui(update)))
        else:
            await message.reply_text(t("lang_usage", self._ui(update)))

    async def about(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None:
            return
        stats = await self.engine.run(lambda e: e.stats(), ASK_TIMEOUT)
        text = t(
            "about",
            self._ui(update),
            articles=stats.articles,
            passages=stats.passages,
            figures=stats.figures,
            first=stats.first_date or "-",
            last=stats.last_date or "-",
            version=stats.version,
        )
        await update.message.reply_text(text)

    # -- buttons -------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = query.data or ""
        ui = self._ui(update)
        message = query.message if isinstance(query.message, Message) else None
        if match := _ARTICLE.fullmatch(data):
            await query.answer()
            if message:
                await _after_answer(self.send_article(message, match.group(1), match.group(2)), update)
            return
        match = _VIEW.fullmatch(data) or _NEXT.fullmatch(data)
        # A question id is honoured only in the chat it was asked in: never another user's.
        question = self.state.question(message.chat.id, match.group(1)) if match and message else None
        if match is None or question is None or message is None:
            await query.answer(t("expired", ui), show_alert=True)
            return
        qid, skip, lang = match.group(1), int(match.group(2)), match.group(3)
        view = match.group(4) if match.re is _VIEW else None
        answer = await self._ask(question, lang, skip)
        if not answer.found:
            await query.answer(t("no_more", lang))
            return
        await query.answer()
        await _after_answer(self._replace(message, answer, qid, skip, view), update)

    async def _replace(self, message: Message, answer: Answer, qid: str, skip: int, view: str | None) -> None:
        """Shows `answer` in place of the message's; long answers continue in new messages."""
        parts = render.split_html(render.answer_html(answer, view))
        markup = keyboard(answer, qid, skip, view)
        try:
            await message.edit_text(parts[0], parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as error:
            if "not modified" not in error.message:  # a double press is no error
                raise
        for part in parts[1:]:
            await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)

    # -- inline mode ---------------------------------------------------------

    async def inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        lang = ui_lang(self.state.lang(query.from_user.id), query.from_user.language_code)
        text, _ = clean(query.query, 256)
        if not text:
            hint = InlineQueryResultsButton(text=t("inline_hint", lang), start_parameter="help")
            await query.answer([], button=hint, cache_time=300, is_personal=True)
            return
        offset = _inline_offset(query.offset)
        try:
            hits = await self.engine.run(lambda e: e.figures(text, limit=INLINE_PAGE, offset=offset), INLINE_TIMEOUT)
        except TimeoutError:
            slow = InlineQueryResultsButton(text=t("inline_slow", lang), start_parameter="help")
            await query.answer([], button=slow, cache_time=0, is_personal=True)
            return
        results = []
        for hit in hits[:INLINE_PAGE]:
            title, description, body = render.figure_result(hit, lang)
            key = f"{hit.passage.id}|{hit.figure.span}|{hit.figure.text}|{lang}".encode()
            results.append(
                InlineQueryResultArticle(
                    id=hashlib.blake2b(key, digest_size=16).hexdigest(),
                    title=title,
                    description=description,
                    input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
                )
            )
        next_offset = str(offset + len(results)) if len(results) == INLINE_PAGE else ""
        none = InlineQueryResultsButton(text=t("inline_none", lang), start_parameter="help")
        await query.answer(
            results,
            next_offset=next_offset,
            cache_time=30,
            is_personal=True,
            button=none if not results and offset == 0 else None,
        )

    # -- errors --------------------------------------------------------------

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the failure (the log filter removes the token) and tells the user politely."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update):
            return
        note = t("busy" if isinstance(context.error, TimeoutError) else "error", self._ui(update))
        try:
            if update.callback_query:
                await update.callback_query.answer(note)
            elif update.effective_message and update.effective_chat:
                await update.effective_message.reply_text(note)
        except Exception:
            log.warning("could not tell the user about the failure of update %s", update_id)


async def _after_answer(work: Any, update: Update) -> None:
    """Runs `work` (sending or editing) after a callback query was answered. A failure
    there (the message's chat is gone, or the bot was removed from it) is one warning:
    the press was already answered, and answering it again would be an API error."""
    try:
        await work
    except TelegramError as error:
        log.warning("update %s: could not act on a pressed button (%s)", update.update_id, type(error).__name__)


async def _article_parts(article: Article, passages: tuple[Passage, ...], lang: str) -> list[str]:
    """The article as messages, at most ARTICLE_SHOWN characters of it; rendered on a worker
    thread, so even the largest article never holds up the event loop."""
    return await asyncio.to_thread(render.article_html, article, passages, lang, ARTICLE_SHOWN)
