"""How many ECB+ train sentences the furniture rule keeps out of claims, and how many of them
people annotated as event mentions ("validated"): that second number must stay at 0.

Run from the repository root: `.venv/bin/python bench/furniture.py` (`-v` lists the sentences).
Train documents only: the rule (`articles.ingest.clean.furniture_reason`) was tuned on them.
"""

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.ingest.clean import furniture_reason  # noqa: E402

DOCUMENTS = Path("/work/shared/eval/ecbplus/train_documents.jsonl")


def main(verbose: bool) -> None:
    with open(DOCUMENTS) as f:
        docs = [json.loads(line) for line in f]
    sentences = [(d["doc_id"], s) for d in docs for s in d["sentences"]]
    marked = [(doc, s, furniture_reason(s["text"])) for doc, s in sentences]
    marked = [row for row in marked if row[2]]
    validated = [row for row in marked if row[1]["validated"]]
    print(
        f"ECB+ train: {len(docs)} documents, {len(sentences)} sentences, "
        f"{len(marked)} marked as furniture, {len(validated)} of them validated"
    )
    for reason, count in Counter(reason for _, _, reason in marked).most_common():
        print(f"  {count:5}  {reason}")
    for doc, s, reason in marked if verbose else validated:
        flag = "VALIDATED " if s["validated"] else ""
        print(f"{flag}{doc}:{s['index']}  {reason}: {s['text']}")


if __name__ == "__main__":
    main(verbose="-v" in sys.argv[1:])
