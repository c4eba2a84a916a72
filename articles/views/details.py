"""Editors fix what an import read: an article's outlet, title, date and byline (on the
article page, or this page of its own without it), an outlet's details, and two outlets
that are one (the outlet's page). Every change is recorded (articles/details.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles import details
from articles.access import EDIT, can, can_edit_outlet, get_story
from articles.forms import ArticleDetailsForm, OutletDetailsForm, OutletMergeForm
from articles.models import Article, Outlet
from articles.views.answers import invalid_status

FIELDS = ("outlet", "title", "published", "byline")


def article_panel(request, story, article_id: int) -> dict:
    """What the article page shows below the text: the article's recorded changes and, for
    editors, the form that fixes its details. Rendered per request, never cached."""
    article = get_object_or_404(
        Article.objects.select_related("outlet"), story=story, pk=article_id
    )
    can_edit = can(request.user, story, EDIT)
    return {
        "article": article,
        "changes": details.changes_of(article),
        "details_form": _form_for(article) if can_edit else None,
        "outlet_names": _outlet_names(story) if can_edit else [],
        "may_edit_outlet": can_edit and can_edit_outlet(request.user, article.outlet),
    }


@login_required
@require_http_methods(["GET", "POST"])
def article_details(request, slug, pk):
    story = get_story(request, slug, need=EDIT)
    article = get_object_or_404(Article.objects.select_related("outlet"), story=story, pk=pk)
    if request.method != "POST":
        return _details_page(request, story, article, _form_for(article))
    form = ArticleDetailsForm(request.POST)
    if not form.is_valid():
        return _details_page(request, story, article, form, invalid_status(request))
    new = details.ArticleDetails(*(form.cleaned_data[f] for f in FIELDS))
    try:
        changes = details.fix_article(article, new, request.user, form.cleaned_data["loaded"])
    except details.Stale as now:
        return _stale(request, story, article, form, str(now))
    said = f"Saved: {'; '.join(changes)}." if changes else "Nothing changed."
    if any(change.startswith("date ") for change in changes):
        # The match index keeps what each claim's weekdays meant; only a whole match reads again.
        said += " “Match again” on the story overview reads its claims' weekdays against it."
    messages.success(request, said)
    return _to(request, article.get_absolute_url())


def _to(request, url: str):
    """After a change: the page that shows it (htmx loads it whole, with its message)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _form_for(article: Article) -> ArticleDetailsForm:
    current = details.ArticleDetails.of(article)
    initial = {f: getattr(current, f) for f in FIELDS}
    return ArticleDetailsForm(initial={**initial, "loaded": current.version()})


def _stale(request, story, article, form, now: str):
    """Someone changed the details since the form was loaded: nothing is written. The form
    keeps what this editor typed, and saving it again replaces what is there now."""
    article.refresh_from_db()
    data = request.POST.copy()
    data["loaded"] = details.ArticleDetails.of(article).version()
    form = ArticleDetailsForm(data)
    form.is_valid()
    form.add_error(
        None,
        f"Someone changed these details since you loaded the form; they are now: {now}. "
        "Nothing was saved. Save again to replace them with yours.",
    )
    return _details_page(request, story, article, form, status=409)


def _details_page(request, story, article, form, status=200):
    """The form on a page of its own; for htmx the form alone, to swap in where it was."""
    template = "articles/_article_details.html" if request.htmx else "articles/article_details.html"
    context = {
        "story": story,
        "article": article,
        "details_form": form,
        "outlet_names": _outlet_names(story),
        "changes": details.changes_of(article),
        "open": True,
    }
    return render(request, template, context, status=status)


def _outlet_names(story) -> list[str]:
    names = Outlet.objects.filter(articles__story=story).values_list("name", flat=True)
    return sorted(set(names))


def _story_outlet(request, slug, outlet_slug):
    """The story (its editor's) and one of its outlets, which the user may change."""
    story = get_story(request, slug, need=EDIT)
    outlet = get_object_or_404(
        Outlet.objects.filter(articles__story=story).distinct(), slug=outlet_slug
    )
    if not can_edit_outlet(request.user, outlet):
        raise PermissionDenied(
            "The Unknown outlet cannot be changed."
            if outlet.is_unknown
            else "This outlet also has articles in stories you are not an editor of."
        )
    return story, outlet


@login_required
@require_http_methods(["GET", "POST"])
def outlet_page(request, slug, outlet_slug):
    story, outlet = _story_outlet(request, slug, outlet_slug)
    if request.method != "POST":
        return _outlet_page(request, story, outlet, OutletDetailsForm(instance=outlet))
    form = OutletDetailsForm(request.POST, instance=Outlet.objects.get(pk=outlet.pk))
    if not form.is_valid():
        return _outlet_page(request, story, outlet, form, status=invalid_status(request))
    changes = details.fix_outlet(outlet, form.cleaned_data, request.user)
    messages.success(request, f"Saved: {'; '.join(changes)}." if changes else "Nothing changed.")
    return _to(request, reverse("articles-outlet", args=[story.slug, outlet.slug]))


@login_required
@require_POST
def outlet_merge(request, slug, outlet_slug):
    story, outlet = _story_outlet(request, slug, outlet_slug)
    form = OutletMergeForm(request.POST, outlet=outlet, story=story)
    if not form.is_valid():
        return _outlet_page(request, story, outlet, merge_form=form, status=invalid_status(request))
    kept = form.cleaned_data["into"]
    if not can_edit_outlet(request.user, kept):
        raise PermissionDenied("That outlet also has articles in stories you are not an editor of.")
    moved = details.merge_outlets(outlet, kept, request.user)
    messages.success(
        request,
        f"Merged “{outlet.name}” into “{kept.name}”: {moved} article{'s' if moved != 1 else ''} "
        "moved. The old name is kept in its notes.",
    )
    return _to(request, reverse("articles-outlet", args=[story.slug, kept.slug]))


def _outlet_page(request, story, outlet, form=None, merge_form=None, status=200):
    context = {
        "story": story,
        "outlet": outlet,
        "form": form or OutletDetailsForm(instance=outlet),
        "merge_form": merge_form or OutletMergeForm(outlet=outlet, story=story),
        "articles": story.articles.filter(outlet=outlet),
        "other_stories": outlet.articles.exclude(story=story).values("story").distinct().count(),
        "changes": details.changes_of(outlet),
        "framing_url": reverse("claims-outlet", args=[story.slug, outlet.slug]),
    }
    template = "articles/outlet.html"
    if request.htmx and status != 200:  # the form with its errors, where it was
        template += "#merge" if merge_form else "#details"
    return render(request, template, context, status=status)
