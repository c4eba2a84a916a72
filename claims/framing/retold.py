"""Retold reporting: a claim that retells another's reporting ("independent investigative
journalist Gareth Porter asserted", "according to a report by Reuters", "as The New York Times
reported") has that reporter or outlet as its source, not the outlet that printed it.

Two rules. A source names reporting when its name holds a reporter's role ("journalist",
"correspondent") or is a news organisation's ("Reuters", "The New York Times", "the
newspaper"): `is_reporting`. And `reports` finds the sources the speech-verb lexicon of
`claims.text.attribution` does not anchor: the outlet of "a report by X", "as X reported", and
whose "opinion", "view" or "account" a claim gives ("In Porter's opinion, ...").
"""

import re

# Role words of people and bodies whose trade is reporting.
REPORTER_WORDS = {
    "journalist", "journalists", "reporter", "correspondent", "correspondents", "columnist",
    "blogger", "commentator", "newspaper", "newspapers", "broadcaster", "tabloid", "newsroom",
}  # fmt: skip
# A name is a news organisation's when it ends with one of these ("The Washington Times",
# "Fox News") or holds one of NEWS_NAMES as whole words ("Reuters", "the AP").
NEWS_ENDINGS = {
    "times", "post", "news", "journal", "tribune", "herald", "gazette", "telegraph", "guardian",
    "chronicle", "inquirer", "examiner", "magazine", "daily", "weekly",
}  # fmt: skip
NEWS_NAMES = {
    "reuters", "ap", "afp", "associated press", "agence france-presse", "bbc", "cnn", "msnbc",
    "nbc", "abc", "cbs", "fox news", "bloomberg", "sputnik", "rt", "tass", "ria novosti",
    "interfax", "xinhua", "al jazeera", "politico", "axios", "npr", "pbs", "upi", "dpa", "efe",
    "ansa", "kyodo", "yonhap", "anadolu", "news agency",
}  # fmt: skip
_NEWS_NAME = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(n) for n in sorted(NEWS_NAMES, key=len, reverse=True))
    + r")(?![\w-])"
)

# A name as written: capitalised words ("The New York Times", "Agence France-Presse"), "of"
# or "and" allowed between two of them.
_NAME = r"(?:[Tt]he\s+)?[A-Z][\w.&’'-]*(?:\s+(?:(?:of|and|for)\s+)?[A-Z][\w.&’'-]*){0,5}"
_REPORT_NOUNS = r"(?:report|reports|article|story|investigation|interview|dispatch|analysis)"
_RULES = [
    # "according to a report by Reuters", "a recent article in The New York Times said"
    re.compile(
        r"(?P<anchor>\b(?:[Aa]n?|[Tt]he)\s+(?:[a-z]+\s+)?" + _REPORT_NOUNS + r")\s+"
        r"(?:by|in|from|published\s+by|for)\s+(?P<name>" + _NAME + r")"
    ),
    # "as The New York Times reported", "Reuters first reported"
    re.compile(
        r"(?P<as>\bas\s+)?(?P<name>" + _NAME + r")\s+(?:first\s+|earlier\s+|previously\s+|also\s+"
        r"|has\s+|had\s+|have\s+)?(?P<anchor>reported|is\s+reporting|was\s+reporting|reports)\b"
    ),
    # "In Porter's opinion", "in the newspaper's account"
    re.compile(
        r"(?P<anchor>\b[Ii]n)\s+(?P<name>" + _NAME + r"|the\s+[a-z]+)[’']s?\s+"
        r"(?:opinion|view|words|account|assessment|analysis|reporting|telling)\b"
    ),
]


def is_reporting(name: str) -> bool:
    """The name is a reporter's or a news organisation's: who it retells is reporting."""
    words = [w.strip(".,’'").lower() for w in name.split()]
    if not words:
        return False
    return bool(set(words) & REPORTER_WORDS) or words[-1] in NEWS_ENDINGS or is_news_name(name)


def is_news_name(name: str) -> bool:
    """A news organisation's name ("Reuters", "The New York Times"), not a reporter's."""
    words = [w.strip(".,’'").lower() for w in name.split()]
    if not words or not any(w[:1].isupper() for w in name.split()):
        return False
    return words[-1] in NEWS_ENDINGS or bool(_NEWS_NAME.search(" ".join(words)))


def reports(text: str) -> list[tuple[int, int, int, int]]:
    """Sources of the text that no speech verb anchors, as `attributions` gives them: (source
    start, source end, anchor start, anchor end). "X reported" counts only after "as" or for a
    news organisation or a reporter ("the ministry reported 20 dead" is the ministry's own)."""
    found = []
    for rule in _RULES:
        for m in rule.finditer(text):
            name = m.group("name")
            if "as" in rule.groupindex and not m.group("as") and not is_reporting(name):
                continue
            found.append((*m.span("name"), *m.span("anchor")))
    return sorted(found)
