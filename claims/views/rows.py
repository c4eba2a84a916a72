"""Every piece of markup built in Python, in one place: rows that pages show by the hundred, for
which a template with its tags per row costs more than the rest of the page. Every text is
escaped by format_html; what is marked safe here is a literal.

- a link as a table row (event page, pair page, the answer to a decision), with its form;
- a claim of an event's outlet columns;
- a row of the story overview's coverage matrix, and a day of its timeline;
- a claim found by the search;
- a claim's text with its marks (highlight.py finds them);
- the two quick form widgets of an editor's event page (claims/forms.py);
- the review queue's hint for the note key."""

from html import escape

from django.template.defaultfilters import floatformat, pluralize
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from claims.models import LinkStatus
from claims.views.common import url_prefix
from claims.views.highlight import Piece

PREVIEW_CHARS = 90
HOME_LABEL_CHARS = 80  # an event's label is often a whole sentence, as in the page's title
# The buttons a link's form offers: every status but the one it has.
BUTTONS = [
    (LinkStatus.CONFIRMED, "Confirm"),
    (LinkStatus.REJECTED, "Reject"),
    (LinkStatus.SUGGESTED, "Undo"),
]


def link_rows(
    story, links, csrf_token: str | None = None, invalid=None, shown=None, names: bool = True
) -> list[SafeString]:
    """One <tr> per link; with the decision form when `csrf_token` is given (editors), and
    under it the errors of `invalid`, a decision that did not validate. `shown`: the ids of
    the links whose decision the reader may see in blind review (articles.access.Sight; None:
    every link's); `names`: whether the reader may see who decided (claims/exchange/people.py)."""
    prefix = url_prefix("claims-pair", story)
    return [
        _row(link, prefix, csrf_token, invalid, shown is None or link.pk in shown, names)
        for link in links
    ]


def sureness(score: float) -> tuple[str, str]:
    """A link's CSS class and words for how sure the matcher is (its score is calibrated: of
    the links shown at 0.8, about 8 in 10 were right on our gold)."""
    tens = round(score * 10)
    if score >= 0.8:
        return "sure-high", f"Likely: about {tens} in 10 links scored like this are right"
    if score >= 0.5:
        return "sure-mid", f"Uncertain: about {tens} in 10 links scored like this are right"
    return "sure-low", f"Doubtful: about {tens} in 10 links scored like this are right"


HIDDEN = "Not shown during blind review"


def _row(link, prefix, csrf_token, invalid=None, decision=True, names=True) -> SafeString:
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
        status=link.status if decision else "hidden",
        sure=sure,
        sure_words=sure_words,
        url=url,
        outlet_a=link.claim_a.article.outlet.name,
        outlet_b=link.claim_b.article.outlet.name,
        text_a=Truncator(link.claim_a.text).chars(PREVIEW_CHARS),
        text_b=Truncator(link.claim_b.text).chars(PREVIEW_CHARS),
        score=floatformat(link.score, 2),
        why=link.explanation,
        status_name=link.get_status_display() if decision else HIDDEN,
        decided_by=format_html(' <span class="meta">({})</span>', link.decided_by.get_username())
        if decision and names and link.decided_by_id and link.decided_by
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
        '      <input type="hidden" name="claim_a" value="{claim_a}">'
        '<input type="hidden" name="claim_b" value="{claim_b}">\n'
        "      {buttons}{errors}\n"
        "    </form>",
        action=action,
        pk=link.pk,
        token=csrf_token,
        claim_a=link.claim_a_id,
        claim_b=link.claim_b_id,
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


# -- an event's outlet columns ----------------------------------------------------------------

PINNED = mark_safe(
    ' · <span class="pinned" title="A person put this claim here; re-matching keeps it">'
    "placed by hand</span>"
)


def claim_item(
    claim, text_pieces, urls, also: bool = False, via=None, same: str = ""
) -> SafeString:
    """One claim of a column as HTML, built in Python: the largest events show hundreds, and
    a template with its tags per claim costs more than the rest of the page. Every text is
    escaped by format_html. `also`: a claim of another event (or of none) that also tells of
    this one, which says where it mainly belongs. `via` (claims.accounts.Via): the reporting
    its article carries is another outlet's, which it names. `same`: the quotation it prints
    is one another outlet prints too (claims/framing/quotes.py), in words."""
    return format_html(
        '<li id="c{id}">\n'
        '          <p class="claim-text">{text}</p>\n'
        '          <p class="claim-meta">\n'
        "            {home}{via}{same}{speaker}\n"
        '            <a href="{context}" hx-get="{context}" hx-target="#ctx-{id}" '
        'hx-swap="innerHTML">Context</a> ·\n'
        '            <a href="{reader}">Full article</a>\n'
        "            {pinned}\n"
        "          </p>\n"
        '          <div id="ctx-{id}" class="context-slot" aria-live="polite"></div>\n'
        "        </li>",
        id=claim.pk,
        text=marked_html(text_pieces),
        home=_home(claim, urls) if also else "",
        via=via_note(via, urls["article"]) if via else "",
        same=format_html("{} · ", render_to_string("claims/_same_quotation.html", {"note": same}))
        if same
        else "",
        speaker=format_html('<span class="speaker">{}</span> · ', claim.speaker)
        if claim.speaker
        else "",
        context=f"{urls['claim']}{claim.pk}/context/",
        reader=f"{urls['article']}{claim.article_id}/#claim-{claim.pk}",
        pinned=PINNED if claim.event_pinned and not also else "",
    )


def _home(claim, urls) -> SafeString:
    """Where a claim that also tells of this event mainly belongs: its own event, or none."""
    if claim.event_id is None:
        return mark_safe('<span class="home">in no event</span> · ')
    label = claim.event.display_label
    return format_html(
        '<span class="home">mainly in: <a href="{}" title="{}">{}</a></span> · ',
        f"{urls['event']}{claim.event_id}/",
        label,
        Truncator(label).chars(HOME_LABEL_CHARS),
    )


def via_note(via, article_prefix: str) -> SafeString:
    """Whose reporting a claim's article carries, when another outlet's (claims.accounts.Via):
    the original it copies, with a link, or the origin its text states."""
    if via.original_id:
        return format_html(
            '<span class="via">copy of <a href="{}{}/">{}</a> ({})</span> · ',
            article_prefix,
            via.original_id,
            Truncator(via.original_title).chars(HOME_LABEL_CHARS),
            via.outlet,
        )
    return format_html(
        '<span class="via" title="The outlet its text says it first appeared in">'
        "originally {}</span> · ",
        via.outlet,
    )


# -- the story overview ------------------------------------------------------------------------

NOT_REPORTED = mark_safe('<td class="cell"><span class="visually-hidden">not reported</span></td>')


def matrix_row(row: dict, event_url: str) -> SafeString:
    """An event's row of the coverage matrix: its name, date and independent accounts (one
    cell, which stays in view while the outlet columns scroll sideways), its claims per
    outlet, each with whose reporting they carry when another outlet's ("copy of CNN")."""
    event = row["event"]
    label = event.display_label
    day = f"{event.occurred_on.day} {event.occurred_on:%b}" if event.occurred_on else ""
    # The matcher's names end with the day ("Aid convoy carrying food, 19 Sep"): not twice.
    date = (
        format_html(' <time class="date" datetime="{}">{}</time>', event.occurred_on, day)
        if day and not label.endswith(day)
        else ""
    )
    cells = format_html_join(
        "",
        "{}",
        ((_matrix_cell(n, notes),) if n else (NOT_REPORTED,) for n, notes in row["cells"]),
    )
    told = row["accounts"]
    return format_html(
        '<tr>\n        <th scope="row"><a href="{}{}/">{}</a>{}'
        '<span class="accounts">{} outlet{}, {} independent account{}</span></th>\n'
        "        {}\n      </tr>",
        event_url,
        event.pk,
        Truncator(label).chars(140),
        date,
        told.outlets,
        pluralize(told.outlets),
        told.count,
        pluralize(told.count),
        cells,
    )


def _matrix_cell(n: int, notes: tuple[str, ...]) -> SafeString:
    if not notes:
        return format_html('<td class="cell reported">{}</td>', n)
    return format_html(
        '<td class="cell reported">{}<span class="via">{}</span></td>', n, "; ".join(notes)
    )


def timeline_day(day: dict, top: int) -> SafeString:
    """A day of the timeline strip with how many events happened on it (`top`: the most)."""
    return format_html(
        # Bar heights in five steps: a class each, since the CSP allows no inline styles.
        '<li><span class="bar level-{}" aria-hidden="true"></span><time datetime="{}">{}'
        '</time><span class="n">{} event{}</span></li>',
        min(5, 1 + 4 * day["n"] // top),
        day["occurred_on"].isoformat(),
        f"{day['occurred_on']:%a} {day['occurred_on'].day} {day['occurred_on']:%b}",
        day["n"],
        pluralize(day["n"]),
    )


# -- the search --------------------------------------------------------------------------------


def search_result(claim, urls, text_pieces: list[Piece]) -> SafeString:
    """One claim found, as HTML built in Python (50 of them through a template with two
    {% url %} each cost more than the search), its text in pieces with what the search found
    marked (highlight.found). Every text is escaped by format_html and marked_html."""
    if claim.event:
        event = format_html(
            '<a href="{}{}/#c{}">Event: {}</a>',
            urls["event"],
            claim.event_id,
            claim.pk,
            Truncator(claim.event.display_label).chars(80),
        )
    else:
        event = "Not matched to other outlets"
    return format_html(
        "<li>\n"
        '      <p class="outlet">{outlet}</p>\n'
        '      <p class="claim-text">{text}</p>\n'
        '      <p class="claim-meta">{event} · '
        '<a href="{article}{article_id}/#claim-{pk}">In the article</a></p>\n'
        "    </li>",
        outlet=claim.article.outlet.name,
        text=marked_html(text_pieces),
        event=event,
        article=urls["article"],
        article_id=claim.article_id,
        pk=claim.pk,
    )


# -- a claim's text with its marks -----------------------------------------------------------


def marked_html(text_pieces: list[Piece]) -> SafeString:
    """The pieces as HTML: what the event page shows for a claim. Built in Python because a
    page shows hundreds of these, and a template loop per word is slow. Every piece's text
    and title is escaped here; only the fixed markup around them is not."""
    return SafeString(
        "".join(
            f'<mark class="{p.kind}" title="{escape(p.why)}">{escape(p.text)}</mark>'
            if p.kind
            else escape(p.text)
            for p in text_pieces
        )
    )


# -- quick form widgets ------------------------------------------------------------------------


def select(name: str, attrs: str, choices, chosen: set[str]) -> SafeString:
    """A <select> of these (value, label) choices, `chosen` selected; `attrs` flattened."""
    options = format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if str(v) in chosen else "", label) for v, label in choices),
    )
    return format_html('<select name="{}"{}>\n{}\n</select>', name, attrs, options)


def checkboxes(group: str, name: str, attrs: str, choices, chosen: set[str]) -> SafeString:
    """A checkbox a (value, label) choice, in a <div id=group>; `attrs` flattened."""
    boxes = format_html_join(
        "\n",
        '<div><label for="{0}_{1}"><input type="checkbox" name="{2}" value="{3}" '
        'id="{0}_{1}"{4}{5}> {6}</label></div>',
        (
            (group, i, name, v, attrs, " checked" if str(v) in chosen else "", label)
            for i, (v, label) in enumerate(choices)
        ),
    )
    return format_html('<div id="{}">\n{}\n</div>', group, boxes)


# -- the review queue's keys -------------------------------------------------------------------

NOTE_KEY_HINT = format_html(
    "Write a note (<kbd>{}</kbd> to leave it; a label key then saves both)", "Esc"
)
