"""What every form view of the site answers when its form does not validate."""


def invalid_status(request) -> int:
    """The status of the answer to a form that does not validate, which is the page (or, for
    htmx, the fragment) with the form and its errors on it, escaped like any text: 400 for a
    page; 422 for htmx, which base.html's htmx-config swaps in (it swaps no other 4xx, so a
    bare 400 from Django never lands in a page)."""
    return 422 if request.htmx else 400
