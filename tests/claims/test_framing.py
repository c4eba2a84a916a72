"""The framing rules, on seed sentences and on sentences of our own."""

import datetime

import pytest

from claims.framing import ClaimText, agency, discrepancies, hedging, naming, omissions, sources
from claims.framing.lexicon import load
from tests.gold import framing_gold as gold
from tests.gold.framing_score import gold_items, precision_recall, predicted

LEX = load()


def claim(text, outlet="A", id=1, article=1, published=None):
    return ClaimText(id, outlet, text, article=article, published=published)


def spans_of(flags, kind):
    return [[s.text for s in f.spans] for f in flags if f.kind == kind]


def test_every_span_is_the_claims_own_text():
    claims = gold.seed_claims()
    flags = (
        sources.sources(claims)
        + hedging.hedging(claims, LEX)
        + agency.agency(claims, LEX)
        + naming.naming(claims, naming.merge(LEX.naming))
    )
    text = {c.id: c.text for c in claims}
    assert flags
    for flag in flags:
        for s in flag.spans:
            assert text[s.claim][s.start : s.end] == s.text


def test_naming_shows_which_variant_each_outlet_chose():
    claims = [
        claim("Daesh fighters held the town.", "Agence One", 1),
        claim("ISIS fighters held the town, but this is a rumour.", "Agence Two", 2),
        claim("The truce held.", "Agence Two", 3),
    ]
    groups = naming.merge([("Islamic State", "ISIS", "Daesh", "IS"), ("cease-fire", "truce")])
    flags = naming.naming(claims, groups)
    chosen = {(f.outlet, f.label) for f in flags}
    assert chosen == {("Agence One", "Daesh"), ("Agence Two", "ISIS"), ("Agence Two", "truce")}
    assert naming.differing_groups(flags) == {"Islamic State / ISIS / Daesh / IS"}


def test_naming_groups_come_from_the_matchers_alias_data():
    text = "The Free Syrian Army (FSA) advanced. The FSA said so."
    groups = naming.alias_groups([["Joint Implementation Center", "JIC"]], [text])
    assert ("Free Syrian Army", "FSA") in groups
    assert ("Joint Implementation Center", "JIC") in groups


def test_sources_on_seed_sentences_resolve_stand_ins_and_continuations():
    claims = [
        claim(
            "The US-led coalition airstrike on the Syrian Arab Army (SAA) besieged in the city of "
            "Deir ez-Zor confirmed Russia's suspicions that US military officials did not plan on "
            "delivering on Washington's pledge, independent investigative journalist Gareth Porter "
            "asserted.",
            id=1,
        ),
        claim("“It was no mistake,” the journalist said.", id=2),
        claim("“The timing makes a tight fit.”", id=3),
        claim("The SAA fulfilled its part of the deal.", id=4),
    ]
    flags = sources.sources(claims)
    assert [(f.kind, f.topic) for f in flags] == [
        ("source", "porter"),
        ("source", "porter"),
        ("source", "porter"),
        ("own", "own statement"),
    ]
    assert "“It was no mistake,”" in [s.text for s in flags[1].spans]
    rows = sources.summary(flags)["A"]
    assert rows[0]["name"] == "independent investigative journalist Gareth Porter"
    assert sources.own_share(flags) == {"A": (1, 4)}


def test_sources_of_our_own_sentences():
    flags = sources.sources(
        [claim("According to the Red Crescent, six aid workers died."), claim("Rain fell.", id=2)]
    )
    assert [(f.kind, f.label) for f in flags] == [
        ("source", "the Red Crescent"),
        ("own", "the outlet's own statement"),
    ]


def test_hedging_finds_verbs_and_markers_with_spans():
    flags = hedging.hedging(
        [
            claim("The rebels reportedly withdrew, the governor insisted."),
            claim("“It is always possible that the strike was a failure,” he said.", id=2),
            claim("The attack that claimed the lives of nine people was loud.", id=3),
        ],
        LEX,
    )
    assert spans_of(flags, "hedge") == [["reportedly"], ["It is always possible that"]]
    assert [f.topic for f in flags if f.kind == "verb"] == ["insisted", "said"]


@pytest.mark.parametrize(
    "text, kind, spans",
    [
        (
            "A United Nations convoy carrying food into Aleppo was hit by an airstrike.",
            "agentless",
            ["was hit", "an airstrike"],
        ),
        (
            "It was the U.S.-led coalition that erroneously bombed Syrian troops.",
            "agent",
            ["bombed", "the U.S.-led coalition"],
        ),
        ("The market was shelled twice on Friday.", "agentless", ["was shelled"]),
        (
            "The market was shelled by government artillery.",
            "agentless",
            ["was shelled", "government artillery"],
        ),
        ("Two clinics were struck by Russian jets.", "agent", ["were struck", "Russian jets"]),
        (
            "Militias loyal to the governor shelled the market.",
            "agent",
            ["shelled", "the governor"],
        ),
        ("The explosions killed four people.", "agentless", ["killed", "The explosions"]),
    ],
)
def test_agency(text, kind, spans):
    flags = agency.agency([claim(text)], LEX)
    assert spans in spans_of(flags, kind)


@pytest.mark.parametrize(
    "text, spans",
    [
        # a headline drops "was": the noun before the participle was acted on
        ("Aid worker killed in Aleppo convoy strike", ["killed"]),
        ("UN Convoy Bombed Near Aleppo", ["Bombed"]),
        ("Syria: aid convoy attacked - 20 dead", ["attacked"]),
    ],
)
def test_a_headline_participle_is_a_passive_not_an_act_of_the_noun_before_it(text, spans):
    flags = agency.agency([claim(text)], LEX)
    assert spans in spans_of(flags, "agentless")
    assert not [f for f in flags if f.kind == "agent"]


def test_a_participle_before_by_is_a_passive_with_the_by_agent():
    text = "Twenty drivers killed by Russian jets, officials said."
    flags = agency.agency([claim(text)], LEX)
    assert ["killed", "Russian jets"] in spans_of(flags, "agent")
    # in a full sentence a participle before "in" is still an act of its subject
    flags = agency.agency([claim("Government jets bombed in the morning.")], LEX)
    assert ["bombed", "Government jets"] in spans_of(flags, "agent")


def test_two_headlines_naming_the_victim_differently_are_no_contradiction_of_agent():
    claims = [
        claim("Aid worker killed in Aleppo convoy strike", "One", 1),
        claim("RED CRESCENT DRIVER KILLED BY AIRSTRIKE NEAR ALEPPO", "Two", 2),
    ]
    assert "agent" not in {d.kind for d in discrepancies.discrepancies(claims, LEX)}


def test_a_state_is_not_a_passive():
    assert agency.agency([claim("Russia was interested in the agreement.")], LEX) == []


def test_omissions_list_what_others_state_with_their_words():
    claims = [
        claim("Monday's strike on the convoy near Aleppo killed 20 people.", "One", 1),
        claim("The convoy was hit on Monday. The army apologized.", "Two", 2),
    ]
    flags = omissions.omissions(claims, LEX)
    missing = {(f.outlet, f.topic): [s.text for s in f.spans] for f in flags}
    assert missing[("Two", "the death toll")] == ["killed 20"]
    assert missing[("Two", "the location")] == ["near Aleppo"]
    assert missing[("One", "the apology")] == ["apologized"]
    assert ("One", "the date") not in missing


def test_a_dateline_states_the_location():
    """A tester's report opened "PORT ELLIS — Some 350 people were evacuated ...": the event
    page said that outlet "Does not state the location"."""
    claims = [
        claim("PORT ELLIS — Some 350 people were evacuated after a warehouse fire.", "One", 1),
        claim("About 300 residents were evacuated in Port Ellis on Monday.", "Two", 2),
        claim("INDIANAPOLIS, Ind. - Some 300 people were evacuated on Monday.", "Three", 3),
    ]
    flags = omissions.omissions(claims, LEX)
    missing = {(f.outlet, f.topic) for f in flags}
    assert ("One", "the location") not in missing
    assert ("Three", "the location") not in missing
    assert ("One", "the date") in missing  # what it does leave out is still said
    from claims.framing.facts import dateline

    for label in ("BREAKING — Police said", "UPDATE - Police said", "FBI -- Agents said"):
        assert dateline(label) is None, label


def test_discrepancies_in_numbers_places_dates_agents_and_intent():
    day = datetime.date(2016, 9, 21)
    claims = [
        claim(
            "At least 18 trucks were hit into the city of Aleppo on Monday.",
            "One",
            1,
            published=day,
        ),
        claim(
            "Twenty trucks were hit in a rural area near Aleppo on Sunday.", "Two", 2, published=day
        ),
        claim("The army erroneously bombed the base.", "One", 3),
        claim("The Russian air force bombed the base; it was no mistake.", "Two", 4),
        claim("Twelve trucks were lost.", "Three", 5),
    ]
    found = discrepancies.discrepancies(claims, LEX)
    kinds = {(d.kind, d.claim_a, d.claim_b) for d in found}
    assert ("place", 1, 2) in kinds
    assert ("date", 1, 2) in kinds
    assert ("number", 1, 5) in kinds  # "at least 18" against twelve
    assert ("number", 1, 2) not in kinds  # at least 18 allows twenty
    assert ("number", 2, 5) in kinds
    assert ("intent", 3, 4) in kinds
    assert ("agent", 3, 4) not in kinds  # "The army" names no one to compare
    place = next(d for d in found if d.kind == "place")
    assert [s.text for s in place.spans] == [
        "into the city of Aleppo",
        "in a rural area near Aleppo",
    ]


def test_dates_and_weekdays_agree_when_they_are_the_same_day():
    day = datetime.date(2016, 9, 21)
    claims = [
        claim("The truce ended on September 19.", "One", 1, published=day),
        claim("The truce ended on Monday.", "Two", 2),  # no date of its own: "Monday" as such
    ]
    assert discrepancies.discrepancies(claims, LEX) == []
    claims[1] = claim("The truce ended on Tuesday.", "Two", 2)
    assert [d.kind for d in discrepancies.discrepancies(claims, LEX)] == ["date"]


def test_dates_and_agents_need_a_link():
    claims = [
        claim("Rebels shelled the school on Monday.", "One", 1),
        claim("Government troops shelled the school on Friday.", "Two", 2),
    ]
    assert {d.kind for d in discrepancies.discrepancies(claims, LEX)} == {"date", "agent"}
    assert discrepancies.discrepancies(claims, LEX, linked=set()) == []


def test_user_entries_extend_the_lexicons():
    lexicon = load(
        [("hedge", "sources suggest"), ("fact", "the ransom: ransom"), ("naming", "Kyiv, Kiev")]
    )
    flags = hedging.hedging([claim("Sources suggest talks failed.")], lexicon)
    assert spans_of(flags, "hedge") == [["Sources suggest"]]
    assert ("Kyiv", "Kiev") in lexicon.naming
    omitted = omissions.omissions(
        [claim("A ransom was paid.", "One", 1), claim("He was freed.", "Two", 2)], lexicon
    )
    assert [(f.outlet, f.topic) for f in omitted] == [("Two", "the ransom")]


def test_the_seed_story_flags_what_our_labels_list():
    claims = gold.seed_claims()
    events = {name: gold.event_claims(claims, name) for name in gold.EVENTS}
    found, labelled = predicted(claims, events), gold_items(gold)
    assert found["discrepancies"] == labelled["discrepancies"]
    for kind, floor in [("sources", 0.75), ("passives", 0.75), ("omissions", 0.9)]:
        precision, recall, *_ = precision_recall(kind, found[kind], labelled[kind])
        assert precision >= floor and recall >= floor, (kind, precision, recall)
