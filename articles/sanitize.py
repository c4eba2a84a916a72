"""The one place where HTML from outside is made safe to show.

nh3 (Rust's ammonia) is the maintained successor to bleach, whose maintainers ended it with no
further security releases. The allowlist is strict: structure and emphasis only, links without
scripts, no attributes that could run code or restyle the page (`on*`, `hx-*`, `style`).
"""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "b",
    "i",
    "q",
    "cite",
    "a",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
