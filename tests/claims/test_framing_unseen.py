"""The framing rules on sentences they were not tuned on: pronouns and roles as sources, one
person under several names, the words dotted as unique, discrepancies of the same fact only and
quantities with units."""

import pytest

from claims.framing import ClaimText, agency, discrepancies, sources
from claims.framing.lexicon import load
from claims.views.highlight import differing_words
from tests.gold import framing_gold_ecb as ecb
from tests.gold.framing_score import gold_items, precision_recall, predicted

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


def differ(*texts, published=None):
    claims = [
        ClaimText(n, f"Outlet {n}", t, article=n, published=published) for n, t in enumerate(texts)
    ]
    return sorted((d.kind, d.key) for d in discrepancies.discrepancies(claims, LEX))


def test_in_a_place_is_not_against_near_it_nor_two_happenings():
    # A loose "in" allows "near": the same happening, said less precisely.
    assert differ("The ferry sank in Brest.", "The ferry sank near Brest.") == []
    # "into the city of" does not.
    assert differ(
        "The convoy carrying grain drove into the city of Tiro.",
        "The convoy carrying grain stopped in a field near Tiro.",
    ) == [("place", "tiro")]
    # Talks in a city and a crash near it are two happenings.
    assert (
        differ(
            "Ministers held talks inside Tiro on the future of the port.",
            "The convoy crashed near Tiro.",
        )
        == []
    )


def test_dates_of_two_happenings_are_no_contradiction():
    assert (
        differ("The ferry sank on Tuesday.", "The owners will meet the families on Wednesday.")
        == []
    )
    assert differ("The ferry sank on Tuesday.", "The ferry sank on Wednesday.") == [
        ("date", "date")
    ]


def test_counts_of_the_dead_and_of_the_hurt_are_two_facts():
    assert differ("The blast killed 12 people.", "Some 40 people were injured in the blast.") == []
    assert differ("The blast killed 12 people.", "The blast left 14 people dead.") == [
        ("number", "people killed or hurt")
    ]


def test_quantities_with_units_are_compared_once_converted():
    # 40 knots is 74 km/h: against 50 km/h a contradiction, against 75 km/h the same speed.
    assert differ(
        "Winds of 40 knots drove the ship onto the rocks.",
        "Winds of 50 km/h drove the ship onto the rocks.",
    ) == [("number", "speed")]
    assert (
        differ(
            "Winds of 40 knots drove the ship onto the rocks.",
            "Winds of 75 km/h drove the ship onto the rocks.",
        )
        == []
    )
    assert (
        differ("The truck carried 2,000 pounds of rice.", "The truck carried 907 kg of rice.") == []
    )
    assert differ("The truck carried 2 tonnes of rice.", "The truck carried 907 kg of rice.") == [
        ("number", "weight")
    ]
    assert differ("The lake was 30°C at noon.", "The lake was 86 degrees Fahrenheit at noon.") == []
    assert differ("The lake was 30°C at noon.", "The lake was 60°F at noon.") == [
        ("number", "temperature")
    ]
    # A speed of the wind and a speed of the ferry are not one fact.
    assert differ("Winds of 40 knots blew.", "The ferry sailed at 12 knots.") == []


def test_the_shot_the_dead_and_two_acts_are_not_mixed_up():
    # "three people, killing one": three were shot, one was killed; both outlets agree.
    assert (
        differ(
            "A gunman shot three people, killing one, at the depot.",
            "The shooting at the depot left 1 dead and 2 injured.",
        )
        == []
    )
    # Who attacked and who thwarted are two acts, not two agents of one.
    assert (
        differ(
            "Pirates from Eyl attacked the tanker.",
            "Sailors from Goa shelled the pirates near the tanker.",
        )
        == []
    )
    assert differ(
        "Pirates from Eyl attacked the tanker.", "Sailors from Goa attacked the tanker."
    ) == [("agent", "agent")]


def test_a_weekday_and_a_day_of_no_year_are_not_compared():
    assert differ("The attack was foiled on Thursday.", "The attack was foiled on 10 Nov.") == []


def test_an_unnamed_person_is_a_source_of_its_own():
    found = listed(["Ten boats were seized, a spokesperson at naval headquarters said."])
    assert [label for _, _, label in found] == ["a spokesperson at naval headquarters"]


@pytest.mark.skipif(not ecb.available(), reason="the ECB+ files are not on this machine")
def test_on_two_ecb_topics_the_panels_keep_what_our_labels_list():
    claims = ecb.ecb_claims()
    events = {name: ecb.event_claims(claims, name) for name in ecb.EVENTS}
    found, labelled = predicted(claims, events), gold_items(ecb)
    assert "omissions" not in labelled  # not labelled on this list
    floors = {"sources": 0.8, "passives": 0.9, "hedges": 0.7, "discrepancies": 0.3}
    for kind, floor in floors.items():
        precision, recall, *_ = precision_recall(kind, found[kind], labelled[kind])
        assert precision >= floor and recall >= floor, (kind, precision, recall)


def test_a_cause_after_by_is_not_a_named_agent():
    text = "The Pentagon was motivated by an overriding interest."
    flags = agency.agency([claim(text)], LEX)
    assert [(f.kind, [s.text for s in f.spans]) for f in flags] == [
        ("agentless", ["was motivated", "an overriding interest"])
    ]
