"""Matching the story again from the browser, as a background task with its status."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.access import EDIT, can, get_story
from articles.jobs import check
from claims.models import Edit, EditAction
from claims.tasks import start_matching

TEMPLATE = "claims/story_overview.html#match-status"


@login_required
@require_POST
def rematch(request, slug):
    story = get_story(request, slug, EDIT)
    job = start_matching(story, request.user)
    Edit.objects.create(
        story=story,
        user=request.user,
        action=EditAction.REMATCH,
        summary="asked to match the story again",
        details={"job": job.pk},
    )
    if request.htmx:
        return render(request, TEMPLATE, {"story": story, "match_job": job, "can_edit": True})
    return redirect("claims-story", story.slug)


@require_GET
def match_status(request, slug, pk):
    story = get_story(request, slug)
    job = get_object_or_404(story.match_jobs, pk=pk)
    check(job)
    context = {"story": story, "match_job": job, "can_edit": can(request.user, story, EDIT)}
    return render(request, TEMPLATE, context)
