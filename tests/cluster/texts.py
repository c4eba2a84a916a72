"""Articles for the cluster test to upload: each a headline of its own over paragraphs of the
seed articles (seeds/), taken in another order for each, so that no two texts are the same and
the matcher finds the same happenings across them."""

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PARAGRAPHS_PER_ARTICLE = 8


def _paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        paragraphs += [p for p in path.read_text().split("\n\n") if len(p) > 120 and "\n" not in p]
    return paragraphs


def articles(tag: str, count: int) -> list[tuple[str, bytes]]:
    """`count` files (name, bytes) for an upload; `tag` goes into every headline."""
    paragraphs = _paragraphs()
    files = []
    for n in range(count):
        picked = [
            paragraphs[(n * 5 + 3 * k) % len(paragraphs)] for k in range(PARAGRAPHS_PER_ARTICLE)
        ]
        text = f"Cluster report {tag} number {n}\n\n" + "\n\n".join(picked) + "\n"
        files.append((f"{tag}-{n:03d}.txt", text.encode()))
    return files
