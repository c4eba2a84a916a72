"""Import in the browser: upload files or paste text into a story; the work runs as a
background task and the page shows its progress until it is done."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from articles.access import EDIT, get_story
from articles.forms import ImportForm, StoryForm
from articles.jobs import attempts_of, check
from articles.tasks import start_import
from articles.views.answers import invalid_status

RECENT_JOBS = 5


@login_required
@require_http_methods(["GET", "POST"])
def story_create(request):
    form = StoryForm(request.POST or None)
    if form.is_bound and form.is_valid():
        story = form.save_for(request.user)
        return redirect("articles-import", story.slug)
    template = "articles/story_form.html"
    if not form.is_bound:
        return render(request, template, {"form": form})
    # The form with its errors: the page, or for htmx the form alone.
    template += "#form" if request.htmx else ""
    return render(request, template, {"form": form}, status=invalid_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, slug):
    story = get_story(request, slug, need=EDIT)
    if request.method != "POST":
        return _page(request, story, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, story, form, status=invalid_status(request))
    job = start_import(story, request.user, form.import_files())
    if request.htmx:
        return push_url(_page(request, story, ImportForm(), job), job.get_absolute_url())
    return redirect(job)


@login_required
@require_GET
def import_status(request, slug, pk):
    story = get_story(request, slug, need=EDIT)
    job = get_object_or_404(story.import_jobs, pk=pk)
    check(job)
    if request.htmx:
        context = {"story": story, "job": job, **_progress(job)}
        return render(request, "articles/import.html#status", context)
    return _page(request, story, ImportForm(), job)


def _progress(job) -> dict:
    """The import's chunks (its parts), each with how many workers have taken it, when there
    is more than one or one was tried again (a one-chunk import reads as it always has), and
    how many workers have taken its match."""
    chunks = list(job.chunks.all())
    tried = attempts_of([job, *chunks])
    for part in chunks:
        part.attempts = tried.get(part.task_id, 0)
    shown = len(chunks) > 1 or any(part.attempts > 1 for part in chunks)
    return {
        "parts": chunks if shown else [],
        "match_attempts": tried.get(job.task_id, 0),
        "attempts_allowed": settings.PARALLAX_JOB_ATTEMPTS,
    }


def _page(request, story, form, job=None, status=200):
    """The import page, or only its panel (status and form) for an HTMX request."""
    template = "articles/import.html#panel" if request.htmx else "articles/import.html"
    recent = story.import_jobs.exclude(pk=job.pk if job else None)[:RECENT_JOBS]
    context = {"story": story, "form": form, "job": job, "recent": recent}
    context.update(_progress(job) if job else {})
    return render(request, template, context, status=status)
