"""Annotations back from an export (Web Annotations, or the JSON story document) into a story
of this database, whatever its ids: each target is placed on the claim that has its exact
text at its position in the article its source names."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import content_hash
from claims.actions import annotating, editing
from claims.exchange import webannotation
from claims.models import (
    Adjudication,
    Annotation,
    AnnotationChange,
    ChangeKind,
    Claim,
    FinalLabel,
    Label,
    Link,
)

IMPORTED = "Made by import_annotations: a label was on it in the imported file."


@dataclass
class Report:
    annotations: int = 0
    adjudications: int = 0
    links_made: int = 0
    users_made: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    def __str__(self):
        text = (
            f"imported {self.annotations} annotation(s) and {self.adjudications} "
            f"adjudication(s); made {self.links_made} link(s) the matcher had not made"
        )
        if self.users_made:
            text += f"; new accounts without a password: {', '.join(self.users_made)}"
        return text


class Placer:
    """Claims of one story by where they are: the article (by its URL or its text's hash)
    and the span."""

    def __init__(self, story):
        self.article_of = {}
        for pk, source, hash_ in story.articles.values_list("id", "source", "content_hash"):
            self.article_of[source] = pk
            self.article_of[f"urn:parallax:article:{hash_}"] = pk
        self.claims = {}
        rows = Claim.objects.filter(article__story=story).values_list(
            "id", "article_id", "start", "end", "text"
        )
        for pk, article_id, start, end, text in rows:
            self.claims.setdefault((start, end, text), {})[article_id] = pk

    def place(self, target: webannotation.Target) -> int | None:
        found = self.claims.get((target.start, target.end, target.exact), {})
        article = self.article_of.get(target.source)
        if article is not None:
            return found.get(article)
        # An article we cannot name: the span and text alone, when only one claim fits.
        return next(iter(found.values())) if len(found) == 1 else None


@transaction.atomic
def restore_annotations(story, records: list[webannotation.Record]) -> Report:
    editing.lock(story.pk)  # first, as every write to a story's links (no deadlock)
    report, placer = Report(), Placer(story)
    for record in sorted(records, key=lambda r: (r.kind == webannotation.ADJUDICATION, r.modified)):
        problem = _problem(record, placer)
        if problem:
            report.unplaced.append(f"{record.id or record.creator}: {problem}")
            continue
        a, b = sorted(placer.place(t) for t in record.targets)
        link = Link.objects.filter(story=story).for_claims(a, b).first()
        if link is None:
            link = Link.objects.create(
                story=story, claim_a_id=a, claim_b_id=b, score=0, explanation=IMPORTED
            )
            report.links_made += 1
        user = _user(record.creator, report)
        created = _when(record.created)
        modified = _when(record.modified) if record.modified else created
        if record.kind == webannotation.ADJUDICATION:
            Adjudication.objects.update_or_create(
                link=link,
                defaults={
                    "editor": user,
                    "label": record.label,
                    "note": record.note,
                    "at": created,
                },
            )
            link.decide(annotating.status_for(record.label), user)
            report.adjudications += 1
            continue
        Annotation.objects.update_or_create(
            link=link,
            annotator=user,
            defaults={
                "label": record.label,
                "note": record.note,
                "created_at": created,
                "updated_at": modified,
                "blind": record.blind,
            },
        )
        AnnotationChange.objects.create(
            link=link,
            user=user,
            kind=ChangeKind.CREATED,
            label=record.label,
            note=record.note,
            at=modified,
        )
        annotating._settle(link, user, record.label)
        report.annotations += 1
    return report


def _problem(record, placer) -> str:
    if record.label not in Label.values:
        return f"unknown label {record.label!r}"
    if record.kind == webannotation.ADJUDICATION and record.label not in FinalLabel.values:
        return f"a final label cannot be {record.label!r}"
    ids = [placer.place(t) for t in record.targets]
    for target, pk in zip(record.targets, ids, strict=True):
        if pk is None:
            return (
                f"no claim “{target.exact[:60]}” at {target.start}-{target.end} of {target.source}"
            )
    if ids[0] == ids[1]:
        return "both targets are the same claim"
    return ""


def _user(username: str, report: Report):
    user, made = get_user_model().objects.get_or_create(username=username)
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        report.users_made.append(username)
    return user


def _when(text: str):
    when = parse_datetime(text) if text else None
    return when or timezone.now()


def records_from_story_document(document: dict) -> list[webannotation.Record]:
    """The labels of an `export_story` JSON document, as records (its claim ids are those of
    the database it came from; its articles and claims say where they are)."""
    articles = {
        a["id"]: a["source"]
        if a["source"].startswith(("http://", "https://"))
        else f"urn:parallax:article:{content_hash(a['body'])}"
        for a in document["articles"]
    }
    claims = {
        c["id"]: webannotation.Target(articles[c["article_id"]], c["start"], c["end"], c["text"])
        for c in document["claims"]
    }
    records = [
        webannotation.Record(
            kind=webannotation.ANNOTATION,
            creator=row["annotator"],
            label=row["label"],
            note=row["note"],
            created=row["created_at"],
            modified=row["updated_at"],
            targets=(claims[row["claim_a"]], claims[row["claim_b"]]),
            blind=bool(row.get("blind")),
        )
        for row in document.get("annotations", [])
    ]
    records += [
        webannotation.Record(
            kind=webannotation.ADJUDICATION,
            creator=row["adjudicated_by"] or "unknown",
            label=row["adjudicated_label"],
            note=row["adjudication_note"] or "",
            created=row["adjudicated_at"],
            modified=row["adjudicated_at"],
            targets=(claims[row["claim_a"]], claims[row["claim_b"]]),
        )
        for row in document.get("links", [])
        if row.get("adjudicated_label")
    ]
    return records
