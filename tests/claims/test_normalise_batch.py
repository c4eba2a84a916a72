"""The batch forms of normalising and aliasing (a story's claims at once) give what the one
sentence at a time forms give."""

import datetime

from claims.matching import normalise
from claims.matching.aliases import AliasTable
from claims.matching.normalise import Sentences, tokens, tokens_of

SENTENCES = [
    "The United Nations said the Joint Implementation Center opened on Monday.",
    "UN envoy Staffan de Mistura met Sergei Lavrov in Geneva.",
    "Officials of the united",  # a phrase's first word ends the sentence...
    "Nations met again.",  # ...and its second begins the next: no phrase across them
    "The Joint Implementation Center and the JIC are one.",
    "",
    "'s",
    "Seven-day truce holds, said Sergey Lavrov.",
]


def table() -> AliasTable:
    t = AliasTable()
    t.add(("unit", "nation"), "=un", "UN")
    t.add(("un",), "=un", "UN")
    t.add(("joint", "implementation", "center"), "=jic", "JIC")
    t.add(("joint", "implementation"), "=ji", "JI")
    t.add(("jic",), "=jic", "JIC")
    t.add(("sergei", "lavrov"), "=lavrov", "Lavrov")
    t.add(("sergey", "lavrov"), "=lavrov", "Lavrov")
    return t


def test_tokens_of_is_tokens_of_each_text_with_its_date():
    monday = datetime.date(2016, 9, 21)
    dates = [monday, None] * (len(SENTENCES) // 2)
    assert tokens_of(SENTENCES, dates) == [
        tokens(s, d) for s, d in zip(SENTENCES, dates, strict=True)
    ]
    assert tokens_of(SENTENCES, dates)[0] != tokens_of(SENTENCES, [None] * len(SENTENCES))[0]


def test_apply_all_is_apply_to_each_sentence():
    toks = [tokens(s) for s in SENTENCES]
    t = table()
    applied = t.apply_all(toks, Sentences(toks))
    assert applied == [t.apply(s) for s in toks]
    assert [x.term for x in applied[0]].count("=un") == 1
    assert "=jic" in [x.term for x in applied[0]]
    assert "=un" not in [x.term for x in applied[2] + applied[3]]
    assert [x.term for x in applied[7]].count("=lavrov") == 1


def test_apply_all_without_phrases_leaves_the_sentences():
    toks = [tokens(s) for s in SENTENCES]
    assert AliasTable().apply_all(toks, Sentences(toks)) is toks


def test_tokens_of_keeps_no_more_words_than_its_bound(monkeypatch):
    """A story of one date (or none, the usual import) is bounded too, not only one of many."""
    seen = []
    tokenise = normalise._tokens

    def spy(text, published, later):
        if later is not None:  # (`tokens`, one text, reads no batch's map)
            seen.append(len(later))
        return tokenise(text, published, later)

    monkeypatch.setattr(normalise, "_LATER_WORDS", 10)
    monkeypatch.setattr(normalise, "_tokens", spy)
    texts = [f"Word{i} met word{i}a and word{i}b in town{i}." for i in range(50)]
    assert tokens_of(texts, [None] * len(texts)) == [tokens(t) for t in texts]
    assert max(seen) <= 10 + 6  # the bound, and one text's words past it
