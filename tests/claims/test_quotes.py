"""Shared quotes (one quotation several outlets printed, not several confirmations) and retold
reporting (a claim that retells another's reporting has that reporter as its source): the
rules on sentences of our own and on the seed story, and the pages that show them."""

import pytest
from django.urls import reverse

from articles.models import Story
from claims.framing import ClaimText, quotes, sources
from claims.models import Claim, Event
from tests.conftest import make_article
from tests.gold import framing_gold as gold

SCRIPT = '<script>alert("x")</script>'


def claim(text, outlet, id, article=None):
    return ClaimText(id, outlet, text, article=article or id)


def shared_of(claims):
    found = quotes.shared(quotes.quotations(sources.sources(claims)))
    return {cid: [(n.outlet, n.speaker) for n in notes] for cid, notes in found.items()}


# -- shared quotes -----------------------------------------------------------------------------


def test_same_words_of_the_same_speaker_are_one_quotation():
    found = shared_of(
        [
            claim("“We will not open the border before spring,” said Col. Maria Ortiz.", "A", 1),
            # another form of her name; the quotation trimmed, its punctuation changed
            claim("Ortiz told reporters they would “not open the border before spring.”", "B", 2),
            claim("“We will not open the border before spring!” Ortiz said.", "A", 3),
        ]
    )
    assert found[1] == [("B", "Col. Maria Ortiz")]
    assert found[2] == [("A", "Col. Maria Ortiz")]  # one note an outlet: A's first claim
    assert 3 in found  # A's second claim is the same quotation as B's


def test_a_speaker_named_sentences_before_is_resolved_in_the_article():
    found = shared_of(
        [
            claim("Col. Maria Ortiz said the border was calm.", "A", 1, article=10),
            claim("“We will not open the border before spring,” she told reporters.", "A", 2, 10),
            claim("Col. Maria Ortiz, the commander, said so.", "B", 3, article=20),
            claim("“We will not open the border before spring.”", "B", 4, article=20),
        ]
    )
    assert found[2] == [("B", "Col. Maria Ortiz")] and found[4] == [("A", "Col. Maria Ortiz")]


def test_the_same_words_of_another_speaker_are_not_one_quotation():
    found = shared_of(
        [
            claim("“We will not open the border before spring,” said Col. Maria Ortiz.", "A", 1),
            claim("“We will not open the border before spring,” Governor Paul Lind said.", "B", 2),
        ]
    )
    assert found == {}


def test_a_paraphrase_of_a_quotation_is_not_one_quotation():
    found = shared_of(
        [
            claim("“We will not open the border before spring,” said Col. Maria Ortiz.", "A", 1),
            claim("Col. Maria Ortiz said the border would stay closed until spring.", "B", 2),
            claim("Ortiz said they will not open the border before spring.", "C", 3),
        ]
    )
    assert found == {}


def test_other_words_of_the_same_speaker_and_scare_quotes_are_not_one_quotation():
    found = shared_of(
        [
            claim("“We will not open the border before spring,” said Col. Maria Ortiz.", "A", 1),
            claim("“The convoy turned back at the second checkpoint,” Ortiz said.", "B", 2),
            claim("Ortiz called it a “clear message” to the rebels.", "A", 3),
            claim("Ortiz said the strike was a “clear message” to them.", "B", 4),
        ]
    )
    assert found == {}


def test_the_seed_story_col_thomas_quote_is_one_quotation_of_two_outlets():
    claims = gold.seed_claims()
    text = {c.id: c.text for c in claims}
    found = shared_of(claims)
    quoting = {text[cid]: notes for cid, notes in found.items()}
    assert quoting == {
        "“We are not anticipating any great progress anytime soon,” he told reporters at the "
        "Pentagon Tuesday.": [(gold.MT, "Col. John Thomas")],
        '“It’s not a situation where we are anticipating any great progress anytime soon."': [
            (gold.WT, "Col. John Thomas")
        ],
    }


# -- retold reporting --------------------------------------------------------------------------


def rows_of(claims):
    return {(r["name"], r["retold"]) for r in sources.summary(sources.sources(claims))["A"]}


def test_retold_reports_name_the_reporter_not_the_outlet():
    claims = [
        claim("According to a report by Reuters, six aid workers died.", "A", 1),
        claim("The strike was planned weeks before, as The New York Times reported.", "A", 2),
        claim("A recent article in The Washington Post said the talks had failed.", "A", 3),
        claim("The ministry reported 20 dead on Monday.", "A", 4),
        claim("“It was loud,” said Col. Maria Ortiz.", "A", 5),
    ]
    flags = sources.sources(claims)
    assert [(f.spans[0].claim, f.kind, f.label) for f in flags] == [
        (1, "source", "Reuters"),
        (2, "source", "The New York Times"),
        (3, "source", "The Washington Post"),
        (4, "own", "the outlet's own statement"),
        (5, "source", "Col. Maria Ortiz"),
    ]
    assert rows_of(claims) == {
        ("Reuters", True),
        ("The New York Times", True),
        ("The Washington Post", True),
        ("Col. Maria Ortiz", False),
    }
    # two newspapers are two sources, though both names end with a "Times"
    assert sources.source_key("The New York Times") != sources.source_key("The Washington Times")


def test_a_journalist_retold_is_the_source_of_what_is_said_in_his_name():
    claims = [
        claim("The raid was planned, independent journalist Jane Roe asserted.", "A", 1, 9),
        claim("In Roe's opinion, the raid was no mistake.", "A", 2, 9),
        claim("“It was deliberate,” the journalist said.", "A", 3, 9),
    ]
    flags = sources.sources(claims)
    assert [f.topic for f in flags] == ["roe", "roe", "roe"]
    assert rows_of(claims) == {("independent journalist Jane Roe", True)}
    assert sources.own_share(flags) == {"A": (0, 3)}


def test_the_seed_story_sputnik_retells_gareth_porter():
    claims = [c for c in gold.seed_claims() if c.outlet == gold.SPUTNIK]
    flags = sources.sources(claims)
    porter = [f for f in flags if f.topic == "porter"]
    said = {c.id: c.text for c in claims}
    assert any(said[f.spans[0].claim].startswith("In Porter's opinion") for f in porter)
    rows = sources.summary(flags)[gold.SPUTNIK]
    assert (rows[0]["name"], rows[0]["retold"]) == (
        "independent investigative journalist Gareth Porter",
        True,
    )
    assert not any(r["retold"] for r in rows[1:])  # CENTCOM is no reporter


# -- the pages ---------------------------------------------------------------------------------


def thomas_event(story):
    return Claim.objects.get(article__story=story, text__contains="We are not anticipating").event


@pytest.mark.django_db
def test_event_page_framing_and_report_mark_the_seed_shared_quote(client, matched_story):
    event = thomas_event(matched_story)
    mt = Claim.objects.get(article__story=matched_story, text__contains="It’s not a situation")
    assert mt.event_id == event.pk  # both outlets' claims are in this event
    args = [matched_story.slug, event.pk]
    page = client.get(reverse("claims-event", args=args)).content.decode()
    framing = client.get(reverse("claims-event-framing", args=args)).content.decode()
    report = client.get(reverse("claims-event-report", args=args)).content.decode()
    for html in (page, framing, report):
        assert "same quotation as Military Times: Col. John Thomas" in html
        assert "same quotation as The Washington Times: Col. John Thomas" in html
    assert "the same quotation printed by Military Times too" in framing
    # the report marks the claims in its columns as well as in its framing
    assert report.count("same quotation as Military Times: Col. John Thomas") == 2


@pytest.mark.django_db
def test_framing_panel_shows_sputnik_retelling_gareth_porter(client, matched_story):
    event = Claim.objects.get(
        article__story=matched_story, text__contains="independent investigative journalist"
    ).event
    html = client.get(
        reverse("claims-event-framing", args=[matched_story.slug, event.pk])
    ).content.decode()
    assert (
        "<strong>independent investigative journalist Gareth Porter</strong> <span "
        'class="retold" title="The source’s name says reporting: a journalist’s or a news '
        'outlet’s">(retold report: Sputnik International retells this reporting)</span>'
    ) in html


@pytest.mark.django_db
def test_shared_quotes_and_retold_reports_are_escaped(client):
    story = Story.objects.create(slug="quotes", title="Quotes")
    one = make_article(
        story, f"One {SCRIPT}", ["“We will not open the border before spring,” said Col. Ortiz."]
    )
    two = make_article(
        story,
        "Two",
        ["“We will not open the border before spring,” Ortiz said, as One Times reported."],
    )
    event = Event.objects.create(story=story, key="border", auto_label="Border")
    Claim.objects.filter(pk__in=[one[0].pk, two[0].pk]).update(event=event)
    args = [story.slug, event.pk]
    for name in ("claims-event", "claims-event-framing", "claims-event-report"):
        html = client.get(reverse(name, args=args)).content.decode()
        assert SCRIPT not in html
        assert "same quotation as One &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: " in html
    assert "(retold report: Two retells this reporting)" in html
