"""The bot's own sentences, in English and Chinese.

Everything a user reads that does not come from the archive lives here, so both
languages stay complete and side by side. Values are plain text: callers escape
them for HTML where needed.
"""

from __future__ import annotations

LANGS = ("en", "zh")

_SENTENCES: dict[str, tuple[str, str]] = {
    "welcome": (
        "Hello! Ask me about the People's Daily archive, in English or Chinese, for example:\n"
        "What was the value of Heilongjiang's border trade with the USSR in 1987?\n\n"
        "I answer with the figure, the passage that states it and where it was printed. /help",
        "你好！可以用中文或英文问我《人民日报》档案里的内容，例如：\n"
        "黑龙江对苏经济技术合作合同累计多少项？\n\n"
        "我会给出数字、出处段落和版面信息。/help",
    ),
    "help": (
        "Send a question in a private chat and I answer from the archive.\n"
        "In groups: /ask <question>, mention me, or reply to one of my messages.\n"
        "Anywhere: type @{bot} <words> to look up figures and post one.\n\n"
        "/lang en|zh|auto: the language of my answers\n/about: what the archive holds",
        "私聊时直接发送问题即可。\n"
        "在群组里：用 /ask <问题>、@我，或回复我的消息。\n"
        "在任意聊天中输入 @{bot} <关键词> 可以查找数字并发送。\n\n"
        "/lang en|zh|auto：回答所用的语言\n/about：档案概况",
    ),
    "about": (
        "The archive: articles {articles}, passages {passages}, figures {figures}; "
        "dates {first} to {last}; index version {version}.",
        "档案共收录 {articles} 篇文章（{passages} 个段落，{figures} 个数字），"
        "时间从 {first} 到 {last}。索引版本 {version}。",
    ),
    "lang_set": ("I will answer in English.", "我会用中文回答。"),
    "lang_auto": (
        "I will answer in the language of each question.",
        "我会用提问所用的语言回答。",
    ),
    "lang_usage": ("Usage: /lang en, /lang zh or /lang auto", "用法：/lang en、/lang zh 或 /lang auto"),
    "ask_usage": (
        "Ask after the command, for example: /ask What was the border trade in 1987?",
        "请在命令后写上问题，例如：/ask 今年新签合同多少？",
    ),
    "empty": ("Please send a question as text.", "请用文字发送问题。"),
    "cut": (
        "Your message was long; I read only its first {limit} characters.",
        "消息太长，我只读取了前 {limit} 个字符。",
    ),
    "slow_down": (
        "You are sending questions very quickly; I will answer again in a few seconds.",
        "提问太快了，请稍等几秒再问。",
    ),
    "group_slow_down": (
        "This group is asking faster than I can answer; I will answer again in a minute.",
        "本群提问太快了，我一分钟后再继续回答。",
    ),
    "article_cut": (
        "The article is too long for a chat: these are its first {shown} of {total} characters.",
        "文章太长，这里只显示全文 {total} 个字符中的前 {shown} 个。",
    ),
    "error": (
        "Sorry, something went wrong on my side. Please try again in a moment.",
        "抱歉，我这里出了点问题，请稍后再试。",
    ),
    "busy": ("The archive is busy; please try again.", "档案正忙，请稍后再试。"),
    "expired": (
        "This button is no longer valid; please ask the question again.",
        "这个按钮已失效，请重新提问。",
    ),
    "no_more": ("No further results for this question.", "这个问题没有更多结果了。"),
    "no_article": ("I cannot find that article in the archive.", "档案中找不到这篇文章。"),
    "bad_link": ("That link is not valid here.", "这个链接无效。"),
    "view_zh": ("原文", "原文"),
    "view_en": ("English", "English"),
    "next": ("Next result ▸", "下一条 ▸"),
    "full": ("Full article", "全文"),
    "original": ("(原文)", "(原文)"),
    "translation": ("(English translation)", "(English translation)"),
    "shown_original": ("Original (Chinese):", "原文："),
    "shown_translation": ("English translation:", "英文译文："),
    "inline_hint": ("Type words to look up figures", "输入关键词查找数字"),
    "inline_slow": ("The search took too long; try more words", "查找超时，请换用更多关键词"),
    "inline_none": ("No figures found", "没有找到数字"),
    "cmd_start": ("Start and examples", "开始与示例"),
    "cmd_help": ("How to ask", "使用说明"),
    "cmd_ask": ("Ask a question (in groups)", "提问（群组中使用）"),
    "cmd_lang": ("Answer language: en, zh or auto", "回答语言：en、zh 或 auto"),
    "cmd_about": ("What the archive holds", "档案概况"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The sentence `key` in `lang` (English for any other language)."""
    en, zh = _SENTENCES[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def ui_lang(preference: str | None, language_code: str | None) -> str:
    """The language of the bot's own sentences: the user's choice, else their Telegram client's."""
    if preference in LANGS:
        return preference
    return "zh" if (language_code or "").lower().startswith("zh") else "en"
