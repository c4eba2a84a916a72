"""A link as a table row (event page, pair page, the answer to a decision), built in Python:
an editor's event page shows 30 of them, each with its form, and a template with its tags per
row cost more than the rest of the page. Every text is escaped by format_html."""

from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from claims.models import LinkStatus
from claims.views.common import url_prefix

PREVIEW_CHARS = 90
# The buttons a link's form offers: every status but the one it has.
BUTTONS = [
    (LinkStatus.CONFIRMED, "Confirm"),
    (LinkStatus.REJECTED, "Reject"),
    (LinkStatus.SUGGESTED, "Undo"),
]


def link_rows(story, links, csrf_token: str | None = None, invalid=None) -> list[SafeString]:
    """One <tr> per link; with the decision form when `csrf_token` is given (editors), and
    under it the errors of `invalid`, a decision that did not validate."""
    prefix = url_prefix("claims-pair", story)
    return [_row(link, prefix, csrf_token, invalid) for link in links]


def sureness(score: float) -> tuple[str, str]:
    """A link's CSS class and words for how sure the matcher is (its score is calibrated: of
    the links shown at 0.8, about 8 in 10 were right on our gold)."""
    tens = round(score * 10)
    if score >= 0.8:
        return "sure-high", f"Likely: about {tens} in 10 links scored like this are right"
    if score >= 0.5:
        return "sure-mid", f"Uncertain: about {tens} in 10 links scored like this are right"
    return "sure-low", f"Doubtful: about {tens} in 10 links scored like this are right"


def _row(link, prefix: str, csrf_token: str | None, invalid=None) -> SafeString:
    url = f"{prefix}{link.pk}/"
    sure, sure_words = sureness(link.score)
    return format_html(
        '<tr id="link-{pk}" class="status-{status} {sure}">\n'
        '  <td><a href="{url}">{outlet_a} ↔ {outlet_b}</a>\n'
        '    <div class="pair-preview"><span>{text_a}</span> <span>{text_b}</span></div></td>\n'
        '  <td class="num" title="{sure_words}">{score}</td>\n'
        '  <td class="why">{why}</td>\n'
        "  <td>\n"
        '    <span class="status">{status_name}</span>{decided_by}\n'
        "    {form}\n"
        "  </td>\n"
        "</tr>",
        pk=link.pk,
        status=link.status,
        sure=sure,
        sure_words=sure_words,
        url=url,
        outlet_a=link.claim_a.article.outlet.name,
        outlet_b=link.claim_b.article.outlet.name,
        text_a=Truncator(link.claim_a.text).chars(PREVIEW_CHARS),
        text_b=Truncator(link.claim_b.text).chars(PREVIEW_CHARS),
        score=floatformat(link.score, 2),
        why=link.explanation,
        status_name=link.get_status_display(),
        decided_by=format_html(' <span class="meta">({})</span>', link.decided_by.get_username())
        if link.decided_by_id and link.decided_by
        else "",
        form=_form(link, url, csrf_token, invalid) if csrf_token else "",
    )


def _form(link, url: str, csrf_token: str, invalid=None) -> SafeString:
    action = f"{url}decide/"
    buttons = format_html_join(
        "\n      ",
        '<button type="submit" name="status" value="{}" class="secondary">{}</button>',
        ((status, label) for status, label in BUTTONS if link.status != status),
    )
    return format_html(
        '<form method="post" action="{action}" class="decide" hx-post="{action}" '
        'hx-target="#link-{pk}" hx-swap="outerHTML">\n'
        '      <input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
        "      {buttons}{errors}\n"
        "    </form>",
        action=action,
        pk=link.pk,
        token=csrf_token,
        buttons=buttons,
        errors=_errors(invalid) if invalid is not None else "",
    )


def _errors(form) -> SafeString:
    """A form's errors as the site shows them (templates/_form_errors.html), each escaped."""
    items = [
        (f"{form[name].label}: " if name in form.fields else "", error)
        for name, errors in form.errors.items()
        for error in errors
    ]
    return format_html(
        '\n      <ul class="errorlist" role="alert">{}</ul>',
        format_html_join("", "<li>{}{}</li>", items),
    )
