"""Matching quality: pairwise precision, recall, F1 and the share of different-event pairs
grouped, on the seed story's gold and on ECB+ (train and dev topics), with blocking recall (the
share of same-event pairs that candidate generation proposes; exhaustive scoring sees them all).

By default everything goes through the product, as a user's data would: the seed story through
`load_seeds`, each ECB+ topic as a story imported through the JSONL importer (one line per
document, its sentences as the claims), then `claims.store.match_story`, in a throwaway SQLite
database. `--pure` runs the matcher on the same inputs without the database (fast, for tuning).

    python bench/quality.py          # the table, through the product
    python bench/quality.py --pure   # the same table, matcher only
    python bench/quality.py --train  # seeds and ECB+ train only (what tuning may look at)
"""

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from _corpus import ECB, ROOT, Story, ecb_stories, pairwise, seed_story, summary

DB = Path("/tmp/parallax-quality.sqlite3")
ALSO = "  same, counting 'also tells of'"


def setup_django():
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["PARALLAX_VAR_DIR"] = "/tmp/parallax-quality-var"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.chdir(ROOT)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# -- through the product ---------------------------------------------------------------------


def db_seeds(aliases) -> list[tuple[Story, dict]]:
    """The seed story loaded and matched like the demo; gold claims found by their snippets."""
    from django.core.management import call_command

    from articles.models import Story as StoryModel
    from claims.matching import ArticleInput, ClaimInput
    from claims.models import Alias, Claim
    from claims.store import match_story
    from tests.claims import seed_gold

    with open(os.devnull, "w") as quiet:
        call_command("load_seeds", stdout=quiet)
    story = StoryModel.objects.get(slug="syria-ceasefire-2016")
    Alias.objects.filter(story=story).delete()
    for group in aliases:  # what the journalist typed into the story's alias box
        Alias.objects.create(story=story, terms=", ".join(group))
    match_story(story)
    rows = Claim.objects.filter(article__story=story).values_list(
        "id", "article_id", "text", "position", "event_id"
    )
    claims = [ClaimInput(i, a, t, p) for i, a, t, p, _ in rows]
    event_of = {i: e for i, _, _, _, e in rows if e is not None}
    answers = {}
    by_id = {c.id: c for c in claims}
    for name, ids in seed_gold.gold_ids(claims).items():
        for i in ids:
            answers[i] = (by_id[i].article_id, frozenset([name]), name)
    articles = [
        ArticleInput(a.id, a.outlet.name, a.title, a.published, a.body)
        for a in story.articles.select_related("outlet")
    ]
    return [(Story("seeds", articles, claims, answers), event_of, story, db_tells(story, event_of))]


def db_ecb(split: str) -> list[tuple[Story, dict, object]]:
    """Each topic a story, its documents imported as JSONL; validated sentences are judged."""
    from articles.ingest.importer import Upload, import_uploads
    from articles.models import Story as StoryModel
    from claims.models import Claim
    from claims.store import match_story

    with open(ECB / f"{split}_documents.jsonl") as f:
        docs = [json.loads(line) for line in f]
    topics: dict[str, list[dict]] = {}
    for doc in sorted(docs, key=lambda d: (int(d["topic"]), d["doc_id"])):
        topics.setdefault(doc["topic"], []).append(doc)
    out = []
    for topic, tdocs in topics.items():
        story = StoryModel.objects.create(slug=f"ecb-{split}-{topic}", title=f"ECB+ topic {topic}")
        lines = [
            json.dumps(
                {
                    "outlet": d["doc_id"],
                    "title": "",
                    "text": " ".join(s["text"] for s in d["sentences"]),
                    "claims": [s["text"] for s in d["sentences"]],
                }
            )
            for d in tdocs
        ]
        report = import_uploads([Upload(f"topic-{topic}.jsonl", "\n".join(lines).encode())], story)
        assert not report.failed, report.summary()
        match_story(story)
        rows = Claim.objects.filter(article__story=story).values_list(
            "id", "article_id", "article__outlet__name", "position", "event_id"
        )
        by_doc = {(doc, pos): (cid, art, ev) for cid, art, doc, pos, ev in rows}
        answers, event_of = {}, {}
        for d in tdocs:
            for s in d["sentences"]:
                cid, art, ev = by_doc[d["doc_id"], s["index"]]
                if ev is not None:
                    event_of[cid] = ev
                if s["validated"]:
                    answers[cid] = (art, frozenset(s["event_chains"]), d["subtopic"])
        tells = db_tells(story, event_of)
        out.append((Story(f"topic {topic}", [], [], answers), event_of, story, tells))
    return out


def db_tells(story, event_of: dict[int, int]) -> dict[int, set[int]]:
    """Claim -> the events it tells of: its own, and those the matcher found it also tells of."""
    from claims.models import Event

    tells = {c: {e} for c, e in event_of.items()}
    rows = Event.also_claims.through.objects.filter(event__story=story)
    for event_id, claim_id in rows.values_list("event_id", "claim_id"):
        tells.setdefault(claim_id, set()).add(event_id)
    return tells


def db_blocking_recall(results) -> float:
    """Blocking recall from the index each story's match left behind."""
    import pickle

    from claims.matching import candidates
    from claims.models import MatchIndex

    found = total = 0
    for story, _, model, _ in results:
        index = pickle.loads(MatchIndex.objects.get(story=model).data)
        found_, total_ = _recall(story, index, candidates.candidate_pairs(index))
        found, total = found + found_, total + total_
    return found / max(total, 1)


# -- matcher only ------------------------------------------------------------------------------


def pure(stories, aliases=()):
    from claims.matching import StoryIndex, candidates, match_index

    out, found, total = [], 0, 0
    for story in stories:
        index = StoryIndex.build(story.articles, story.claims, aliases)
        result = match_index(index, explain_links=False)
        event_of = {c: e.key for e in result.events for c in e.claim_ids}
        tells = {c: {k} for c, k in event_of.items()}
        for c, k in result.also:
            tells.setdefault(c, set()).add(k)
        out.append((story, event_of, None, tells))
        f, t = _recall(story, index, candidates.candidate_pairs(index))
        found, total = found + f, total + t
    return out, found / max(total, 1)


def _recall(story, index, cands) -> tuple[int, int]:
    a, b = cands[0], cands[1]
    n = np.int64(len(index.claim_ids))
    proposed = set((a * n + b).tolist())
    found = total = 0
    ids = sorted(story.answers)
    for x, i in enumerate(ids):
        for j in ids[x + 1 :]:
            (ai, ci, _), (aj, cj, _) = story.answers[i], story.answers[j]
            if ai != aj and ci & cj:
                total += 1
                ri, rj = sorted((index.row_of[i], index.row_of[j]))
                found += ri * n + rj in proposed
    return found, total


def table_row(name, results, recall, seconds, also=False):
    """One line of the table; `also`: a pair counts as grouped when its claims share an event,
    as their own or one they also tell of."""
    s = summary(
        [
            pairwise(story, event_of, tells if also else None)
            for story, event_of, _, tells in results
        ]
    )
    print(
        f"{name:34} {s['pairs']:6d} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} "
        f"{s['other']:20.1%} {recall:9.1%} {seconds:6.1f}s"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pure", action="store_true", help="matcher only, no database")
    parser.add_argument("--train", action="store_true", help="leave ECB+ dev out")
    args = parser.parse_args()
    from tests.claims.seed_gold import USER_ALIASES

    print(
        f"{'data':34} {'pairs':>6} {'P':>6} {'R':>6} {'F1':>6} {'other-event grouped':>20} "
        f"{'blocking':>9}  time"
    )
    splits = ["train"] if args.train else ["train", "dev"]
    if args.pure:
        rows = [
            ("seeds (gold, with user aliases)", [seed_story()], USER_ALIASES),
            ("seeds (gold, no user aliases)", [seed_story()], ()),
        ]
        rows += [(f"ECB+ {s}", ecb_stories(s), ()) for s in splits]
        for name, stories, aliases in rows:
            t = time.perf_counter()
            results, recall = pure(stories, aliases)
            table_row(name, results, recall, time.perf_counter() - t)
            table_row(ALSO, results, recall, 0.0, also=True)
        return
    setup_django()
    for name, aliases in [
        ("seeds (gold, with user aliases)", USER_ALIASES),
        ("seeds (gold, no user aliases)", ()),
    ]:
        t = time.perf_counter()
        results = db_seeds(aliases)
        recall = db_blocking_recall(results)
        table_row(name, results, recall, time.perf_counter() - t)
        table_row(ALSO, results, recall, 0.0, also=True)
    for split in splits:
        t = time.perf_counter()
        results = db_ecb(split)
        recall = db_blocking_recall(results)
        table_row(f"ECB+ {split} (via JSONL import)", results, recall, time.perf_counter() - t)
        table_row(ALSO, results, recall, 0.0, also=True)


if __name__ == "__main__":
    main()


# -- framing ---------------------------------------------------------------------------------


def framing_table():
    """Precision and recall of the framing flags against our labels of the seed story
    (tests/claims/framing_gold.py). Pure rules on the seed texts, no database."""
    from claims.framing import score
    from tests.claims import framing_gold as gold

    claims = gold.seed_claims()
    events = {name: gold.event_claims(claims, name) for name in gold.EVENTS}
    found, labelled = score.predicted(claims, events), score.gold_items(gold)
    print(f"\n{'framing flags (seed story)':34} {'gold':>6} {'found':>6} {'P':>6} {'R':>6}")
    for kind, items in labelled.items():
        p, r, _, n_found, n_gold = score.precision_recall(kind, found[kind], items)
        print(f"{kind:34} {n_gold:6d} {n_found:6d} {p:6.3f} {r:6.3f}")


if __name__ == "__main__":
    framing_table()
