"""The framing panels of an event, from the database: loads the claims, the alias groups and
the lexicons, runs the pure rules of `claims/framing/`, and keeps the discrepancies found as
rows people confirm or dismiss (found again, a row keeps its decision; gone, an open row goes).

A story's discrepancies are found again only for the events whose inputs changed since they
were last found (`refresh_story`, keyed per event by `EventFraming`)."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Mod

from articles.models import article_texts, side_by_side
from claims.actions.matching import story_aliases
from claims.framing import (
    ClaimText,
    agency,
    discrepancies,
    hedging,
    naming,
    omissions,
    quotes,
    sources,
)
from claims.framing import lexicon as lexicons
from claims.models import (
    Claim,
    Discrepancy,
    DiscrepancyStatus,
    Event,
    EventFraming,
    LexiconEntry,
    Link,
    LinkStatus,
)

SNIPPET_GAP = 70  # unmarked text longer than this, around the marks, is cut
# Bump when the rules of claims/framing/ find other discrepancies in the same claims: every
# event's are then found again on the next visit of the queue.
RULES_VERSION = 3  # 2: facts of the same happening, quantities with units; 3: causes
# Sums of ids (and of a scrambled id) stand for a set of ids in an event's key: counted in
# the database, one row an event, instead of reading every claim of the story.
_SCRAMBLE, _PRIME = 2654435761, 4294967291
# Events framed together: their claims and links read in one query each (an IN list well
# under SQLite's limit), their rows written in one short transaction.
FRAME_BATCH = 200


def lexicon_for(story) -> lexicons.Lexicon:
    entries = LexiconEntry.objects.filter(Q(story=story) | Q(story=None))
    return lexicons.load(entries.values_list("kind", "term"))


def name_groups(story, articles, lexicon) -> list[tuple[str, ...]]:
    texts = [a.title + "\n" + a.body for a in articles]
    return naming.merge([*naming.alias_groups(story_aliases(story), texts), *lexicon.naming])


@dataclass
class OutletPanel:
    outlet: object
    naming: list = field(default_factory=list)  # (group, [flag...], differs)
    sources: list = field(default_factory=list)
    own: tuple = (0, 0)
    verbs: list = field(default_factory=list)
    hedges: list = field(default_factory=list)
    agentless: list = field(default_factory=list)
    agents: list = field(default_factory=list)
    omissions: list = field(default_factory=list)


def frame_event(story, event, lexicon=None, groups=None) -> dict:
    """Per outlet, its panels on the event; and the event's discrepancies as stored rows."""
    claims = list(event.claims.select_related("article__outlet").order_by("article_id", "position"))
    lexicon = lexicon or lexicon_for(story)
    if groups is None:
        groups = name_groups(story, {c.article for c in claims}, lexicon)
    texts = [_claim_text(c) for c in claims]
    found = discrepancies.discrepancies(texts, lexicon, _linked(story, claims))
    rows = sync_discrepancies(story, event, found, {c.id for c in claims})
    by_id = {c.id: c for c in claims}
    # In the order of the event page's columns (claims/views/event.py).
    outlets = side_by_side({c.article.outlet for c in claims})
    panels = {outlet.name: OutletPanel(outlet) for outlet in outlets}
    _fill(panels, texts, lexicon, groups, by_id, article_sources(claims))
    return {
        "panels": list(panels.values()),
        "discrepancies": [row_view(r, by_id) for r in rows],
    }


def _claim_text(claim) -> ClaimText:
    article = claim.article
    return ClaimText(
        claim.id, article.outlet.name, claim.text, claim.speaker, article.id, article.published
    )


def _linked(story, claims) -> set[tuple[int, int]]:
    ids = [c.id for c in claims]
    return set(
        Link.objects.filter(story=story, claim_a_id__in=ids, claim_b_id__in=ids)
        .exclude(status=LinkStatus.REJECTED)
        .values_list("claim_a_id", "claim_b_id")
    )


def article_sources(claims) -> list:
    """The sources flags of these claims, each speaker found in its whole article: "he" is the
    person the article named sentences before, in these claims or not. Reads the claims of the
    articles up to the last of these (a speaker is only ever found before)."""
    if not claims:
        return []
    ids, last = {c.id for c in claims}, defaultdict(int)
    for claim in claims:
        last[claim.article_id] = max(last[claim.article_id], claim.position)
    rows = (
        Claim.objects.filter(article_id__in=last, position__lte=max(last.values()))
        .select_related("article__outlet")
        .defer(*article_texts("article"))
        .order_by("article_id", "position")
    )
    texts = [_claim_text(c) for c in rows if c.position <= last[c.article_id]]
    return [f for f in sources.sources(texts) if f.spans[0].claim in ids]


def speakers(claims) -> list[str]:
    """Whom the claims of one article (in order) quote or cite, by name: a pronoun ("he") is
    the person the article named before it, and no source when it named nobody
    (claims/framing/sources.py); one person once, by the fullest form of the name."""
    names: dict[str, str] = {}
    for flag in sources.sources([_claim_text(c) for c in claims]):
        if flag.kind == "source" and len(flag.label) > len(names.get(flag.topic, "")):
            names[flag.topic] = flag.label
    return sorted(names.values())


def shared_quotes(claims) -> dict[int, list[quotes.Shared]]:
    """Per claim, the claims among these of other outlets that quote the same words of the
    same speaker (claims/framing/quotes.py)."""
    quoting = [c for c in claims if quotes.has_quotation_marks(c.text)]
    if len({c.article_id for c in quoting}) < 2:
        return {}
    return quotes.shared(quotes.quotations(article_sources(quoting)))


def quotation_notes(claims) -> dict[int, str]:
    """Per claim that quotes what another outlet's claim among these quotes, the words a page
    shows on it: "same quotation as Military Times: Col. John Thomas"."""
    return {cid: quotes.note(notes) for cid, notes in shared_quotes(claims).items()}


def _fill(panels, texts, lexicon, groups, by_id, source_flags) -> None:
    names = naming.naming(texts, groups)
    differs = naming.differing_groups(names)
    per_group = defaultdict(lambda: defaultdict(list))
    for flag in names:
        per_group[flag.outlet][flag.topic].append(_flag_view(flag, by_id))
    summary, own = sources.summary(source_flags), sources.own_share(source_flags)
    same = quotes.shared(quotes.quotations(source_flags))
    hedge_flags = hedging.hedging(texts, lexicon)
    verbs = hedging.counts(hedge_flags, "verb")
    agency_flags = agency.agency(texts, lexicon)
    omitted = omissions.omissions(texts, lexicon)
    for name, panel in panels.items():
        panel.naming = [(g, fs, g in differs) for g, fs in per_group[name].items()]
        panel.sources = [_source_view(row, by_id, same) for row in summary.get(name, [])]
        panel.own = own.get(name, (0, 0))
        panel.verbs = verbs.get(name, [])
        panel.hedges = [_flag_view(f, by_id) for f in hedge_flags if _is(f, "hedge", name)]
        panel.agentless = [_flag_view(f, by_id) for f in agency_flags if _is(f, "agentless", name)]
        panel.agents = [_flag_view(f, by_id) for f in agency_flags if _is(f, "agent", name)]
        panel.omissions = [_flag_view(f, by_id) for f in omitted if f.outlet == name]


def _source_view(row, by_id, same) -> dict:
    """A source of the panel, each of its flags with the quotations other outlets share
    (`same`: shared_quotes), and the outlets that printed one of its quotations too."""
    views, outlets = [], set()
    for flag in row["flags"]:
        view = _flag_view(flag, by_id)
        notes = [s for s in same.get(flag.spans[0].claim, []) if s.key == flag.topic]
        outlets.update(s.outlet for s in notes)
        views.append({**view, "same": quotes.note(notes)})
    return {**row, "flags": views, "shared_with": sorted(outlets)}


def _is(flag, kind, outlet) -> bool:
    return flag.kind == kind and flag.outlet == outlet


def _flag_view(flag, by_id) -> dict:
    """The flag with, per claim it points into, the claim's text cut into marked pieces."""
    claims = defaultdict(list)
    for s in flag.spans:
        claims[s.claim].append((s.start, s.end))
    return {
        "flag": flag,
        "why": flag.detail,
        "claims": [
            {"claim": by_id[cid], "pieces": marked(by_id[cid].text, spans)}
            for cid, spans in claims.items()
        ],
    }


def marked(text: str, spans) -> list[tuple[str, bool]]:
    """The text as (piece, is marked) with the marks' exact spans; long unmarked stretches
    shortened with an ellipsis."""
    out, cursor = [], 0
    for start, end in sorted(set(spans)):
        start = max(start, cursor)
        if start >= end:
            continue
        out.append((_gap(text[cursor:start], first=not out, last=False), False))
        out.append((text[start:end], True))
        cursor = end
    out.append((_gap(text[cursor:], first=not out, last=True), False))
    return [p for p in out if p[0]]


def _gap(piece: str, first: bool, last: bool) -> str:
    if len(piece) <= SNIPPET_GAP:
        return piece
    half = SNIPPET_GAP // 2
    if first:
        return "…" + piece[-half:]
    if last:
        return piece[:half] + "…"
    return piece[:half] + " … " + piece[-half:]


def row_view(row, by_id) -> dict:
    spans = defaultdict(list)
    for s in row.spans:
        spans[s["claim"]].append((s["start"], s["end"]))
    return {
        "row": row,
        "why": row.get_kind_display(),
        "claims": [
            {"claim": by_id[cid], "pieces": marked(by_id[cid].text, spans[cid])}
            for cid in (row.claim_a_id, row.claim_b_id)
            if cid in by_id
        ],
    }


@transaction.atomic
def sync_discrepancies(story, event, found, claim_ids) -> list[Discrepancy]:
    """Store what the rules found for the event: new ones open, known ones keep their status
    (and follow the event), open ones no longer found go. Safe to run again and at once."""
    Discrepancy.objects.bulk_create(
        [
            Discrepancy(
                story=story,
                event=event,
                claim_a_id=d.claim_a,
                claim_b_id=d.claim_b,
                kind=d.kind,
                key=d.key[:200],
                detail=d.detail,
                spans=[
                    {"claim": s.claim, "start": s.start, "end": s.end, "text": s.text}
                    for s in d.spans
                ],
            )
            for d in found
        ],
        ignore_conflicts=True,
    )
    wanted = {(d.claim_a, d.claim_b, d.kind, d.key[:200]) for d in found}
    rows = Discrepancy.objects.filter(
        Q(event=event) | Q(claim_a_id__in=claim_ids, claim_b_id__in=claim_ids)
    ).select_related("decided_by")
    kept, stale = [], []
    for row in rows:
        if (row.claim_a_id, row.claim_b_id, row.kind, row.key) in wanted:
            kept.append(row)
        elif row.status == DiscrepancyStatus.OPEN:
            stale.append(row.pk)
    Discrepancy.objects.filter(pk__in=stale).delete()
    moved = [r.pk for r in kept if r.event_id != event.pk]
    if moved:
        Discrepancy.objects.filter(pk__in=moved).update(event=event)
    shown = [r for r in kept if r.claim_a_id in claim_ids and r.claim_b_id in claim_ids]
    return sorted(shown, key=lambda r: (r.kind, r.pk))


def frame_story(story) -> int:
    """Bring the story's discrepancies up to date (`refresh_story`); the open count."""
    refresh_story(story)
    return Discrepancy.objects.filter(story=story).open().count()


def refresh_story(story) -> list[int]:
    """Find the discrepancies again of every event that more than one outlet reported and
    whose key changed since they were last found (new events, claims moved in or out, a link
    rejected, a lexicon entry added or removed, new rules); the ids of the events framed.
    A few queries however large the story when nothing changed. Safe to run at once: the
    rows are kept by `sync_discrepancies`, and a key is stored as it was before framing, so
    a change made meanwhile is framed again on the next visit."""
    keys = event_keys(story)
    known = dict(EventFraming.objects.filter(event__story=story).values_list("event_id", "key"))
    stale = {pk: key for pk, key in keys.items() if known.get(pk) != key}
    if stale:
        _frame_discrepancies(story, stale)
    _drop_orphans(story)
    return sorted(stale)


def event_keys(story) -> dict[int, str]:
    """Per event that more than one outlet reported, a key of what its discrepancies are found
    from. A claim's text and its article's date and outlet do not change once stored, so the
    claims' ids stand for them; of the links, only which ones no person rejected count."""
    lexicon = LexiconEntry.objects.filter(Q(story=story) | Q(story=None)).aggregate(
        n=Count("id"), s=Sum("id"), m=Max("id")
    )
    scrambled = Mod(F("id") * _SCRAMBLE, _PRIME)
    claims = (
        Claim.objects.filter(event__story=story, event__outlet_count__gte=2)
        .values("event_id")
        .annotate(n=Count("id"), s=Sum("id"), q=Sum(F("id") * F("id")), h=Sum(scrambled))
        .order_by()
    )
    # By the event of the first claim only (one join, not two): every link between two claims
    # of an event counts in its key; one to another event's claim costs at most a framing more.
    links = (
        Link.objects.filter(story=story, claim_a__event__isnull=False)
        .live()
        .values("claim_a__event_id")
        .annotate(n=Count("id"), s=Sum("id"), h=Sum(scrambled))
        .order_by()
    )
    linked = {row.pop("claim_a__event_id"): row for row in links}
    head = f"v{RULES_VERSION} {sorted(lexicon.items())}"
    out = {}
    for row in claims:
        event_id = row.pop("event_id")
        text = f"{head} {sorted(row.items())} {sorted(linked.get(event_id, {}).items())}"
        out[event_id] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _frame_discrepancies(story, keys: dict[int, str]) -> None:
    """Run the discrepancy rules on these events and store what they found, with each event's
    key: a batch of events at a time, read in a few queries, its rows written in one short
    transaction. An event with nothing found and no row to keep or drop writes nothing."""
    lexicon = lexicon_for(story)
    held = Discrepancy.objects.filter(story=story).values_list(
        "event_id", "claim_a_id", "claim_b_id"
    )
    has_rows = {event_id for event_id, _, _ in held}
    pairs = [(a, b) for _, a, b in held]
    ids = sorted(keys)
    for i in range(0, len(ids), FRAME_BATCH):
        batch = ids[i : i + FRAME_BATCH]
        claims, linked = _claims_and_links(story, batch)
        event_of = {c.id: c.event_id for mine in claims.values() for c in mine}
        has_rows |= {event_of[a] for a, b in pairs if event_of.get(a, -1) == event_of.get(b)}
        events = Event.objects.in_bulk(batch)
        found = {
            pk: discrepancies.discrepancies(
                [_claim_text(c) for c in claims[pk]], lexicon, linked[pk]
            )
            for pk in events
        }
        with transaction.atomic():
            for pk, event in events.items():
                if found[pk] or pk in has_rows:
                    sync_discrepancies(story, event, found[pk], {c.id for c in claims[pk]})
            EventFraming.objects.bulk_create(
                [EventFraming(event_id=pk, key=keys[pk]) for pk in events],
                update_conflicts=True,
                unique_fields=["event"],
                update_fields=["key", "framed_at"],
            )


def _claims_and_links(story, event_ids) -> tuple[dict, dict]:
    """Per event, its claims (with their articles and outlets) and the pairs of them that a
    link no person rejected ties."""
    claims, linked = defaultdict(list), defaultdict(set)
    rows = (
        Claim.objects.filter(event_id__in=event_ids)
        .select_related("article__outlet")
        .order_by("event_id", "article_id", "position")
    )
    for claim in rows:
        claims[claim.event_id].append(claim)
    links = (
        Link.objects.filter(
            story=story,
            claim_a__event_id__in=event_ids,
            claim_a__event_id=F("claim_b__event_id"),
        )
        .live()
        .values_list("claim_a__event_id", "claim_a_id", "claim_b_id")
        .order_by()
    )
    for event_id, a, b in links:
        linked[event_id].add((a, b))
    return claims, linked


def _drop_orphans(story) -> None:
    """Open rows that no framed event holds any more (their event gone, or now reported by one
    outlet, and their claims in no event that is framed) go, as when found no more."""
    lone = Q(event=None) | Q(event__outlet_count__lt=2)
    Discrepancy.objects.filter(story=story).open().filter(lone).delete()
