"""Loaders shared by the benchmarks: ECB+ topics as stories, the seed story with its gold."""

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from claims.matching import ArticleInput, ClaimInput  # noqa: E402

ECB = Path("/work/shared/eval/ecbplus")
GVC = Path("/work/shared/eval/gvc")


@dataclass
class Story:
    name: str
    articles: list[ArticleInput]
    claims: list[ClaimInput]
    # answers, for scoring only: claim id -> (article id, event label set, subtopic)
    answers: dict[int, tuple[int, frozenset, str]]


def ecb_stories(split: str) -> list[Story]:
    """One story per topic; each doc its own outlet; every sentence a claim (the URL line of
    ecbplus docs included: the product would see it); only validated sentences are judged."""
    return _document_stories(ECB / f"{split}_documents.jsonl")


def _document_stories(path: Path) -> list[Story]:
    by_topic: dict[str, Story] = {}
    with open(path) as f:
        docs = [json.loads(line) for line in f]
    claim_id = 0
    for n, doc in enumerate(sorted(docs, key=lambda d: (int(d["topic"]), d["doc_id"]))):
        story = by_topic.setdefault(doc["topic"], Story(f"topic {doc['topic']}", [], [], {}))
        article_id = n + 1
        body = " ".join(s["text"] for s in doc["sentences"])
        story.articles.append(ArticleInput(article_id, doc["doc_id"], "", None, body))
        for s in doc["sentences"]:
            claim_id += 1
            story.claims.append(ClaimInput(claim_id, article_id, s["text"], s["index"]))
            if s["validated"]:
                story.answers[claim_id] = (
                    article_id,
                    frozenset(s["event_chains"]),
                    doc["subtopic"],
                )
    return list(by_topic.values())


def seed_story() -> Story:
    """The five seed files cut into claims by the product's own import steps, every claim
    judged by the exhaustive gold (tests/gold/seed_gold.py)."""
    from tests.gold import seed_gold

    articles, claims = seed_gold.seed_story()
    prefix = {a.id: f"{a.id - 1:03d}" for a in articles}
    events = seed_gold.judge([(prefix[c.article_id], c.text) for c in claims])
    answers = {
        c.id: (c.article_id, e, "|".join(sorted(e))) for c, e in zip(claims, events, strict=True)
    }
    return Story("seeds", articles, claims, answers)


def gvc_incidents(count: int = 8, per: int = 2) -> list[dict]:
    """GVC dev documents of `count` incidents (subtopics) reported by two or more of them,
    `per` each, in the file's order: unrelated articles to put beside another story."""
    by_incident: dict[str, list[dict]] = {}
    with open(GVC / "dev_documents.jsonl") as f:
        for line in f:
            doc = json.loads(line)
            by_incident.setdefault(doc["subtopic"], []).append(doc)
    reported = [docs for docs in by_incident.values() if len(docs) >= 2]
    return [doc for docs in reported[:count] for doc in docs[:per]]


def ecb_documents(count: int, split: str = "train") -> list[dict]:
    """The first `count` ECB+ documents of a split that hold a sentence (celebrities in rehab,
    earthquakes, shootings, ...): unrelated articles to put beside another story."""
    with open(ECB / f"{split}_documents.jsonl") as f:
        docs = [json.loads(line) for line in f]
    docs = [d for d in docs if any(_SENTENCE.search(s["text"]) for s in d["sentences"])]
    return docs[:count]


def seeds_beside(docs: list[dict]) -> Story:
    """The seed story with these documents (other occurrences: shootings) in the same story;
    only the seed claims are judged."""
    seeds = seed_story()
    articles, claims = list(seeds.articles), list(seeds.claims)
    article_id, claim_id = 10_000, 10_000_000
    for doc in docs:
        article_id += 1
        body = " ".join(s["text"] for s in doc["sentences"])
        articles.append(ArticleInput(article_id, doc["doc_id"], "", None, body))
        for s in doc["sentences"]:
            claim_id += 1
            claims.append(ClaimInput(claim_id, article_id, s["text"], s["index"]))
    return Story("seeds beside", articles, claims, seeds.answers)


def gvc_stories(split: str = "dev") -> list[Story]:
    """GVC: one story per topic, each article its own outlet, annotated sentences judged by
    incident (the subtopic)."""
    return _document_stories(GVC / f"{split}_documents.jsonl")


def pairwise(story: Story, event_of: dict[int, str], tells=None) -> dict[str, int]:
    """Counts over judged pairs from different articles: tp, fp, fn, pairs of different
    occurrences (subtopics) and how many of those were grouped. With `tells` (claim -> the
    events it tells of, its own and those it also tells of), a pair is grouped when the two
    share one."""
    ids = sorted(story.answers)
    out = dict(tp=0, fp=0, fn=0, tn=0, other=0, other_grouped=0)
    for x, i in enumerate(ids):
        ai, ci, si = story.answers[i]
        for j in ids[x + 1 :]:
            aj, cj, sj = story.answers[j]
            if ai == aj:
                continue
            gold = bool(ci & cj)
            if tells is None:
                pred = i in event_of and event_of.get(i) == event_of.get(j)
            else:
                pred = bool(tells.get(i, set()) & tells.get(j, set()))
            out["tp" if gold and pred else "fp" if pred else "fn" if gold else "tn"] += 1
            if si != sj:
                out["other"] += 1
                out["other_grouped"] += pred
    return out


def summary(counts: list[dict[str, int]]) -> dict[str, float]:
    t = {k: sum(c[k] for c in counts) for k in counts[0]}
    p = t["tp"] / max(t["tp"] + t["fp"], 1)
    r = t["tp"] / max(t["tp"] + t["fn"], 1)
    f = 2 * p * r / max(p + r, 1e-9)
    return dict(
        P=p,
        R=r,
        F1=f,
        other=t["other_grouped"] / max(t["other"], 1),
        pairs=sum(t[k] for k in ("tp", "fp", "fn", "tn")),
    )


# -- the TF-IDF baseline ---------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def tfidf_pairs(story: Story) -> tuple[np.ndarray, np.ndarray]:
    """(cosine, gold) of every judged pair of claims from different articles: TF-IDF over the
    story's claims, lowercased words, no stemming: the reference point the data sets' READMEs
    give."""
    from collections import Counter

    texts = [c.text for c in story.claims]
    words = [Counter(_WORD.findall(t.lower())) for t in texts]
    df = Counter(w for c in words for w in c)
    n = len(texts)
    vecs = []
    for c in words:
        v = {w: (1 + np.log(k)) * np.log((n + 1) / (df[w] + 1)) for w, k in c.items()}
        norm = np.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    row = {c.id: k for k, c in enumerate(story.claims)}
    ids = sorted(story.answers)
    scores, gold = [], []
    for x, i in enumerate(ids):
        ai, ci, _ = story.answers[i]
        vi = vecs[row[i]]
        for j in ids[x + 1 :]:
            aj, cj, _ = story.answers[j]
            if ai == aj:
                continue
            vj = vecs[row[j]]
            small, big = (vi, vj) if len(vi) < len(vj) else (vj, vi)
            scores.append(sum(x * big.get(w, 0.0) for w, x in small.items()))
            gold.append(bool(ci & cj))
    return np.array(scores), np.array(gold, bool)


def best_threshold(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The cosine threshold with the best pairwise F1 over these stories (tuned on train)."""
    scores = np.concatenate([s for s, _ in pairs])
    gold = np.concatenate([g for _, g in pairs])
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.05, 0.95, 0.01):
        f1 = baseline_f1([(scores, gold)], t)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def baseline_f1(pairs: list[tuple[np.ndarray, np.ndarray]], threshold: float) -> float:
    tp = fp = fn = 0
    for scores, gold in pairs:
        pred = scores >= threshold
        tp += int((pred & gold).sum())
        fp += int((pred & ~gold).sum())
        fn += int((~pred & gold).sum())
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return 2 * p * r / max(p + r, 1e-9)


def topics_as_jsonl(path: Path) -> dict[str, tuple[list[dict], str]]:
    """Each topic of a documents file (ECB+, GVC): its documents in order and the JSONL a user
    would import for it (one article a document, its given sentences as the claims)."""
    with open(path) as f:
        docs = [json.loads(line) for line in f]
    topics: dict[str, list[dict]] = {}
    for doc in sorted(docs, key=lambda d: (int(d["topic"]), d["doc_id"])):
        topics.setdefault(doc["topic"], []).append(doc)
    return {topic: (tdocs, documents_as_jsonl(tdocs)) for topic, tdocs in topics.items()}


def documents_as_jsonl(docs: list[dict]) -> str:
    """The JSONL a user would import for these documents (ECB+, GVC): one article a document,
    its given sentences as the claims."""
    return "\n".join(
        json.dumps(
            {
                "outlet": d["doc_id"],
                "title": "",
                "text": " ".join(s["text"] for s in d["sentences"]),
                "claims": [s["text"] for s in d["sentences"]],
            }
        )
        for d in docs
    )


# -- a large corpus for the throughput benchmarks --------------------------------------------


# A document holding no sentence but a URL and a headline would fail to import.
_SENTENCE = re.compile(r"^(?!http).{20,}[.!?\"']$")


def scaled_corpus(stories: int, per_story: int) -> dict[str, list[tuple[str, bytes]]]:
    """`stories` stories of `per_story` articles each, as the files a user would upload: one
    JSONL file an article (outlet and text, the product segments it). Story k tells ECB+/GVC
    topic k mod 37: its documents in turn, then (a topic having fewer) the first half of one
    document with the second half of another, so no two articles of a story are the same text;
    stories past the 37th start from another document of their topic."""
    paths = (
        ECB / "train_documents.jsonl",
        ECB / "dev_documents.jsonl",
        GVC / "dev_documents.jsonl",
    )
    topics = [
        [d for d in docs if any(_SENTENCE.search(s["text"]) for s in d["sentences"])]
        for path in paths
        for docs, _ in topics_as_jsonl(path).values()
    ]
    out = {}
    for k in range(stories):
        docs, turn = topics[k % len(topics)], k // len(topics)
        files = []
        for n in range(per_story):
            first = docs[(n + turn) % len(docs)]
            sentences = [s["text"] for s in first["sentences"]]
            if n >= len(docs):  # a second round: mixed with a later document
                other = docs[(n + turn + n // len(docs)) % len(docs)]
                half, rest = len(sentences) // 2, [s["text"] for s in other["sentences"]]
                sentences = sentences[:half] + rest[len(rest) // 2 :]
            line = json.dumps({"outlet": first["doc_id"], "text": " ".join(sentences)})
            files.append((f"{k:03d}-{n:03d}.jsonl", line.encode()))
        out[f"bench-{k:03d}"] = files
    return out
