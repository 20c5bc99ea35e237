"""Every sentence a person reads, in English and Chinese, in one table.

Answers, citations, warnings, the bot's own messages, button labels and the
terminal chat all take their words from here, so both languages stay complete
and side by side. Values are plain text: callers escape them for HTML.
"""

from __future__ import annotations

LANGS = ("en", "zh")

_SENTENCES: dict[str, tuple[str, str]] = {
    # -- answers ---------------------------------------------------------------
    "paper": ("People's Daily", "人民日报"),
    "cite": ("{paper}, {date}{page}: {title}{authors}", "《{paper}》{date}{page}：{title}{authors}"),
    "cite_source": ("{paper}, {date}{page}{authors}", "《{paper}》{date}{page}{authors}"),
    "cite_date": ("{iso}", "{year}年{month}月{day}日"),
    "cite_page": (", page {page}", "第{page}版"),
    "cite_authors": (" — {names}", "（{names}）"),
    "authors_joiner": (", ", " "),
    "cite_lead": ("— ", "——"),
    "not_found": (
        "Sorry, I found nothing in the archive that answers this. Try other words, a place or a year.",
        "抱歉，档案中没有找到能回答这个问题的内容。请换个说法，或加上地点、年份再试。",
    ),
    "mistranslated": (
        "The English translation reads {printed}; the original {original} is {correct}.",
        "英文译文误作 {printed}；原文 {original} 即 {correct}。",
    ),
    "question_cut": (
        "Your question was long: I read only its first {limit} characters.",
        "问题太长，只读了前 {limit} 个字。",
    ),
    "note": ("Note: {text}", "注：{text}"),
    "other_side": (  # a passage shown in the other language, because the archive has only that side
        "(Chinese original; the archive has no English translation of this passage)",
        "（英文译文；档案中没有这段的中文原文）",
    ),
    "shown_original": ("Original (Chinese):", "原文："),
    "shown_translation": ("English translation:", "英文译文："),
    "inline_page": (", p. {page}", " 第{page}版"),
    # -- series: a figure over the years ------------------------------------------
    "series_title": ("{query}, {first}–{last}", "{query}（{first}—{last}年）"),
    "series_title_one": ("{query}, {first}", "{query}（{first}年）"),
    "series_axis": ("{unit}", "{unit}"),
    "series_axis_scaled": ("million {unit}", "万{unit}"),
    "series_year": ("Year", "年份"),
    "series_value": ("Value", "数值"),
    "series_qualifier": ("Qualifier", "限定"),
    "series_source": ("Source", "出处"),
    "series_sources": ("Sources:", "出处："),
    "series_exact": ("exact", "确数"),
    "qualifier_over": ("over", "多"),
    "qualifier_nearly": ("nearly", "近"),
    "qualifier_about": ("about", "约"),
    "qualifier_at_least": ("at least", "至少"),
    "preliminary": ("preliminary", "初步"),
    "series_other": ("also reported: {value}, {source}", "另一报道：{value}，{source}"),
    "series_none": (
        "Nothing in the archive gives this figure year by year: {query}. Try other words, e.g. national grain output.",
        "档案中没有找到这个数字的逐年报道：{query}。请换个说法，例如：全国粮食总产量。",
    ),
    "series_none_between": (
        "Nothing in the archive gives this figure between {start} and {end}: {query}.",
        "档案中没有找到 {start} 至 {end} 年间的这个数字：{query}。",
    ),
    "chart_caption": (  # two lines under a chart: what and in what unit; years, reports
        "{what} ({unit})\n{years}, from {reports} reports",
        "{what}（{unit}）\n{years}年，共 {reports} 篇报道",
    ),
    "chart_caption_one": ("{what} ({unit})\n{years}, from 1 report", "{what}（{unit}）\n{years}年，共 1 篇报道"),
    "chart_usage": (
        "Name a figure after the command, for example: /chart steel output",
        "请在命令后写上要看的数字，例如：/chart 钢产量",
    ),
    "point": ("{year}: {value}", "{year}年：{value}"),
    "year_span": ("{first}–{last}", "{first}—{last}"),
    "compare_more": ("{later} had {amount} more than {earlier}.", "{later}年比{earlier}年多{amount}。"),
    "compare_less": ("{later} had {amount} less than {earlier}.", "{later}年比{earlier}年少{amount}。"),
    "compare_same": ("{later} had as much as {earlier}.", "{later}年与{earlier}年持平。"),
    "compare_ratio": ("{later} is {ratio} times {earlier}.", "{later}年是{earlier}年的{ratio}倍。"),
    "chart_hint": (
        "For the chart: archive-bot series \"{query}\" --from {first} --to {last} --png chart.png",
        "图表：archive-bot series \"{query}\" --from {first} --to {last} --png chart.png",
    ),
    # -- the bot's own messages ------------------------------------------------
    "welcome": (
        "Hello! I answer questions about the People's Daily archive ({articles} articles, {years}), "
        "each the Chinese original with an English translation. I reply with the figure, the sentence that "
        "states it and where it was printed.\n\nTap an example, or type your own question in English or Chinese.",
        "你好！我回答关于《人民日报》档案的问题：共 {articles} 篇文章（{years}年），"
        "每篇都有中文原文和英文译文。我会给出数字、说明它的句子和出处。\n\n点一个示例，或直接用中文或英文提问。",
    ),
    "example_1": (
        "What was Heilongjiang's border trade volume in 1987?",
        "1987年黑龙江边境贸易额是多少？",
    ),
    "example_2": (
        "How much were the new border trade contracts signed this year worth?",
        "今年新签合同多少？",
    ),
    "help": (
        "Send a question in this private chat and I answer from the archive.\n"
        "In groups: /ask <question>, mention me, or reply to one of my messages.\n"
        "Anywhere: type @{bot} <words or a number> to look up figures and post one.\n"
        "A follow-up such as \"and in 1988?\" is read with your previous question.\n"
        "Ask how a figure changed over the years (\"how did steel output grow?\") and I answer with a chart; "
        "ask which of two years had more, and I compare them.\n\n"
        "/chart <figure>: a figure over the years as a chart, for example /chart steel output\n"
        "/lang en|zh|auto: the language of my answers\n/about: what the archive holds",
        "私聊时直接发送问题即可。\n"
        "在群组里：用 /ask <问题>、@我，或回复我的消息。\n"
        "在任意聊天中输入 @{bot} <关键词或数字> 可以查找数字并发送。\n"
        "像“那1988年呢？”这样的追问会接着上一个问题理解。\n"
        "问某个数字这些年怎么变化（如“钢产量这些年怎么变化的”），我会给出图表；问两年中哪年多，我会把两年对比。\n\n"
        "/chart <数字>：历年数字图表，例如 /chart 钢产量\n"
        "/lang en|zh|auto：回答所用的语言\n/about：档案概况",
    ),
    "about": (
        "The archive holds {articles} People's Daily articles printed from {first} to {last}, each the Chinese "
        "original with an English translation: {passages} passages and {figures} figures I can cite.",
        "档案收录《人民日报》{articles} 篇文章，刊于 {first} 至 {last}，每篇都有中文原文和英文译文，"
        "共 {passages} 个段落、{figures} 个可引用的数字。",
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
        "You are asking faster than I can answer: I will not answer this question, nor any you send "
        "in the next {seconds} seconds. Please ask again after that.",
        "提问太快了：这个问题，以及接下来 {seconds} 秒内发来的问题，我都不会回答。请稍后再问。",
    ),
    "group_slow_down": (
        "This group is asking faster than I can answer: I will not answer this question, nor any sent "
        "here in the next {seconds} seconds. Please ask again after that.",
        "本群提问太快了：这个问题，以及接下来 {seconds} 秒内发来的问题，我都不会回答。请稍后再问。",
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
    # -- buttons ---------------------------------------------------------------
    "view_zh": ("原文", "原文"),
    "view_en": ("English", "English"),
    "next": ("Next result ▸", "下一条 ▸"),
    "full": ("Full article", "全文"),
    "whole": ("Whole passage", "整段"),
    "in_private": ("Read in private chat", "私聊中阅读"),
    "try_inline": ("Try the inline lookup here", "在这里试试内联查找"),
    "inline_example": ("border trade", "边境贸易"),
    "open_in_bot": ("Open in the bot", "在机器人中打开"),
    "sources": ("Sources", "出处"),
    # -- inline mode -----------------------------------------------------------
    "inline_hint": ("Type words or a number to look up figures", "输入关键词或数字查找"),
    "inline_slow": ("The search took too long; try more words", "查找超时，请换用更多关键词"),
    "inline_none": ("No figures found", "没有找到数字"),
    # -- menu commands -----------------------------------------------------------
    "cmd_start": ("Start and examples", "开始与示例"),
    "cmd_help": ("How to ask", "使用说明"),
    "cmd_ask": ("Ask a question (in groups)", "提问（群组中使用）"),
    "cmd_chart": ("A figure over the years, as a chart", "历年数字图表"),
    "cmd_lang": ("Answer language: en, zh or auto", "回答语言：en、zh 或 auto"),
    "cmd_about": ("What the archive holds", "档案概况"),
    # -- the terminal chat -------------------------------------------------------
    "chat_hello": (
        "Ask the People's Daily archive, in English or Chinese. Type help for help, quit (or Ctrl-D) to leave.",
        "可以用中文或英文向《人民日报》档案提问。输入 help 查看说明，quit（或 Ctrl-D）退出。",
    ),
    "chat_help": (
        "Type a question and press Enter; the arrow keys edit the line and recall earlier questions.\n"
        "A follow-up such as \"and in 1988?\" is read with your previous question.\n"
        "help: this text; quit or Ctrl-D: leave.",
        "输入问题后按回车；方向键可以编辑和调出以前的问题。\n"
        "像“那1988年呢？”这样的追问会接着上一个问题理解。\n"
        "help：显示本说明；quit 或 Ctrl-D：退出。",
    ),
}


def t(key: str, lang: str, **values: object) -> str:
    """The sentence `key` in `lang` (English for any other language)."""
    en, zh = _SENTENCES[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def keys() -> list[str]:
    return list(_SENTENCES)


def ui_lang(preference: str | None, language_code: str | None) -> str:
    """The language of the bot's own sentences: the user's choice, else their Telegram client's."""
    if preference in LANGS:
        return preference
    return "zh" if (language_code or "").lower().startswith("zh") else "en"
