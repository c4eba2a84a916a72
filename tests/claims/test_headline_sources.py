"""Headline sources: "Sheriff: suspect fled on foot" is attributed to the sheriff, in the
claim's speaker and in the sources panel; page furniture and times with a colon are not."""

import pytest

from articles.ingest.importer import Upload, import_uploads
from articles.models import Story
from claims.framing import ClaimText, hedging, sources
from claims.framing.lexicon import load
from claims.models import Claim
from claims.text.attribution import speaker


@pytest.mark.parametrize(
    ("headline", "source"),
    [
        ("Sheriff: suspect fled on foot", "Sheriff"),
        ("Police: two dead in shooting", "Police"),
        ("UN official: convoy was hit from the air", "UN official"),
        ("Sheriff’s office: the driver was not hurt", "Sheriff’s office"),
    ],
)
def test_a_headline_names_its_source_before_the_colon(headline, source):
    assert speaker(headline) == source


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Photo: Police officers guard the scene.", "Police: officers guard the scene."),
        ("Updated: 4:43 p.m. ET", "Coroner: 4 died at the scene"),
        ("Note: This story has been updated.", "Mayor: this city has been hurt."),
        ("Source: The Associated Press", "Sources: The Associated Press sold"),
        ("Syria: rebels agree to a truce", "Syria official: rebels agree to a truce"),
        ("Police officers arrived at 4:43: the road was closed.", "Police: the road was closed."),
    ],
)
def test_furniture_topics_and_times_are_no_source_beside_a_headline_that_is(text, headline):
    assert speaker(text) == ""
    assert speaker(headline) == headline.split(":")[0]


def test_the_sources_panel_lists_a_headline_source_with_no_verb():
    claims = [
        ClaimText(1, "Daily", "Sheriff: suspect fled on foot", article=1),
        ClaimText(2, "Daily", "Photo: Police officers guard the scene.", article=1),
    ]
    flags = sources.sources(claims)
    assert [(f.kind, f.label) for f in flags] == [
        ("source", "Sheriff"),
        ("own", "the outlet's own statement"),
    ]
    verbs = hedging.counts(hedging.hedging(claims, load()), "verb")
    assert verbs == {}  # a colon is no verb of attribution


def test_an_imported_headline_claim_has_its_source_as_speaker(db):
    story = Story.objects.create(slug="chase", title="A chase")
    body = (
        "Deputies searched the woods near the river all night for the driver of the car.\n\n"
        "Sheriff: suspect fled on foot after the crash on Route 9.\n\n"
        "Note: this story was updated with the sheriff's account of the chase.\n"
    )
    import_uploads([Upload("chase.txt", body.encode(), outlet="Daily")], story)
    speakers = dict(Claim.objects.filter(article__story=story).values_list("text", "speaker"))
    assert speakers["Sheriff: suspect fled on foot after the crash on Route 9."] == "Sheriff"
    note = next(t for t in speakers if t.startswith("Note:"))
    assert speakers[note] == ""
