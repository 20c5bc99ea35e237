"""Chinese word lists: what the question reader and the features look for in Chinese text."""

from __future__ import annotations

KINDS = (
    ("share", r"百分之|比重|比例|占.{0,6}(多少|几)|%|成$|幅度|增幅|涨幅|率(?!领)"),
    ("duration", r"多少年|几年|多久|多长时间|多少个月|几个月|(?:多少|几)个?(?:天|小时|分钟)|为期多长"),
    ("date", r"哪一年|哪年|何时|什么时候|哪一天|哪个月|几月|何年"),
    ("money", r"多少钱|金额|总额|贸易额|价值|投资|产值|收入|多少元|资金|花了|费用|外资|利润|创汇"),
    ("count", r"(多少|几)(个|项|种|人|家|座|次|所|条|批|位|名|台|辆|艘|处|户|件|届|支|队|块|枚|幅|对|场|局|本|张|"
              r"头|只|架|部|口|间|篇|份|套)"),
    # 多长, 多远, 多大 ask a size, an age or a distance as 多少 asks an amount; 几倍 a multiple.
    ("amount", r"多少|产量|总量|几何|多[长远大高深宽重厚]|(?:几|多少)倍"),
    ("which", r"哪些|哪里|哪儿|哪个|谁|什么|吗|是否|有没有"),
)
# 多少种, 几岁: the measure word an answer's figure should carry.
MEASURE = (r"(?:多少|几)(个|项|种|人|家|座|次|所|条|批|位|名|吨|公里|元|支|队|届|台|辆|艘|户|件|亩|斤|岁|秒|米|倍|度|"
           r"枚|块|场|局|天|年)")
# A question that asks a rank (第几届, 排第几, 名次): a 第 ordinal answers it.
RANK = r"第(?:几|多少)|排名|名次|排第|排在第|位次|位居"
RELATIVE_YEARS = {"今年": 0, "去年": -1, "明年": 1, "前年": -2, "现在": 0, "目前": 0, "现有": 0}
CHANGE = r"增长|增加|提高|上升|下降|减少|增产|减产|多了|少了|比去年|比上年|翻了?一番|比.{0,10}(多|少|增|减|高|低)"
# After a change word, the words that make the figure the level reached, not the change (增长到, 提高到了, 增加为).
CHANGE_TO = r"[到至为达]"
# A question about a figure over years, answered by a series: 这些年怎么变化的, 趋势, 从1978年到1990年…变化.
TREND = (r"变化|趋势|走势|变迁|这些年|这几年|近几年|近年来|多年来|历年|逐年|"
         r"(?:怎么|怎样|如何)(?:样)?(?:增长|发展|变|上升|下降|增加|减少)")
# With two years named, a question that sets them against each other: 1988年和1987年哪年多.
COMPARE = r"哪(?:一)?年|还是|相比|比较|对比|相差|差距|比.{0,16}(?:多|少|高|低|大|小|增|减)"
# Words that ask for one number (增长了多少, 几倍; 这几年 asks none): such a question is answered by the
# report that states it, so it is neither TREND nor COMPARE.
ONE_NUMBER = r"多少|几(?!年)"
# Words that ask for a trend or a comparison, not what is measured: left out of the query a series is
# read from (全国粮食总产量这些年怎么变化的 -> 全国粮食总产量). 多, 高, 大 ... only as the asking word at the end
# or before 还是, never inside a name (大豆, 高粱).
ASKING_OVER_YEARS = (
    r"哪一?年|这些年|这几年|近几年|近年来|多年来|历年|逐年|以来|以后|怎么样?|怎样|如何|变化|趋势|走势|变迁|情况|"
    r"增长|发展|上升|下降|增加|减少|还是|相比|比较|对比|有什么|是什么|[从到至自由和与跟同比是的了呢吗啊]|"
    r"[多少高低大小](?=还是|吗|呢|[？?]|$)|[？?，,：:；;！!—–-]"
)
# A year a series starts from (自1978年, 1978年以来); {year} stands for the year.
SINCE = r"(?:自|从|由){year}|{year}\s*年?\s*(?:以来|以后|起)"
BASE = r"(?:比|较|同比)\s*$"
FROM = r"[由从]"
FRAME_WORDS = "比重 比例 百分之 数量 数字 情况 占 总数 多大 大 多高 高 多长 长 多快 快 多远 钱 花"
# Words that make a figure a plan or a goal rather than what came about.
TARGET = r"计划|目标|任务|要求|争取|力争|预计|预期|可望|规划|指标|打算|设想"
# jieba part-of-speech tags that end the noun a count counts (3个内河港口|开始): verbs, prepositions,
# conjunctions, adverbs, particles, punctuation, pronouns, numerals, measure words, places and times.
NOUN_ENDS = ("v", "p", "c", "d", "u", "x", "r", "m", "q", "y", "f", "t", "z")
NOUN_USE = "vn"  # a verb used as a noun (投产) stays in the noun
# Words that make a figure in their sentence an early count or an estimate, which a later report may revise.
PRELIMINARY = r"初步|预计|估计|推算|可达|快报"
# A figure per person, per area or per day: a rate, never the level of a total.
PER_UNIT = r"人均|每人|平均每|每个人|每户|每亩|亩产|单产|日产|每日|每天|月产|每月"
# Words that name the whole nation: a figure they lead to is the nation's (全国粮食总产量, 我国钢的生产).
NATIONAL = r"全国|我国|中国|中华人民共和国"
# Words that name a scope other than the nation: a part of it (全省, 各省, 这五十个县), a body (大队, 公社, 钢铁公司,
# a works 厂 or mine 矿) or the world beyond it (世界, 资本主义国家). Places by name are jieba's (ns).
OTHER_SCOPE = (r"[全各本该这此](?:[省县市区乡镇村队厂矿]|社(?!会))|这.{0,5}个(?:省|县|市|区|乡|镇|村|社|队|厂|矿)|"
               r"大队|公社|生产队|钢铁公司|钢铁厂|工厂|煤矿|矿务局|农场|世界|各国|外国|资本主义国家|"
               r"[鞍首武包宝太本攀马]钢")  # the great steel works by their short names: 鞍钢 is Anshan's
# Of OTHER_SCOPE, the words that point back to the place last named (全省: the province the report is about):
# a figure they lead to is that place's.
POINTS_BACK = r"[全本该][省县市区]"
# Words that say a figure is an amount produced, not of what: left out of the thing a series counts (钢产量 -> 钢).
AMOUNT = "总产量 年产量 产量 总产 年产 生产 产"
# Flows of a thing other than its output (交售, 收购, 出口, 库存): what a figure they lead to measures, unless asked.
OTHER_FLOWS = r"交售|出售|销售|卖|收购|征购|出口|进口|调出|调入|库存|储备|消费"
# Before a word, what says its amount is a year's or a total (年发电量, 全年): read past for what it names.
ANNUAL = r"^(?:全年|年|总)"
# A report's dateline: the place it was filed from, not the scope of its figures (本报太原6月27日电).
DATELINE = r"(?:本报|新华社)[^，。,]{0,20}?[电讯]"
# A part named as included in a total (包括东北地区在内): not the total's scope.
INCLUDED = r"包括[^，。,]*在内"
# After a figure (and its noun), the word that makes it describe the noun that follows (1800万吨钢的新目标,
# 年产6000万吨钢的台阶): a target or a milestone, not an amount reported.
ATTRIBUTE = r"的"
# A total over several years (累计, 五十九年时间一共, 1983年至1985年期间): no year's level.
SEVERAL_YEARS = (r"累计|总和|(?:[两二三四五六七八九十几多]+|\d+)年(?:时间|间|来|期间)|近[两二三四五六七八九十几\d]+年|"
                 r"\d{4}年?[至到—-]+\d{4}年")
# A part of a year (上半年, 第一季度, 一月份, 1至11月, 夏粮): no year's level.
PART_OF_YEAR = (r"[上下]半年|[一二三四\d]季度|(?:[一二三四五六七八九十]+|\d+)月份|(?:[一二三四五六七八九十]+|\d+)至"
                r"(?:[一二三四五六七八九十]+|\d+)月|[前头](?:[一二三四五六七八九十]+|\d+)个?月|这个月|本月|当月|上月"
                r"|[夏秋]粮|[早晚]稻")  # a season's harvest is part of the year's
# Words that put a figure at an earlier time the text does not date (三中全会以前, 历史上最高的一年): of no year known.
UNDATED_PAST = r"以前|以往|历史上"
# Words that 半 begins, read wrongly as "and a half" after a count or as 一半 (half): 三个半岛 (three
# peninsulas), 这一半导体 (this semiconductor), 同一半径.
HALF_WORDS = r"岛|导|径|决赛|球|成品|机械|殖民|封建|自动|脱产"
# Characters that make a word with the 一 after them (统一, 唯一, 万一, 之一): that 一 is no number, and a
# 一半 after them is not "half".
BEFORE_ONE = "统唯万之专划"
# Approximation words before a lone 万 or 亿 that make it a number (近万名, 逾亿元); elsewhere a lone 万 is a
# word (万一, 万岁).
ROUND_AFTER = "近逾约超"
