"""A story's blind-review mode, which its editors set on the story overview: "auto" (blind once
two or more members are annotators), always or never (Story.is_blind, articles.access.Sight)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.access import EDIT, get_story
from articles.models import BlindReview, Story
from claims.forms import BlindReviewForm
from claims.views.overview import overview_page

SAID = {
    BlindReview.AUTO: "Blind review is automatic: on while two or more annotators are members.",
    BlindReview.ON: "Blind review is on.",
    BlindReview.OFF: "Blind review is off: everyone sees every label and decision.",
}


@login_required
@require_POST
def blind_review(request, slug):
    story = get_story(request, slug, EDIT)
    form = BlindReviewForm(request.POST)
    if not form.is_valid():  # only a made-up post: the form offers the three modes
        return overview_page(request, story, blind_form=form)
    with transaction.atomic():
        Story.objects.filter(pk=story.pk).update(blind_review=form.cleaned_data["mode"])
        Story.objects.filter(pk=story.pk).touch()  # what every page shows of labels changes
    messages.success(request, SAID[form.cleaned_data["mode"]])
    return redirect(reverse("claims-story", args=[story.slug]) + "#blind-review")
