"""Agreement figures against values worked out by hand; the agreement page's notes, who sees
them, and adjudication that starts with no label chosen."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.actions import annotating
from claims.agreement import cohen_kappa, krippendorff_alpha, measure
from claims.models import Adjudication, Annotation, Edit, Link
from tests.claims.test_exports_rights import NOTES, build_newsroom
from tests.conftest import signed_in


def test_kappa_of_a_two_by_two_table():
    # 50 items; A and B both say yes on 20, A yes B no on 5, A no B yes on 10, both no on 15.
    # Observed agreement p_o = (20 + 15) / 50 = 0.7.
    # A says yes 25/50 = 0.5, B says yes 30/50 = 0.6, so by chance
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, and kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_with_three_labels():
    # 10 items. Agreements: agrees 4, contradicts 2, unrelated 1 -> p_o = 0.7.
    # A: agrees 5, contradicts 3, unrelated 2; B: agrees 6, contradicts 2, unrelated 2.
    # p_e = (5*6 + 3*2 + 2*2) / 100 = 0.40; kappa = (0.7 - 0.4) / 0.6 = 0.5.
    pairs = (
        [("agrees", "agrees")] * 4
        + [("contradicts", "contradicts")] * 2
        + [("unrelated", "unrelated")]
        + [("agrees", "unrelated"), ("contradicts", "agrees"), ("unrelated", "agrees")]
    )
    assert cohen_kappa(pairs) == pytest.approx(0.5)


def test_kappa_is_perfect_on_agreement_and_undefined_without_variation():
    assert cohen_kappa([("a", "a"), ("b", "b")]) == pytest.approx(1.0)
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None
    assert cohen_kappa([]) is None


def test_alpha_of_krippendorffs_own_example():
    # Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the nominal example:
    # four observers, twelve units, some values missing; alpha = 0.743.
    rows = [
        "1 2 3 3 2 1 4 1 2 . . .",
        "1 2 3 3 2 2 4 1 2 5 . 3",
        ". 3 3 3 2 3 4 2 2 5 1 .",
        "1 2 3 3 2 4 4 1 2 5 1 .",
    ]
    units = [
        [v for v in column if v != "."] for column in zip(*(r.split() for r in rows), strict=True)
    ]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)


def test_alpha_of_a_small_table_by_hand():
    # Three units labelled by two annotators: (a, a), (a, b), (b, b).
    # Coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 2; n_a = n_b = 3, n = 6.
    # alpha = 1 - (n - 1) * (o_ab + o_ba) / (n_a * n_b + n_b * n_a) = 1 - 5 * 2 / 18 = 4/9.
    assert krippendorff_alpha([["a", "a"], ["a", "b"], ["b", "b"]]) == pytest.approx(4 / 9)


def test_alpha_ignores_units_with_one_label_and_is_undefined_without_variation():
    assert krippendorff_alpha([["a", "a"], ["a", "b"], ["b", "b"], ["b"]]) == pytest.approx(4 / 9)
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert krippendorff_alpha([]) is None


def test_measure_reports_kappa_for_two_annotators_and_the_disagreements():
    labels = {
        1: {"ann": "agrees", "bob": "agrees"},
        2: {"ann": "agrees", "bob": "unrelated"},
        3: {"ann": "unrelated", "bob": "unrelated"},
        4: {"ann": "partly"},
    }
    figures = measure(labels)
    assert figures.annotators == ["ann", "bob"]
    assert figures.compared == 3
    assert figures.observed == pytest.approx(2 / 3)
    # p_o = 2/3; ann agrees 2, unrelated 1; bob agrees 1, unrelated 2: p_e = (2 + 2) / 9.
    assert figures.kappa == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))
    assert figures.alpha == pytest.approx(4 / 9)
    assert figures.disagreements == [2]


def test_measure_with_three_annotators_gives_alpha_not_kappa():
    labels = {1: {"a": "x", "b": "x", "c": "y"}, 2: {"a": "y", "b": "y", "c": "y"}}
    figures = measure(labels)
    assert figures.kappa is None
    # Unit 1: pairs (x,x) x2, (x,y) x4 [weight 1/2 each] -> o_xx = 1, o_xy = o_yx = 1;
    # unit 2: o_yy += 3. n_x = 2, n_y = 4, n = 6: alpha = 1 - 5 * 2 / (2 * 2 * 4) = 0.375.
    assert figures.alpha == pytest.approx(0.375)
    assert figures.disagreements == [1]


# The agreement page: notes, who sees them, and adjudication ------------------------------------

AGREEMENT_NOTE = '<script>alert("note")</script> & the toll'


@pytest.fixture
def newsroom(db):
    return build_newsroom()


def agreement_page(client, story):
    response = client.get(reverse("claims-agreement", args=[story.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _client(who, users):
    return Client() if who == "anonymous" else signed_in(users[who])


@pytest.mark.parametrize("who", ["ann", "ed", "staff"])
def test_the_agreement_page_shows_members_each_labels_note_escaped(newsroom, who):
    story, (first, _, _), users = newsroom
    mine = Annotation.objects.get(link=first, annotator=users["ann"])
    annotating.annotate(first, users["ann"], "agrees", AGREEMENT_NOTE, mine.version)
    html = agreement_page(_client(who, users), story)
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; &amp; the toll" in html
    assert '<script>alert("note")' not in html
    for key in ("bea", "bea2", "adj"):
        assert NOTES[key] in html
    for key in ("ann", "bea", "ed"):
        assert users[key].username in html
    assert "annotator-1" not in html


@pytest.mark.parametrize("who", ["anonymous", "out"])
def test_the_agreement_page_shows_others_pseudonyms_and_no_notes(newsroom, who):
    story, _, users = newsroom
    html = agreement_page(_client(who, users), story)
    for note in NOTES.values():
        assert note.split()[0] not in html
    for key in ("ann", "bea", "ed"):
        assert users[key].username not in html
    # The same pseudonyms as the story's exports; the labels still show.
    for n in (1, 2, 3):
        assert f"annotator-{n}" in html
    assert "label-contradicts" in html


def test_adjudication_starts_with_no_label_chosen(newsroom):
    story, (first, second, _), users = newsroom
    html = agreement_page(_client("ed", users), story)
    select = re.search(
        rf'<select name="label" id="adj-label-{second.pk}"[^>]*>(.*?)</select>', html
    )
    assert select, "the form for the link not yet adjudicated"
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
    # The first option, which a browser shows, is no label, and it is the one selected.
    assert options[0] == ("", " selected")
    assert [value for value, selected in options if selected] == [""]
    assert "required" in select.group(0)
    # The adjudicated link's form shows its final label.
    done = re.search(rf'<select name="label" id="adj-label-{first.pk}"[^>]*>(.*?)</select>', html)
    assert re.findall(r'<option value="([^"]*)" selected>', done.group(1)) == ["partly"]


@pytest.mark.parametrize("htmx", [False, True])
def test_adjudication_without_a_label_is_refused_and_nothing_written(newsroom, htmx):
    story, (_, second, _), users = newsroom
    before = Link.objects.get(pk=second.pk)
    edits = Edit.objects.count()
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for data in ({"label": "", "note": "no label", "version": 0}, {"note": "", "version": 0}):
        data.update(claim_a=second.claim_a_id, claim_b=second.claim_b_id)
        response = _client("ed", users).post(
            reverse("claims-adjudicate", args=[story.slug, second.pk]), data, **extra
        )
        assert response.status_code == (422 if htmx else 400)
        assert "This field is required." in response.content.decode()
    assert not Adjudication.objects.filter(link=second).exists()
    assert Edit.objects.count() == edits
    after = Link.objects.get(pk=second.pk)
    assert (after.status, after.decided_by_id, after.decided_at) == (
        before.status,
        before.decided_by_id,
        before.decided_at,
    )
