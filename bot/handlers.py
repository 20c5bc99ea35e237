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
import math
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
    User,
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

from bot import chart, followup, present
from bot.flood import FloodGate, Verdict
from bot.i18n import t, ui_lang
from bot.render import MESSAGE_LIMIT, escape, split_html
from bot.state import BotState
from bot.worker import EngineWorker
from index.engine import MAX_QUESTION, clean
from index.model import Answer, Article, Comparison, Passage, Series

log = logging.getLogger(__name__)

ASK_TIMEOUT = 20.0
INLINE_TIMEOUT = 6.0  # Telegram drops inline answers after ~10 s
INLINE_PAGE = 50
MAX_SKIP = 50
# A full article is shown up to this many characters (three messages); a longer one ends
# with a note. Rendering is linear in what is shown, so any article costs the same at most.
ARTICLE_SHOWN = 3 * MESSAGE_LIMIT
_ID = r"[A-Za-z0-9_-]"
_OFFSET = re.compile(r"[0-9]{1,5}")  # ASCII digits only: '²' and '⑤' are digits to str.isdigit()
_VIEW = re.compile(rf"v\|({_ID}{{8}})\|(\d{{1,2}})\|(en|zh)\|(en|zh)(?:\|([01]))?")  # the last: whole passage
_NEXT = re.compile(rf"n\|({_ID}{{8}})\|(\d{{1,2}})\|(en|zh)")
_ARTICLE = re.compile(rf"a\|({_ID}{{1,56}})\|(en|zh)")
_DEEP_ARTICLE = re.compile(rf"a_({_ID}{{1,62}})")
_EXAMPLE = re.compile(r"x\|([12])\|(en|zh)")
_SOURCES = re.compile(rf"s\|({_ID}{{8}})\|(en|zh)")  # the sources of a chart
CHART_FILE = "chart.png"
EXAMPLES = ("example_1", "example_2")


def _qid(question: str) -> str:
    """A short id for the question, for its buttons (8 characters of callback data)."""
    digest = hashlib.blake2b(question.encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _inline_offset(offset: str) -> int:
    """A page offset from Telegram (echoing our next_offset); anything else reads as 0."""
    return int(offset) if _OFFSET.fullmatch(offset) else 0


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def deep_link(username: str, payload: str) -> str:
    """A link that opens the private chat with the bot and sends /start `payload`."""
    return f"https://t.me/{username}?start={payload}"


def keyboard(
    answer: Answer, qid: str, skip: int, view: str | None = None, whole: bool = False, group_bot: str | None = None
) -> InlineKeyboardMarkup | None:
    """Other language, whole passage, next result (when there is one), full article; in a group
    (`group_bot`: the bot's username) long content opens in the private chat instead."""
    if not answer.found or answer.hit is None:
        return None
    lang = answer.lang
    shown = present.shown_side(answer, view)
    first, second = [], []
    if answer.passage("en") and answer.passage("zh"):
        target = _other(shown)
        first.append(InlineKeyboardButton(t(f"view_{target}", lang),
                                          callback_data=f"v|{qid}|{skip}|{lang}|{target}|{int(whole)}"))  # fmt: skip
    if answer.more and skip + 1 < MAX_SKIP:
        second.append(InlineKeyboardButton(t("next", lang), callback_data=f"n|{qid}|{skip + 1}|{lang}"))
    article_id = answer.hit.article.id
    if group_bot and _DEEP_ARTICLE.fullmatch(f"a_{article_id}"):
        second.append(InlineKeyboardButton(t("in_private", lang), url=deep_link(group_bot, f"a_{article_id}")))
    elif not group_bot:
        if not whole and present.is_cut(answer, view):
            first.append(InlineKeyboardButton(t("whole", lang), callback_data=f"v|{qid}|{skip}|{lang}|{shown}|1"))
        if _ARTICLE.fullmatch(f"a|{article_id}|{lang}"):
            second.append(InlineKeyboardButton(t("full", lang), callback_data=f"a|{article_id}|{lang}"))
    rows = [row for row in (first, second) if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _group_bot(message: Message, username: str) -> str | None:
    """The bot's username when `message` is in a group (its long content goes to the private chat)."""
    return None if message.chat.type == ChatType.PRIVATE else username


def _question_id(message: Message) -> str | None:
    """The question id in the buttons of one of the bot's answers."""
    rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
    for button in (b for row in rows for b in row):
        data = str(button.callback_data or "")
        match = _VIEW.fullmatch(data) or _NEXT.fullmatch(data) or _SOURCES.fullmatch(data)
        if match:
            return match.group(1)
    return None


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
        self.drawing = asyncio.Lock()  # matplotlib's settings are global to the process: one chart at a time

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
            ("chart", self.chart_command),
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
        """Is this update a question? Only questions count against a budget: commands, button
        presses and inline lookups never do. A group message counts without a sender too (an
        anonymous admin, a linked channel)."""
        message = update.message
        if message is None or not message.text:
            return False
        if message.text.startswith("/"):
            command = message.text.split(maxsplit=1)[0].partition("@")[0]
            return command in ("/ask", "/chart") and _command_for_us(message.text, username)
        if message.chat.type == ChatType.PRIVATE:
            return True
        return _addressed(message, username, bot_id) is not None

    def _verdict(self, update: Update) -> tuple[Verdict, str, float]:
        """The group's budget first (one note for the whole group), then the user's; with the
        seconds until a question is answered again."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.type != ChatType.PRIVATE:
            verdict = self.group_flood.check(chat.id)
            if verdict is not Verdict.ALLOW:
                return verdict, "group_slow_down", self.group_flood.wait(chat.id)
        if user is None:
            return Verdict.ALLOW, "", 0.0
        return self.flood.check(user.id), "slow_down", self.flood.wait(user.id)

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Drops a question over the budget. The first one dropped gets a note saying that it,
        and every question sent before the time the note names, will not be answered."""
        if not self._counts(update, context.bot.username, context.bot.id):
            return
        verdict, key, wait = self._verdict(update)
        if verdict is Verdict.ALLOW:
            return
        if verdict is Verdict.WARN and update.message:
            note = t(key, self._ui(update), seconds=max(1, math.ceil(wait)))
            await update.message.reply_text(note, do_quote=True)
        raise ApplicationHandlerStop

    # -- questions -----------------------------------------------------------

    async def _ask(self, question: str, lang: str | None, skip: int) -> Answer:
        """The answer in `lang` (the user's /lang), else in the question's language."""
        return await self.engine.run(lambda e: e.ask(question, lang=lang, skip=skip), ASK_TIMEOUT)

    async def answer(
        self, message: Message, context: ContextTypes.DEFAULT_TYPE, text: str, user: User | None = None
    ) -> None:
        """Answers `text` as a question of `user` (default: the message's sender), replying to
        `message` (quoted outside private chats)."""
        quote = message.chat.type != ChatType.PRIVATE
        user = user or message.from_user
        pref = self.state.lang(user.id) if user else None
        ui = ui_lang(pref, user.language_code if user else None)
        question, cut = clean(text)
        if not question:
            await message.reply_text(t("empty", ui), do_quote=quote)
            return
        previous = self._previous(message, context.bot.id)
        if previous:
            question, _ = clean(followup.rewrite(previous, question))
        reply = await self.engine.run(lambda e: e.reply(question, lang=pref), ASK_TIMEOUT)
        qid = _qid(question)
        self.state.remember(message.chat.id, qid, question)
        if isinstance(reply, Series):
            await self._send_chart(message, reply, qid, quote)
        elif isinstance(reply, Comparison):
            for part in split_html(present.comparison_html(reply)):
                await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=quote)
        else:
            await self._send_answer(message, context, reply, qid, cut, quote)
        await self.state.save_if_due()

    async def _send_answer(
        self, message: Message, context: ContextTypes.DEFAULT_TYPE, answer: Answer, qid: str, cut: bool, quote: bool
    ) -> None:
        parts = split_html(present.answer_html(answer))
        if cut:
            parts.insert(0, escape(t("cut", answer.lang, limit=MAX_QUESTION)))
        markup = keyboard(answer, qid, 0, group_bot=_group_bot(message, context.bot.username))
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            await message.reply_text(
                part, parse_mode=ParseMode.HTML, do_quote=quote, reply_markup=markup if last else None
            )

    async def _send_chart(self, message: Message, series: Series, qid: str, quote: bool) -> None:
        """The chart as a photo, its two-line caption, and a button that lists its sources."""
        lang = series.lang
        async with self.drawing:
            image = await asyncio.to_thread(chart.png, series, lang)
        sources = InlineKeyboardButton(t("sources", lang), callback_data=f"s|{qid}|{lang}")
        await message.reply_photo(image, caption=present.chart_caption(series, lang), parse_mode=ParseMode.HTML,
                                  filename=CHART_FILE, reply_markup=InlineKeyboardMarkup([[sources]]),
                                  do_quote=quote)  # fmt: skip

    def _previous(self, message: Message, bot_id: int) -> str | None:
        """The question a follow-up in `message` is read with: that of the answer it replies to,
        else, in a private chat, the chat's latest."""
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot_id:
            qid = _question_id(replied)
            return self.state.question(message.chat.id, qid) if qid else None
        return self.state.last_question(message.chat.id) if message.chat.type == ChatType.PRIVATE else None

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

    async def chart_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/chart QUERY: the figure QUERY names over the years (those it names, else all), as a chart."""
        message, user = update.message, update.effective_user
        if message is None:
            return
        quote = message.chat.type != ChatType.PRIVATE
        query, _ = clean(" ".join(context.args or []))
        if not query:
            await message.reply_text(t("chart_usage", self._ui(update)), do_quote=quote)
            return
        pref = self.state.lang(user.id) if user else None
        series = await self.engine.run(lambda e: e.over_years(query, lang=pref), ASK_TIMEOUT)
        if not series.points:
            await message.reply_text(present.series_none(series, series.lang), do_quote=quote)
            return
        qid = _qid(query)
        self.state.remember(message.chat.id, qid, query)
        await self._send_chart(message, series, qid, quote)
        await self.state.save_if_due()

    async def send_sources(self, message: Message, question: str, lang: str) -> None:
        """The sources of the chart of `question`: each point with its citation and notes."""
        series = await self.engine.run(lambda e: e.over_years(question, lang=lang), ASK_TIMEOUT)
        if not series.points:  # the index changed under the chart
            await message.reply_text(present.series_none(series, lang), do_quote=False)
            return
        for part in split_html(present.sources_html(series, lang)):
            await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)

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
            stats = await self.engine.run(lambda e: e.stats(), ASK_TIMEOUT)
            text = t("welcome", ui, articles=stats.articles, years=present.years(stats))
            await message.reply_text(text + ("\n\n" + t("bad_link", ui) if payload else ""),
                                     reply_markup=_welcome_keyboard(ui))  # fmt: skip

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
        await update.message.reply_text(present.about(stats, self._ui(update)))

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
        if match := _EXAMPLE.fullmatch(data):
            await query.answer()
            if message:
                example = t(EXAMPLES[int(match.group(1)) - 1], match.group(2))
                await _after_answer(self.answer(message, context, example, query.from_user), update)
            return
        if (match := _SOURCES.fullmatch(data)) and message:
            question = self.state.question(message.chat.id, match.group(1))
            if question is None:
                await query.answer(t("expired", ui), show_alert=True)
                return
            await query.answer()
            await _after_answer(self.send_sources(message, question, match.group(2)), update)
            return
        match = _VIEW.fullmatch(data) or _NEXT.fullmatch(data)
        # A question id is honoured only in the chat it was asked in: never another user's.
        question = self.state.question(message.chat.id, match.group(1)) if match and message else None
        if match is None or question is None or message is None:
            await query.answer(t("expired", ui), show_alert=True)
            return
        qid, skip, lang = match.group(1), int(match.group(2)), match.group(3)
        view = match.group(4) if match.re is _VIEW else None
        whole = match.re is _VIEW and match.group(5) == "1"
        answer = await self._ask(question, lang, skip)
        if not answer.found:
            await query.answer(t("no_more", lang))
            return
        await query.answer()
        group_bot = _group_bot(message, context.bot.username)
        await _after_answer(self._replace(message, answer, keyboard(answer, qid, skip, view, whole, group_bot),
                                          view, whole), update)  # fmt: skip

    async def _replace(
        self, message: Message, answer: Answer, markup: InlineKeyboardMarkup | None, view: str | None, whole: bool
    ) -> None:
        """Shows `answer` in place of the message's; long answers continue in new messages."""
        parts = split_html(present.answer_html(answer, view, whole))
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
            title, description, body = present.figure_result(hit, lang)
            # The way back to the source from wherever the result is posted: the article, in the bot.
            link = deep_link(context.bot.username, f"a_{hit.article.id}")
            open_in_bot = InlineKeyboardButton(t("open_in_bot", lang), url=link)
            key = f"{hit.passage.id}|{hit.figure.span}|{hit.figure.text}|{lang}".encode()
            results.append(
                InlineQueryResultArticle(
                    id=hashlib.blake2b(key, digest_size=16).hexdigest(),
                    title=title,
                    description=description,
                    input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
                    reply_markup=InlineKeyboardMarkup([[open_in_bot]]),
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


def _welcome_keyboard(lang: str) -> InlineKeyboardMarkup:
    """The example questions to tap, and a button that starts an inline lookup in this chat."""
    rows = [[InlineKeyboardButton(t(key, lang), callback_data=f"x|{n}|{lang}")] for n, key in enumerate(EXAMPLES, 1)]
    rows.append([InlineKeyboardButton(t("try_inline", lang),
                                      switch_inline_query_current_chat=t("inline_example", lang))])  # fmt: skip
    return InlineKeyboardMarkup(rows)


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
    return await asyncio.to_thread(present.article_html, article, passages, lang, ARTICLE_SHOWN)
