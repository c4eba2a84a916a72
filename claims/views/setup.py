"""Setting up a story's review (editors): the guidelines shown beside the review queue, and
the split of the story's links between annotators. Plain forms that post and come back here;
the writes are in claims/actions/assigning.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles.access import EDIT, get_story
from articles.models import Membership, Role
from claims.actions import assigning
from claims.forms import AssignForm, GuidelinesForm
from claims.models import Assignment, Link
from claims.views.common import invalid_status

TEMPLATE = "claims/review_setup.html"


@login_required
@require_GET
def review_setup(request, slug):
    story = get_story(request, slug, EDIT)
    return _page(request, story)


@login_required
@require_POST
def guidelines(request, slug):
    story = get_story(request, slug, EDIT)
    form = GuidelinesForm(request.POST)
    if not form.is_valid():
        return _page(request, story, "guidelines", guidelines_form=form)
    assigning.write_guidelines(story, form.cleaned_data["guidelines"])
    messages.success(request, "Guidelines saved: annotators see them beside the review queue.")
    return _back(request, story)


@login_required
@require_POST
def assign(request, slug):
    story = get_story(request, slug, EDIT)
    form = AssignForm(request.POST, story=story)
    if not form.is_valid():
        return _page(request, story, "split", assign_form=form)
    data = form.cleaned_data
    replaced = Assignment.objects.filter(story=story).exists()
    try:
        shares = assigning.assign(
            story, request.user, list(data["annotators"]), data["overlap"] / 100, data["scope"]
        )
    except assigning.NothingToSplit:
        form.add_error("scope", f"There are no links to split: {assigning.SCOPES[data['scope']]}.")
        return _page(request, story, "split", assign_form=form)
    each = ", ".join(f"{user.get_username()} {n}" for user, n in shares.items())
    replaced = " The previous split is replaced." if replaced else ""
    messages.success(request, f"Links split: {each}.{replaced}")
    return _back(request, story)


def _back(request, story):
    """After a write: the setup page again, with what was done said on it."""
    if request.htmx:
        return HttpResponseClientRedirect(reverse("claims-review-setup", args=[story.slug]))
    return redirect("claims-review-setup", story.slug)


def _chosen(story) -> dict:
    """The people a new split offers checked: those of the current split, else the
    annotators."""
    shared = Assignment.objects.filter(story=story).values("annotator_id").distinct()
    if shared.exists():
        return {"annotators": list(shared.values_list("annotator_id", flat=True))}
    members = story.memberships.filter(role=Role.ANNOTATOR)
    return {"annotators": list(members.values_list("user_id", flat=True))}


def _page(request, story, refused=None, guidelines_form=None, assign_form=None):
    """The setup page; after a form that did not validate (`refused`: "guidelines" or
    "split"), with its errors, and for htmx only that form's part of the page."""
    member = Membership.objects.filter(story=story, user=OuterRef("annotator_id"))
    shares = (
        Assignment.objects.filter(story=story)
        .values("annotator__username")
        .annotate(links=Count("id"), member=Exists(member))
        .order_by("annotator__username")
    )
    context = {
        "story": story,
        "guidelines_form": guidelines_form
        or GuidelinesForm(initial={"guidelines": story.guidelines}),
        "assign_form": assign_form or AssignForm(story=story, initial=_chosen(story)),
        "shares": list(shares),
        "links": Link.objects.filter(story=story).count(),
    }
    if context["shares"]:
        # A share whose person is no longer a member is in nobody's queue.
        held = Assignment.objects.filter(link=OuterRef("pk"), annotator__memberships__story=story)
        context["unassigned"] = Link.objects.filter(story=story).exclude(Exists(held)).count()
    if refused is None:
        return render(request, TEMPLATE, context)
    template = f"{TEMPLATE}#{refused}" if request.htmx else TEMPLATE
    return render(request, template, context, status=invalid_status(request))
