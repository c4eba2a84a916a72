"""The sentences around a claim as evidence (claims/matching/context.py): inside an occurrence
of a story that covers several, alike neighbours make a link surer and say so; they never merge
two sub-events of the occurrence, nor pull a shared background sentence into an event."""

from claims.matching import ArticleInput, ClaimInput, match

LEADS = [
    "A magnitude 6.1 earthquake struck Cloverdale Valley on Friday, killing 12 villagers.",
    "The quake's epicentre was near the town of Marrow, the geological survey said.",
    "Power lines came down across the valley and roads were blocked by landslides.",
    "The regional governor declared a state of emergency in Cloverdale Valley.",
    "It was the strongest earthquake to hit the region in forty years.",
]
BACKGROUND = "The Harrow fault runs under the area; it last ruptured in 1978."
FLOOD = [
    "Flooding of the Brennan River swept away the Harlow footbridge, leaving 40 families cut off.",
    "The Brennan River flood swept away the Harlow footbridge; 40 families cut off.",
    "40 families were cut off when the Brennan River flood took the Harlow footbridge.",
]
NIGHT, RESCUE = 5, 6  # positions of the two sub-events told after each quake article's lead


def quake(n, tail):
    """One outlet's quake article: the lead (in its own order), then `tail`."""
    return LEADS[n:] + LEADS[:n] + tail


def stories(flood=True):
    """Three outlets on the quake, each telling two sub-events in a run (a night outdoors, a
    rescue at a school), two of them with the same background line; three on a flood."""
    texts = [
        quake(0, [
            "Hundreds slept in the streets overnight, afraid of aftershocks.",
            "Rescuers pulled 3 children alive from the collapsed Ashgrove school on Saturday.",
            "The children were flown to hospital.",
            BACKGROUND,
        ]),
        quake(1, [
            "Many families spent the night outdoors, fearing more aftershocks.",
            "Three children were rescued alive from the rubble of the Ashgrove school on Saturday.",
            "They were taken by helicopter to a hospital.",
            "The Harrow fault last ruptured in 1978, geologists recalled.",
        ]),
        quake(2, ["Rescue teams dug 3 children alive out of the Ashgrove school on Saturday."]),
    ] + ([[s] for s in FLOOD] if flood else [])  # fmt: skip
    articles = [ArticleInput(n, f"outlet {n}", "", None, " ".join(t)) for n, t in enumerate(texts)]
    claims = [
        ClaimInput(n * 100 + p, n, s, p) for n, t in enumerate(texts) for p, s in enumerate(t)
    ]
    return articles, claims


def link(result, a, b):
    return next(x for x in result.links if (x.a, x.b) == (a, b))


def event_of(result):
    return {c: e.key for e in result.events for c in e.claim_ids}


def test_alike_neighbours_count_and_the_explanation_says_so():
    night = link(match(*stories()), NIGHT, 100 + NIGHT)
    assert night.components["context"] > 0.2
    assert "the sentences around them in their articles tell alike too" in night.explanation


def test_neighbours_say_nothing_in_a_story_that_is_one_occurrence():
    """Without the flood, every article covers the quake: neighbours are often other
    sub-events of it, so only the sentences themselves count."""
    night = link(match(*stories(flood=False)), NIGHT, 100 + NIGHT)
    assert night.components["context"] == 0
    assert "sentences around them" not in night.explanation


def test_two_sub_events_of_one_occurrence_stay_apart():
    ev = event_of(match(*stories()))
    assert ev[NIGHT] == ev[100 + NIGHT]
    assert ev[RESCUE] == ev[100 + RESCUE] == ev[200 + RESCUE - 1]
    assert ev[NIGHT] != ev[RESCUE]
    assert ev[0] not in (ev[NIGHT], ev[RESCUE])


def test_a_background_line_shared_by_two_outlets_stays_out_of_an_unrelated_event():
    ev = event_of(match(*stories()))
    background = (RESCUE + 2, 100 + RESCUE + 2)
    for claim in background:
        assert ev.get(claim) not in (ev[0], ev[NIGHT], ev[RESCUE], ev[300])
