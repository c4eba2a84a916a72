"""The ingest step that writes, and the one door from articles into claims.

An import reads and cleans each file into a Draft (read, clean, metadata, html, jsonl, text:
pure functions); this module cuts the draft into claims (claims.text), stores the article
with its claims atomically, and hands what a batch stored to matching (`take_in`). Nothing
else in the articles app imports from claims.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from articles.ingest.clean import furniture_reason
from articles.ingest.copies import CopyIndex
from articles.ingest.counts import counted
from articles.ingest.deadline import NO_DEADLINE, Deadline
from articles.ingest.draft import Draft
from articles.ingest.errors import ImportFailure
from articles.ingest.origin import stated_origin
from articles.models import Article, ImportChunk, ImportJob, Outlet, Story, content_hash
from claims.models import Claim
from claims.text.attribution import speaker
from claims.text.segmentation import segment

# A claim is a sentence. The longest the segmenter finds in 11,533 sentences of the seeds, ECB+
# and GVC is 1,018 characters (a quotation kept with its attribution); a "sentence" three times
# that is a run of text without sentence punctuation (a 2 MB line of words made one claim, and
# the search page that showed it 23.6 MB), so the file or JSON line is refused.
CLAIM_MAX_CHARS = 3000


@dataclass(frozen=True)
class ClaimDraft:
    start: int
    end: int
    text: str
    speaker: str


def claim_drafts(draft: Draft, deadline: Deadline = NO_DEADLINE) -> list[ClaimDraft]:
    """The draft's claims: the spans the input gave, kept as given, or the segmenter's
    sentences without the page furniture (datelines, bylines, web addresses, labels), which
    stays in the body but is no claim. A sentence over CLAIM_MAX_CHARS fails the article."""
    body = draft.body
    spans = draft.spans
    if spans is None:
        sentences = [(s.start, s.end) for s in segment(body)]
        deadline.check()
        spans = [(s, e) for s, e in sentences if not furniture_reason(body[s:e])]
    if not spans:
        raise ImportFailure("no sentences found in the text")
    longest = max(e - s for s, e in spans)
    if longest > CLAIM_MAX_CHARS:
        raise ImportFailure(
            f"a sentence of {longest:,} characters, over the {CLAIM_MAX_CHARS:,} a claim may "
            "hold: not article text (sentence punctuation missing?)"
        )
    claims = []
    for n, (s, e) in enumerate(spans):
        if n % 100 == 0:
            deadline.check()
        claims.append(ClaimDraft(s, e, body[s:e], speaker(body[s:e])))
    return claims


class Duplicate(Exception):
    def __init__(self, existing: Article):
        super().__init__(f"same text as article #{existing.pk} ({existing.source})")
        self.existing = existing


def store(
    draft: Draft,
    story: Story,
    deadline: Deadline = NO_DEADLINE,
    job: ImportJob | ImportChunk | None = None,
    copies: CopyIndex | None = None,
) -> Article:
    """One article and its claims, all or nothing. Raises Duplicate when the story has it.
    `job`: the import (or its chunk) started in the browser that stores it (None from the
    command line).
    `copies`: the story's bodies so far (`story_copy_index`); the article is linked to the one
    it copies, and added to it once stored. None: no copy check."""
    if len(draft.body) == 0:
        raise ImportFailure("empty article body")
    claims = claim_drafts(draft, deadline)
    deadline.check()
    digest = content_hash(draft.body)
    existing = Article.objects.filter(story=story, content_hash=digest).first()
    if existing:
        raise Duplicate(existing)
    found = copies.find(draft.body) if copies is not None else None
    deadline.check()
    try:
        with transaction.atomic():
            article = Article.objects.create(
                story=story,
                outlet=_outlet(draft),
                title=draft.title[:500],
                byline=draft.byline[:300],
                published=draft.published,
                source=draft.source[:1000],
                body=draft.body,
                original=draft.original,
                original_format=draft.original_format,
                display_html=draft.display_html,
                removed_lines=[{"text": r.text, "reason": r.reason} for r in draft.removed],
                content_hash=digest,
                copy_of_id=found.key if found else None,
                copy_similarity=found.similarity if found else None,
                origin=stated_origin(draft.body, [r.text for r in draft.removed])[:200],
                **(job.article_fields() if job else {}),
            )
            Claim.objects.bulk_create(
                Claim(
                    article=article,
                    start=c.start,
                    end=c.end,
                    text=c.text,
                    position=n,
                    speaker=c.speaker[:200],
                )
                for n, c in enumerate(claims)
            )
            Story.objects.filter(pk=story.pk).touch()
    except IntegrityError:
        # Another import stored the same text between our check and our insert.
        existing = Article.objects.filter(story=story, content_hash=digest).first()
        if existing:
            raise Duplicate(existing) from None
        raise
    if copies is not None:
        copies.add(article.pk, article.body)
    return article


def story_copy_index(story: Story) -> CopyIndex:
    """The bodies of the story's articles, oldest first, to find what a new one copies."""
    index = CopyIndex()
    for pk, body in story.articles.order_by("imported_at", "pk").values_list("pk", "body"):
        index.add(pk, body)
    return index


def _outlet(draft: Draft) -> Outlet:
    outlet = Outlet.objects.for_name(" ".join(draft.outlet.split())[:200])
    if draft.domain and not outlet.domain and not outlet.is_unknown:
        outlet.domain = draft.domain[:200]
        outlet.save(update_fields=["domain"])
    return outlet


def take_in(story: Story, articles: list[Article]):
    """Hand what an import stored to matching: a matched story takes the new articles in at
    once, with any an interrupted import left unmatched (claims/actions/backlog.py); a story never
    matched waits for its first match. Called with no articles when a run stored nothing
    new, since a re-run of a crashed import meets what it stored as duplicates. Returns what
    matching did (claims.actions.matching.Summary), None when it did nothing."""
    from claims.actions.backlog import match_backlog

    return match_backlog(story, articles)


def never_matched(story: Story) -> bool:
    """The story was never matched whole: its events wait for a first `match_claims`."""
    from claims.models import MatchState

    return not MatchState.objects.filter(story=story).exists()


def match_if_never_matched(story: Story):
    """Match a story that has articles and was never matched, whole, as its first
    `match_claims` would: an import started in the browser does this when its files are in,
    so that its user never needs the command line. Returns what matching did (a Summary);
    None (nothing done) for a story matched before, whose new articles `take_in` matched
    incrementally, or one without articles."""
    from claims.actions.matching import match_story

    if not never_matched(story) or not story.articles.exists():
        return None
    return match_story(story)


def matching_said(story: Story, summary) -> str:
    """What an import's page says matching did: the run's summary, or, when there was nothing
    to match (every file a duplicate or failed, another import's match took the articles in,
    or a worker lost after matching), what the story's last match left."""
    from claims.models import MatchState

    if summary is not None:
        return str(summary)
    state = MatchState.objects.filter(story=story).first()
    if state is None:
        return ""
    return (
        f"nothing left to match; the story's claims were matched before "
        f"({counted(state.event_count, 'event')}, {counted(state.link_count, 'link')})"
    )
