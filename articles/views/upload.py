"""Import in the browser: upload files or paste text into a story; the work runs as a
background task and the page shows its progress. (Being written.)"""

from django.http import Http404


def story_create(request):
    raise Http404


def import_page(request, slug):
    raise Http404


def import_status(request, slug, pk):
    raise Http404
