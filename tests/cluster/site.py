"""What people do on the cluster's servers, over HTTP as a browser does it (sign-in and CSRF
through the forms): bench/load_http.py's browser, pointed at a server's host."""

import re

from tests.cluster.cluster import WEB_PORT


def browser(cluster, server: str):
    from load_http import Browser

    return Browser(WEB_PORT, cluster.servers[server].address)


def signed_in(cluster, server: str, username: str):
    person = browser(cluster, server)
    person.sign_in(username)
    return person


def upload(person, slug: str, files: list[tuple[str, bytes]], outlet: str) -> int:
    """The import form, filled and sent as a browser sends it; the job's id."""
    from load_http import csrf

    page = person.get(f"/stories/{slug}/import/")
    fields = {"csrfmiddlewaretoken": csrf(page.text), "outlet": outlet}
    fields |= {"text": "", "text_title": "", "text_outlet": ""}
    answer = person.post(
        f"/stories/{slug}/import/", fields, [("files", name, data) for name, data in files]
    )
    assert answer.status == 302, answer.text[:500]
    return int(re.search(r"/imports/(\d+)/", answer.headers["Location"]).group(1))


def new_story(person, title: str) -> str:
    from load_http import csrf

    page = person.get("/stories/new/")
    fields = {"csrfmiddlewaretoken": csrf(page.text), "title": title, "slug": "", "description": ""}
    answer = person.post("/stories/new/", fields)
    assert answer.status == 302, answer.text[:500]
    return re.search(r"/stories/([^/]+)/import/", answer.headers["Location"]).group(1)
