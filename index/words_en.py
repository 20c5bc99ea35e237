"""English word lists: what the question reader and the features look for in English text."""

from __future__ import annotations

# What a question asks for, by the words that ask it; the first pattern that matches names the kind.
KINDS = (
    ("amount", r"\bhow long (?:is|are)\b"),  # a length: "how long is the Third Ring Road"
    ("share", r"\b(share|percent(age)?|per cent|portion|proportion|ratio|rate|how fast)\b|%"),
    ("duration", r"\bhow (many|long) (years|months|days)\b|\bhow long\b|\bfor how many years\b|"
                 r"\bwhat time did\b|\b(?:winning|race|finishing|final|semifinal|record) time\b"),
    ("date", r"\bwhen\b|\bwhat (year|date|month)\b|\bwhich (year|month)\b|\bin what year\b"),
    ("count", r"\bhow many\b|\bnumber\b|\bcount\b|\bpopulation\b"),
    ("money", r"\bvalue\b|\bworth\b|\bcost\b|\binvest|\bcapital\b|\bfund|\bmoney\b|\bspen[dt]\b|\bpaid\b|"
              r"\bpay\b|\byuan\b|\bdollars?\b|\byen\b|\bfrancs?\b|\brubles?\b|\bincome\b|\brevenue\b|\bprofit|"
              r"\bprices?\b|\bgdp\b|\bgnp\b"),
    # A size, a distance, an age or a score is asked as an amount is.
    ("amount", r"\bhow much\b|\bamount\b|\bvolume\b|\btotal\b|\boutput\b|\bproduc|"
               r"\bhow (?:far|big|large|tall|high|deep|wide|heavy|old)\b|\b(?:area|acreage|height|capacity|length|"
               r"distance|score|age)\b"),
    ("which", r"^\s*(which|where|who|whom|what (city|cities|province|port|ports|country|countries)|name)\b"),
    ("which", r"^\s*(is|are|was|were|has|have|had|did|does|do|will|can)\b"),
)
# The unit a question names without a measure word.
UNIT_WORDS = {
    "people": r"\b(people|persons?|labou?rers?|workers?|residents?|visitors?|tourists?|students?|staff)\b",
    "tons": r"\btons?\b|\btonnes?\b",
    "km": r"\bkm\b|\bkilomet|\blength\b|\bhow long is\b",
    "items": r"\b(items?|projects?|contracts?|kinds?|varieties|commodities|products?|types?)\b",
}
# A question that asks a rank ("which session", "what place", "rank in the world"): an ordinal answers it.
RANK = (r"\b(?:which|what)\s+(?:session|time|edition|congress|plenum|plenary|meeting|championships?|games|place|"
        r"round|rank|position|anniversary|minute)\b|\brank(?:ed|s|ing)?\b")
RELATIVE_YEARS = {"this year": 0, "last year": -1, "next year": 1, r"\bnow\b": 0, r"\bat present\b": 0}
CHANGE = (r"\b(rise|rose|risen|grow|grew|grown|growth|increase|increased|up|gain|fell|fall|drop|dropped|decline|"
          r"decrease|decreased|more than last|compared|higher|lower)\b|\bhow (much|many) (more|less|fewer)\b")
# A question about a figure over years, answered by a series, not by one report: "how did grain output
# grow", "the trend", "over the years". "How much did it grow" is CHANGE: one report's figure.
TREND = (r"\btrends?\b|\bover (?:the|these|those|many|the past \w+) (?:years|decades)\b|\bover time\b|"
         r"\byear (?:by|after|on) year\b|\bthrough the years\b|\bfrom year to year\b|"
         r"\bhow (?:did|has|have|does|do|had) [^?]{1,80}\b(?:change|changed|grow|grown|develop|"
         r"developed|evolve|evolved|rise|risen|fall|fallen|increase|increased|decrease|decreased|decline|declined)\b")
# With two years named, a question that sets them against each other: "bigger in 1988 or 1987?".
COMPARE = (r"\bor\b|\bcompar|\bversus\b|\bvs\b|\bwhich (?:year|of the two)\b|\bdifference\b|\bexceed|\bsurpass|"
           r"\b(?:more|less|fewer|bigger|larger|higher|lower|smaller|greater)\b.*\bthan\b")
# Words that ask for one number: such a question ("how much more in 1984 than in 1983?") is answered by
# the report that states it, so it is neither TREND nor COMPARE.
ONE_NUMBER = r"\bhow (?:much|many)\b|\bby what\b"
# Words that ask for a trend or a comparison, not what is measured: left out of the query a series is
# read from ("How did national grain output change from 1978 to 1990?" -> "national grain output").
ASKING_OVER_YEARS = (
    r"\bvs\.|\b(?:how|did|does|do|has|have|had|was|were|is|are|which|what|year|years|in|from|to|between|and|since|after|"
    r"or|than|vs|versus|compared?|comparison|bigger|larger|higher|lower|smaller|greater|more|less|fewer|change[ds]?|"
    r"grow|grew|grown|growth|develop(?:ed)?|evolved?|rise|rose|risen|fall|fell|fallen|increased?|decreased?|"
    r"declined?|trends?|over|time|the|these|those|past|decades|by|on|through|each|every|difference|"
    r"exceed(?:ed)?|surpass(?:ed)?|go|went|gone|of)\b|[?,:;!]|(?<!\w)[-–—.](?!\w)"
)
# A year a series starts from ("since 1978"); {year} stands for the year.
SINCE = r"\b(?:since|from|after)\s+(?:the year\s+)?{year}\b"
# Words before a figure that make it the base of a comparison ("over 1983", "from 50"), not a level.
BASE = r"(?:\bover|\bthan|\bcompared with|\bfrom)\s*(?:the\s+)?(?:same period(?: of)?\s+)?$"
FROM = r"\bfrom\b"
# Words that only say what kind of figure is wanted: they say nothing of which passage answers.
FRAME_WORDS = (
    "share percent percentage proportion value worth amount number figure total make up length long "
    "far size big high fast rate km kilometres kilometers tons yuan dollars"
)
# Words that make a figure a plan or a goal rather than what came about.
TARGET = r"\b(plan|planned|plans|target|targets|goal|goals|aim|aims|expected|expect|projected|quota|task)\b"
# A figure per person, per area or per day: a rate, not a total.
PER_UNIT = r"\bper (?:capita|person|head|household|mu|hectare|acre|day|month)\b|\beach person\b|\bdaily\b"
# Words that name the whole nation: a query with them asks the nation's figure, as one naming no place does.
NATIONAL = "national nationwide nation country countrywide whole china chinese"
# Words that say a figure is an amount produced in a year, not of what: left out of the thing a series counts.
AMOUNT = "output production produce produced total annual yearly year"
# A total over several years, and a part of a year: what a query names when it asks one, not a year's level.
SEVERAL_YEARS = r"\bcumulative\b|\bin all\b|\b(?:over|in) (?:the )?(?:past |last )?\w+ years\b"
PART_OF_YEAR = (r"\b(?:first|second) half\b|\bquarter\b|\bmonth(?:s|ly)?\b|\b(?:january|february|march|april|may|june|"
                r"july|august|september|october|november|december)\b"
                r"|\b(?:summer|autumn) grain\b|\b(?:early|late) rice\b")  # a season's harvest is part of the year's
# Flows of a thing other than its output, as a query names them ("grain purchases", "coal exports").
OTHER_FLOWS = r"\b(?:sales?|sold|sell|purchas\w*|procure\w*|exports?|imports?|stocks?|reserves?|consum\w*)\b"
# Words after an ordinal that make it a period (the first half, the third quarter) or a page (2nd Edition),
# not a rank.
NOT_RANKS = frozenset({"half", "quarter", "edition", "page"})
# Nouns that make an ordinal word before them a rank without "the": won third place.
RANK_NOUNS = ("place", "position")
# Words after "half" (or "a third") that make it a share of something: half of the graduates, half the output.
SHARE_OF = frozenset({"of", "the"})
