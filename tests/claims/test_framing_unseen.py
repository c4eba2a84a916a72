"""The framing rules on sentences they were not tuned on: pronouns and roles as sources, one
person under several names, the words dotted as unique, discrepancies of the same fact only and
quantities with units."""

from claims.framing import ClaimText, sources
from claims.framing.lexicon import load
from claims.views.highlight import differing_words

LEX = load()


def claim(text, outlet="A", id=1, article=1):
    return ClaimText(id, outlet, text, article=article)


def listed(texts, article=1):
    claims = [claim(t, id=n, article=article) for n, t in enumerate(texts)]
    return [
        (f.spans[0].claim, f.topic, f.label) for f in sources.sources(claims) if f.kind == "source"
    ]


def test_a_pronoun_is_the_last_person_named_or_no_source():
    found = listed(
        [
            "He said the ferry left late.",  # nobody named yet: no source
            "Harbour master Ellen Voss said the ferry left at nine.",
            "The Port Authority said the sea was calm.",
            "She said the crew was tired.",  # Voss, not the port authority
            "It said the engines were checked.",  # "it" is nobody
        ]
    )
    assert found == [
        (1, "voss", "Harbour master Ellen Voss"),
        (2, "authority", "The Port Authority"),
        (3, "voss", "Harbour master Ellen Voss"),
    ]


def test_a_company_is_no_source_unless_it_was_named():
    assert listed(["The company said profits rose."]) == []
    found = listed(["Brindle Freight Ltd said it lost a truck.", "The company said so."])
    assert [label for _, _, label in found] == ["Brindle Freight Ltd", "Brindle Freight Ltd"]


def test_one_person_is_one_source_shown_by_the_fullest_name():
    claims = [
        claim("Col. John Thomas said the strike was legal.", id=1),
        claim("Sales rose, Acme Corp said.", id=2),
        claim("Thomas’s team, he said, was ready.", id=3),
        claim("Thomas told reporters the raid was planned.", id=4),
        claim("Air Force Col. John J. Thomas said no more.", id=5, article=2),
    ]
    rows = sources.summary(sources.sources(claims))["A"]
    assert [(r["name"], len(r["flags"])) for r in rows] == [
        ("Air Force Col. John J. Thomas", 4),
        ("Acme Corp", 1),
    ]


def test_dotted_words_skip_titles_abbreviations_and_number_words():
    differs = differing_words(
        {
            "One": ["Mr. Okafor said two U.S. drones and 14 boats were seen off Lagos."],
            "Two": ["Drones were seen, a spokesman said."],
        }
    )
    assert differs["One"] == {"okafor", "14", "lagos"}
