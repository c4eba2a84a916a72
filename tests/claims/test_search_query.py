"""The search query (claims/text/query.py), without the database: what a journalist types and
which claims it matches."""

import pytest

from claims.text import query as q
from claims.text.fold import fold

GROUPS = [
    ["Islamic State", "ISIS", "ISIL", "Daesh"],
    ["Syrian Arab Army", "SAA", "Syrian troops"],
]


def typed(text, groups=GROUPS) -> list[str]:
    return [t.typed for t in q.parse(text, groups).terms]


def test_words_match_in_any_order_and_all_must_occur():
    query = q.parse("Kerry Lavrov")
    assert query.matches("Lavrov told Kerry the deal was off.")
    assert query.matches("KERRY and lavrov met.")
    assert not query.matches("Kerry spoke alone.")


def test_a_word_matches_at_the_start_of_a_word_only():
    query = q.parse("convoy")
    assert query.matches("The convoys were hit.")
    assert not q.parse("ISIS").matches("The crisis deepened.")
    assert q.parse("ISIS").matches("(ISIS) fighters")
    assert q.parse("Nusra").matches("al-Nusra Front")


def test_a_quoted_phrase_matches_its_words_in_order():
    query = q.parse('"aid convoy"')
    assert typed('"aid convoy"') == ["aid convoy"]
    assert query.matches("The UN aid  convoys near Aleppo.")
    assert query.matches("the aid\nconvoy")
    assert not query.matches("The convoy carried aid.")
    assert q.parse("aid convoy").matches("The convoy carried aid.")


def test_curly_quotes_and_apostrophes():
    assert typed("“aid convoy” Kerry") == ["aid convoy", "Kerry"]
    assert q.parse("Russia's").matches("Russia’s suspicions")
    assert q.parse("Russia’s").matches("Russia's suspicions")


def test_an_alias_group_matches_any_of_its_names():
    query = q.parse("ISIS", GROUPS)
    (term,) = query.terms
    assert term.aliases == ("Islamic State", "ISIL", "Daesh")
    assert query.matches("a Daesh fighting position")
    assert query.matches("the islamic  state group")
    assert not query.matches("the state of Islam")
    assert q.parse("daesh", GROUPS).matches("ISIS fighters")


def test_an_alias_name_of_several_words_typed_without_quotes():
    query = q.parse("Syrian troops Aleppo", GROUPS)
    assert typed("Syrian troops Aleppo") == ["Syrian troops", "Aleppo"]
    assert query.matches("SAA units near Aleppo")
    assert query.matches("troops of the Syrian army near Aleppo")  # the words, in any order
    assert not query.matches("SAA units near Homs")
    assert q.parse('"Islamic State"', GROUPS).terms[0].aliases == ("ISIS", "ISIL", "Daesh")


def test_groups_sharing_a_name_are_joined_for_it():
    groups = [["US", "United States"], ["United States", "America"]]
    assert set(q.parse("United States", groups).terms[0].aliases) == {"US", "America"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('"Kerry Lavrov', ["Kerry", "Lavrov"]),
        ('Kerry" Lavrov', ["Kerry", "Lavrov"]),
        ("Kerry NEAR(Lavrov, 5)", ["Kerry", "NEAR", "Lavrov", "5"]),
        ("Kerry OR Lavrov", ["Kerry", "OR", "Lavrov"]),
        ("-Kerry +Lavrov*", ["Kerry", "Lavrov"]),
        ("(ISIS) AND ^Daesh:", ["ISIS", "AND", "Daesh"]),
        ('""', []),
        ('" "', []),
        ("* - ( ) \" '", []),
        ("", []),
        ("U.S. al-Nusra", ["U.S", "al-Nusra"]),
        ("kerry KERRY Kerry", ["kerry"]),
    ],
)
def test_hostile_input_is_plain_words(text, words):
    assert typed(text) == words


def test_operators_are_plain_words_that_must_occur():
    assert not q.parse("Kerry OR Lavrov").matches("Kerry met Lavrov.")
    assert q.parse("Kerry OR Lavrov").matches("Kerry or Lavrov.")


def test_a_very_long_query_is_cut_short():
    query = q.parse("word " * 10_000)
    assert len(query.terms) == 1
    query = q.parse(" ".join(f"w{n}" for n in range(1000)))
    assert len(query.terms) == q.MAX_TERMS
    assert len(q.parse("x" * 100_000).terms[0].typed) == q.MAX_CHARS


def test_regex_characters_are_literal():
    assert q.parse('"a.b"').matches("a.b") and not q.parse('"a.b"').matches("axb")
    assert q.parse('"[Daesh]"').matches("against [Daesh] and")
    assert q.parse('"(x|y)+"').terms[0].typed == "x|y"  # punctuation at the edges dropped
    assert q.parse('"x|y"').matches("x|y") and not q.parse('"x|y"').matches("y")


def test_marks_cover_the_words_found_including_alias_names():
    text = "Daesh shelled the aid convoys; Kerry spoke."
    query = q.parse('Kerry "aid convoy" ISIS', GROUPS)
    marks = [(text[m.start : m.end], m.why) for m in query.marks(text)]
    assert marks == [
        ("Daesh", "“Daesh” is another name for “ISIS” in this story"),
        ("aid convoys", "matches “aid convoy”"),
        ("Kerry", "matches “Kerry”"),
    ]


def test_overlapping_marks_are_merged():
    text = "Syrian Arab Army troops"
    marks = q.parse("Syrian Arab", GROUPS).marks(text)
    assert [(m.start, m.end) for m in marks] == [(0, 6), (7, 11)]
    marks = q.parse('"Syrian Arab" Syrian', GROUPS).marks(text)
    assert [(m.start, m.end) for m in marks] == [(0, 11)]


def test_runs_are_what_an_index_can_look_up():
    assert q.runs("Russia's al-Nusra U.S.") == ["Russia", "s", "Nusra", "U", "S"]
    assert q.runs("Élysée") == ["Elysee"]  # accents off: the indexes fold them too


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("straße", "STRASSE"),
        ("STRASSE", "Straße"),
        ("strike", "ſtrike"),
        ("σίσυφος", "ΣΊΣΥΦΟΣ"),
        ("kelvin", "\u212aelvin"),
        ("élysée", "ÉLYSÉE"),
        ("Russia's", "RUSSIA’S"),
    ],
)
def test_the_quick_check_before_the_pattern_changes_no_answer(word, text):
    """`matches` first looks for the word's pieces in the case-folded text; the pattern alone
    decides the same."""
    assert q.parse(word).matches(text) == bool(q._pattern(word).search(fold(text)))
