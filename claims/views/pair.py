"""Two linked claims side by side, and the matches of one claim (for the reader)."""

from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.access import EDIT, Sight, can, get_story
from articles.models import article_texts
from claims.actions import editing
from claims.exchange.people import People, sees_people
from claims.models import Adjudication, Claim, Link, LinkStatus
from claims.views.common import invalid_status
from claims.views.diff import word_diff
from claims.views.rows import link_rows

MATCHES_SHOWN = 20
HISTORY_SHOWN = 50
# A link's component scores (claims/matching/components.py) as a reader reads them; exports
# keep the code names. "decided" is the matcher's own combined score, which it decided the
# link with, before calibration into the link's score: no person's decision.
COMPONENT_LABELS = {
    "decided": "Matcher's combined score (before calibration)",
    "terms": "Informative words shared",
    "wording": "Same wording",
    "concepts": "Concepts shared (two or more)",
    "article": "Articles alike",
    "same_occurrence": "Articles on the same happening",
    "occurrences_apart": "Happenings tell the story's events apart",
    "lead": "Both lead their articles",
    "context": "Sentences around them alike",
    "other_date": "Different dates stated",
    "other_place": "Different places stated",
}


def component_rows(components: dict) -> list[tuple[str, float]]:
    """(label, value) of each component, in plain language; a name without a label as words."""
    return [(COMPONENT_LABELS.get(n, n.replace("_", " ")), v) for n, v in components.items()]


@require_GET
def pair_detail(request, slug, pk):
    return pair_page(request, get_story(request, slug), pk)


def pair_page(request, story, pk, invalid=None):
    """The pair page; with `invalid`, a decision on the link that did not validate, its
    errors under the link's buttons (400)."""
    link = get_object_or_404(
        Link.objects.select_related(
            "claim_a__article__outlet", "claim_b__article__outlet", "event", "decided_by"
        ),
        story=story,
        pk=pk,
    )
    diff_a, diff_b = word_diff(link.claim_a.text, link.claim_b.text)
    can_edit = can(request.user, story, EDIT)
    # One token for the page, the layout's and every form's (as {% csrf_token %} has it).
    token = get_token(request) if can_edit else None
    # Blind review: others' labels and the decision show once the reader labelled the link.
    sees = Sight(request.user, story).link(link)
    shown, names = None if sees else (), sees_people(request.user, story)
    context = {
        "story": story,
        "link": link,
        "link_row": link_rows(story, [link], token, invalid, shown=shown, names=names)[0],
        "diff_a": diff_a,
        "diff_b": diff_b,
        "components": component_rows(link.components),
        "can_edit": can_edit,
        "blind": not sees,
        **_labels_as_seen(request.user, story, link, sees),
    }
    if token:
        context["csrf_token"] = token
    status = 200 if invalid is None else invalid_status(request)
    return render(request, "claims/pair.html", context, status=status)


def _labels_as_seen(user, story, link, sees: bool = True) -> dict:
    """The link's labels, adjudication and history, each with the name and note this reader
    may see (claims/exchange/people.py: members and staff see names and notes; others see
    the same pseudonyms as the exports and no notes). Not `sees` (blind review): only the
    reader's own label and changes."""
    people = People.for_viewer(user, story)
    annotations = link.annotations.select_related("annotator")
    adjudication = Adjudication.objects.filter(link=link).select_related("editor").first()
    changes = link.annotation_changes.select_related("user")
    if not sees:
        mine = user.pk if user.is_authenticated else None
        annotations, changes = annotations.filter(annotator=mine), changes.filter(user=mine)
        adjudication = None
    annotations, changes = list(annotations), list(changes[:HISTORY_SHOWN])
    for a in annotations:
        a.shown_name, a.shown_note = people.name(a.annotator), people.note(a.note)
    if adjudication:
        adjudication.shown_name = people.name(adjudication.editor)
        adjudication.shown_note = people.note(adjudication.note)
    for change in changes:
        change.shown_name, change.shown_note = people.name(change.user), people.note(change.note)
    return {"annotations": annotations, "adjudication": adjudication, "changes": changes}


def matches_for(claim: Claim, decisions: bool = True) -> list[dict]:
    """The claims of other articles linked to this one, best first, rejected ones left out.
    Not `decisions` (a reader in blind review, articles.access.Sight): rejected ones stay, so
    that their absence does not tell what people decided."""
    links = editing.claim_links(claim)
    if decisions:
        links = links.exclude(status=LinkStatus.REJECTED)
    links = (
        links.select_related("claim_a__article__outlet", "claim_b__article__outlet")
        .defer(*article_texts("claim_a__article"), *article_texts("claim_b__article"))
        .order_by("-score")[:MATCHES_SHOWN]
    )
    return [
        {"link": link, "other": link.claim_b if link.claim_a_id == claim.pk else link.claim_a}
        for link in links
    ]


@require_GET
def claim_matches(request, slug, pk):
    return claim_matches_page(request, get_story(request, slug), pk)


def claim_matches_page(request, story, pk, status=200, invalid=None):
    """The claim's matches (for htmx the panel); editors also get the buttons that decide
    all its suggested links at once (claims/views/edit.py), with the errors of `invalid`, such
    a decision that did not validate."""
    claim = get_object_or_404(
        Claim.objects.select_related("article__outlet", "event"), article__story=story, pk=pk
    )
    decisions = Sight(request.user, story).everything
    context = {"story": story, "claim": claim, "matches": matches_for(claim, decisions)}
    if can(request.user, story, EDIT):
        ids = editing.suggested(editing.claim_links(claim))
        context["bulk"] = {"count": len(ids), "shown": editing.shown(ids)}
        context["can_edit"] = True
        context["bulk_form"] = invalid
    template = "claims/claim_matches.html"
    template = f"{template}#matches" if request.htmx else template
    return render(request, template, context, status=status)
