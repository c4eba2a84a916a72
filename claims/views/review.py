"""The review queue: one link at a time, labelled from the keyboard. Every action swaps the
review panel (HTMX) or, without JavaScript, posts and redirects back to the queue."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.access import ANNOTATE, EDIT, Sight, can, get_story
from claims.actions import annotating
from claims.forms import LabelForm, ReviewForm, UndoForm
from claims.models import Annotation, AnnotationChange, Label
from claims.views import queue as keyboard
from claims.views import rows
from claims.views.common import invalid_status, story_link
from claims.views.diff import word_diff
from claims.views.event import sentences_around
from claims.views.replaced import link_gone, link_missing

TEMPLATE = "claims/review.html"
HISTORY_SHOWN = 10
RELATED = ("claim_a__article__outlet", "claim_b__article__outlet", "event")
HINTS = {
    Label.AGREES: "Agrees",
    Label.CONTRADICTS: "Contradicts",
    Label.PARTLY: "Partly: one adds or omits detail",
    Label.UNRELATED: "Unrelated: a bad match",
    Label.UNSURE: "Skip / unsure: decides nothing",
}
# The key map: the labels' keys, then (after the keys of the previous and next link) these.
KEYMAP = {
    "choices": [(annotating.LABEL_KEYS[label], hint) for label, hint in HINTS.items()],
    "noun": "link",
    "more": [
        (
            ("e",),
            rows.NOTE_KEY_HINT,
        ),
        (("t",), "Show the sentences around both claims"),
        (("g",), "Show or hide the story's guidelines"),
        (("z",), "Undo your last label"),
        (("?",), "Show or hide these keys"),
    ],
    "note": "A label moves on to the next link you have not labelled. “Unrelated” rejects the "
    "link, so matching again never brings it back; the other labels confirm it.",
}


@login_required
@require_GET
def review(request, slug):
    story = get_story(request, slug, ANNOTATE)
    form = ReviewForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return _panel(request, story, data.get("order") or "uncertain", data.get("link"))


@login_required
@require_POST
def label(request, slug, pk):
    story = get_story(request, slug, ANNOTATE)
    link = story_link(story, pk)
    form = LabelForm(request.POST, link=link)
    if link is None:  # a re-match removed it since the page showed it
        return link_missing(request, story, pk, form)
    if not form.is_valid():
        order = form.cleaned_data.get("order") or "uncertain"
        return _panel(request, story, order, link.pk, form=form, status=invalid_status(request))
    data = form.cleaned_data
    order = data["order"] or "uncertain"
    try:
        annotating.annotate(link, request.user, data["label"], data["note"], data["version"])
    except annotating.Conflict as conflict:
        return _panel(request, story, order, link.pk, conflict=conflict, status=409)
    except annotating.LinkGone as gone:
        return link_gone(request, story, gone)
    queue = annotating.ReviewQueue.of(story, request.user, order)
    after = queue.next_open(after=link.pk)
    if after is None and data["version"] and order != "skipped":
        # Going through them again (a label changed, none left open): on in the queue's order.
        after = queue.neighbours(link.pk)[1]
    return _moved(request, story, order, after)


@login_required
@require_POST
def undo(request, slug):
    story = get_story(request, slug, ANNOTATE)
    form = UndoForm(request.POST, story=story)
    valid = form.is_valid()
    order = form.cleaned_data.get("order") or "uncertain"
    if form.missing:  # the label it offered to undo was on a link a re-match removed
        return link_missing(request, story, form.missing, form)
    if not valid:
        return _panel(request, story, order, undo_form=form, status=invalid_status(request))
    try:
        link = annotating.undo(story, request.user, form.link)
    except annotating.LinkGone as gone:
        return link_gone(request, story, gone)
    except annotating.Conflict as conflict:
        messages.info(
            request,
            "Nothing was undone: your last label changed since this page was loaded (in "
            "another tab or window). This is the link of your last label now; undo again "
            "to undo it.",
        )
        return _moved(request, story, order, conflict.current.link_id)
    if link is None:
        messages.info(request, "Nothing to undo.")
    else:
        messages.success(request, "Undone.")
    return _moved(request, story, order, link.pk if link else None)


@require_GET
def context(request, slug, pk):
    """The sentences around each of a link's two claims in their articles: what the queue's
    "Context" key loads beside the claims (a fragment for HTMX, a page without). Only the
    articles' text: as open as reading the story."""
    story = get_story(request, slug)
    link = story_link(story, pk)
    if link is None:
        raise Http404("No such link in this story.")
    sides = [
        {"claim": claim, "around": sentences_around(claim)}
        for claim in (link.claim_a, link.claim_b)
    ]
    template = "claims/link_context.html"
    context = {"story": story, "link": link, "sides": sides}
    return render(request, f"{template}#contexts" if request.htmx else template, context)


def _address(story, order, link_id) -> str:
    query = {"order": order, **({"link": link_id} if link_id else {})}
    return reverse("claims-review", args=[story.slug]) + "?" + urlencode(query)


def _moved(request, story, order, link_id):
    address = _address(story, order, link_id)
    return keyboard.moved(request, address, lambda: _panel(request, story, order, link_id))


def _panel(
    request, story, order, link_id=None, conflict=None, form=None, undo_form=None, status=200
):
    """The queue at `link_id` (else the next open link); `form`, a label that did not
    validate, is shown with its errors in place of a fresh one, and `undo_form` likewise."""
    links = annotating.ReviewQueue.of(story, request.user, order)
    link = links.fetch(link_id, *RELATED)
    if link is None:
        link, form = links.fetch(links.next_open(), *RELATED), None
    context = {
        "story": story,
        "order": order,
        "queue": links,
        "link": None,
        "conflict": conflict,
        "keymap": KEYMAP,
        "undo_form": undo_form,
        "can_setup": can(request.user, story, EDIT),
        # The label "z" undoes, by its link and that link's claims (UndoForm).
        "undo_link": annotating.last_change(story, request.user)
        .values("link_id", "link__claim_a_id", "link__claim_b_id")
        .first(),
    }
    if link:
        context.update(_link_context(request, story, links, link, order, conflict))
        if form is not None:
            context["form"] = form
    elif links.total:
        context["again"] = _address(story, order, links.first())
    return keyboard.panel(request, TEMPLATE, context, status=status)


def _link_context(request, story, links, link, order, conflict) -> dict:
    mine = Annotation.objects.filter(link=link, annotator=request.user).first()
    # Blind review: the link's decision shows once the user has labelled it (articles.access).
    sight = Sight(request.user, story)
    note = request.POST.get("note", "") if conflict else (mine.note if mine else "")
    diff_a, diff_b = word_diff(link.claim_a.text, link.claim_b.text)
    return {
        "link": link,
        "diff_a": diff_a,
        "diff_b": diff_b,
        "mine": mine,
        "form": LabelForm(
            initial={"note": note, "version": mine.version if mine else 0, "order": order}
        ),
        "labels": [(value, text, annotating.LABEL_KEYS[value]) for value, text in Label.choices],
        "history": AnnotationChange.objects.filter(link=link, user=request.user)[:HISTORY_SHOWN],
        "facts": [f"score {floatformat(link.score, 2)}"]
        + (
            [link.get_status_display()]
            if sight.link(link, labelled=mine is not None and mine.label != Label.UNSURE)
            else []
        ),
        "sight": sight,
        **keyboard.steps(links, link.pk, lambda pk: _address(story, order, pk)),
    }
