"""How far annotators agree, per story and per event, and the links they disagree on, with
each label's note, which editors adjudicate in place. Who labelled and their notes show as in
the exports (claims/exchange/people.py): to members and staff; others see pseudonyms."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from articles.access import EDIT, Sight, can, get_story
from articles.models import Membership, Role
from claims import accounts
from claims.actions import annotating
from claims.agreement import measure
from claims.exchange.people import People
from claims.forms import AdjudicateForm, AgreementFilterForm
from claims.models import Annotation, Assignment, Label, Link
from claims.views.common import invalid_status, story_link
from claims.views.replaced import link_gone, link_missing

TEMPLATE = "claims/agreement.html"


@require_GET
def agreement(request, slug):
    story = get_story(request, slug)
    form = AgreementFilterForm(request.GET, story=story)
    event = form.cleaned_data["event"] if form.is_valid() else None
    people = People.for_viewer(request.user, story)
    rows = Annotation.objects.filter(link__story=story).values_list(
        "link_id", "annotator_id", "annotator__username", "label", "note", "link__event_id", "blind"
    )
    overall, per_event = defaultdict(dict), defaultdict(lambda: defaultdict(dict))
    notes, unsure = defaultdict(dict), 0
    # The labels given blind (Annotation.blind), apart: where the story has any, agreement is
    # computed on them alone, since a label given after seeing the others agrees by sight.
    blind_overall, blind_per_event = defaultdict(dict), defaultdict(lambda: defaultdict(dict))
    for link_id, user_id, username, label, note, event_id, blind in rows:
        if label == Label.UNSURE:  # no judgement to compare: counted, left out
            unsure += event is None or event_id == event.pk
            continue
        name = people.name_of(user_id, username)
        if event is None or event_id == event.pk:
            overall[link_id][name] = label
            notes[link_id][name] = people.note(note)
            if blind:
                blind_overall[link_id][name] = label
        per_event[event_id][link_id][name] = label
        if blind:
            blind_per_event[event_id][link_id][name] = label
    on_blind = bool(blind_per_event)
    figures = measure(blind_overall if on_blind else overall)
    # Every disagreement is for editors to decide, blind or not.
    disagreeing = measure(overall).disagreements if on_blind else figures.disagreements
    if on_blind:
        per_event = blind_per_event
    events = {e.pk: e for e in story.events.filter(pk__in=[k for k in per_event if k])}
    told = accounts.for_events(events)  # each event's independent accounts
    editable = can(request.user, story, EDIT)
    # Blind review: a link's labels show to editors and to annotators who labelled it.
    shown = Sight(request.user, story).links(disagreeing)
    context = {
        "story": story,
        "event": event,
        "figures": figures,
        "annotators": sorted(figures.annotators, key=people.sort_key),
        "per_event": [
            {
                "event": events.get(event_id),
                "accounts": told.get(event_id),
                "figures": measure(labels),
            }
            for event_id, labels in sorted(per_event.items(), key=lambda kv: (kv[0] is None, kv[0]))
        ],
        "disagreements": disagreement_rows(
            [pk for pk in disagreeing if pk in shown], overall, notes, editable, people
        ),
        "hidden": len(disagreeing) - len(shown),
        "label_count": sum(len(by) for by in overall.values()),
        "blind_count": sum(len(by) for by in blind_overall.values()),
        "can_edit": editable,
        "unsure": unsure,
        "progress": [] if event else progress(story, people),
    }
    return render(request, TEMPLATE, context)


def progress(story, people) -> list[dict]:
    """How far each annotator is: the links given to them (their share, else the whole story),
    how many they labelled, marked unsure, and have left. Everyone with a share, a label or
    the annotator role is listed."""
    total = Link.objects.filter(story=story).count()
    shares = dict(
        Assignment.objects.filter(story=story)
        .values("annotator_id")
        .annotate(n=Count("id"))
        .values_list("annotator_id", "n")
    )
    in_share = Assignment.objects.filter(
        link=OuterRef("link_id"), annotator=OuterRef("annotator_id")
    )
    given = (
        Annotation.objects.filter(link__story=story)
        .alias(in_share=Exists(in_share))
        .values("annotator_id")
        .annotate(
            labelled=Count("id", filter=~Q(label=Label.UNSURE)),
            unsure=Count("id", filter=Q(label=Label.UNSURE)),
            labelled_in_share=Count("id", filter=~Q(label=Label.UNSURE) & Q(in_share=True)),
            unsure_in_share=Count("id", filter=Q(label=Label.UNSURE) & Q(in_share=True)),
        )
    )
    counts = {row.pop("annotator_id"): row for row in given}
    annotators = Membership.objects.filter(story=story, role=Role.ANNOTATOR).values("user_id")
    users = get_user_model().objects.filter(
        Q(pk__in=annotators) | Q(pk__in=list(shares)) | Q(pk__in=list(counts))
    )
    rows = []
    for user in users.order_by("username"):
        mine, shared = counts.get(user.pk, {}), user.pk in shares
        labelled = mine.get("labelled_in_share" if shared else "labelled", 0)
        unsure = mine.get("unsure_in_share" if shared else "unsure", 0)
        assigned = shares.get(user.pk, total)
        rows.append(
            {
                "name": people.name(user),
                "shared": shared,
                "assigned": assigned,
                "labelled": labelled,
                "unsure": unsure,
                "remaining": assigned - labelled - unsure,
            }
        )
    return sorted(rows, key=lambda row: people.sort_key(row["name"]))


def disagreement_rows(link_ids, labels, notes, editable, people) -> list[dict]:
    links = Link.objects.filter(pk__in=link_ids).select_related(
        "claim_a__article__outlet", "claim_b__article__outlet", "adjudication__editor"
    )
    return [
        _row(link, labels[link.pk], notes[link.pk], editable, people)
        for link in links.order_by("-score", "id")
    ]


def _row(link, labels, notes, editable, people, form=None, conflict=None) -> dict:
    """One link where annotators disagree: `labels` and `notes` by the name shown."""
    adjudication = getattr(link, "adjudication", None)
    if form is None and editable:
        initial = {"version": adjudication.version if adjudication else 0}
        if adjudication:
            initial.update(label=adjudication.label, note=adjudication.note)
        form = AdjudicateForm(initial=initial)
    return {
        "link": link,
        "labels": [
            (name, labels[name], notes.get(name, ""))
            for name in sorted(labels, key=people.sort_key)
        ],
        "adjudication": adjudication,
        "adjudicator": people.name(adjudication.editor) if adjudication else None,
        "adjudication_note": people.note(adjudication.note) if adjudication else "",
        "form": form,
        "conflict": conflict,
    }


@login_required
@require_POST
def adjudicate(request, slug, pk):
    story = get_story(request, slug, EDIT)
    link = story_link(story, pk)
    form = AdjudicateForm(request.POST, link=link)
    if link is None:  # a re-match removed it since the page showed it
        return link_missing(request, story, pk, form)
    if not form.is_valid():
        # The form as sent, its errors on it; nothing was changed.
        return _adjudication(request, story, link, form, None, invalid_status(request))
    data, conflict, status = form.cleaned_data, None, 200
    try:
        annotating.adjudicate(link, request.user, data["label"], data["note"], data["version"])
    except annotating.Conflict as error:
        conflict, status = error.current, 409
    except annotating.LinkGone as gone:
        return link_gone(request, story, gone)
    if not request.htmx and not conflict:
        return redirect(reverse("claims-agreement", args=[story.slug]) + f"#link-{link.pk}")
    form = None
    if status == 409:
        # Keep what the editor chose, with the version that is current now.
        version = conflict.version if conflict else 0
        form = AdjudicateForm(initial={**data, "version": version})
    return _adjudication(request, story, link, form, conflict, status)


def _adjudication(request, story, link, form, conflict, status):
    """The link's row of disagreements (htmx) or a page of its own, with `form` (else one
    for the final label as it is now) and `conflict`."""
    link = Link.objects.select_related(
        "claim_a__article__outlet", "claim_b__article__outlet", "adjudication__editor"
    ).get(pk=link.pk)
    # Only editors get here: members, who see names and notes.
    given = link.annotations.values_list("annotator__username", "label", "note")
    labels = {name: label for name, label, _ in given}
    notes = {name: note for name, _, note in given}
    row = _row(link, labels, notes, True, People.everyone(), form=form, conflict=conflict)
    context = {"story": story, "row": row, "can_edit": True}
    if request.htmx:
        return render(request, f"{TEMPLATE}#disagreement", context, status=status)
    return render(request, "claims/adjudicate.html", context, status=status)
