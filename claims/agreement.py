"""How far annotators agree: Cohen's kappa for two, Krippendorff's alpha (nominal) for any
number with missing labels. Pure functions of the labels; no database.

Both say how much better than chance the annotators agree: 1 is perfect, 0 is what chance
gives, below 0 is worse than chance. Both are None where they are undefined (nothing to
compare, or every label the same so that chance already explains all agreement).
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import permutations


def cohen_kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> float | None:
    """Kappa of two annotators from the labels they each gave the same items."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Iterable[Iterable[Hashable]]) -> float | None:
    """Nominal alpha from each unit's labels (one per annotator who labelled it; missing
    labels are simply absent). Units with fewer than two labels carry no information."""
    coincidences = Counter()
    for unit in units:
        values = list(unit)
        m = len(values)
        if m < 2:
            continue
        for c, k in permutations(values, 2):
            coincidences[c, k] += 1 / (m - 1)
    totals = Counter()
    for (c, _), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    disagreeing = sum(o for (c, k), o in coincidences.items() if c != k)
    chance = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n == 0 or chance == 0:
        return None
    return 1 - (n - 1) * disagreeing / chance


@dataclass
class Agreement:
    """Agreement over units (links): which annotators, how many units two or more labelled,
    the share of those where all labels are the same, kappa (exactly two annotators) and
    alpha, and the units where labels differ."""

    annotators: list = field(default_factory=list)
    compared: int = 0
    observed: float | None = None
    kappa: float | None = None
    alpha: float | None = None
    disagreements: list = field(default_factory=list)


def measure(labels: Mapping[Hashable, Mapping[Hashable, Hashable]]) -> Agreement:
    """`labels` maps each unit to {annotator: label}."""
    annotators = sorted({a for by in labels.values() for a in by}, key=str)
    shared = {u: by for u, by in labels.items() if len(by) >= 2}
    agreeing = sum(len(set(by.values())) == 1 for by in shared.values())
    kappa = None
    if len(annotators) == 2:
        one, two = annotators
        both = [by for by in shared.values() if one in by and two in by]
        kappa = cohen_kappa((by[one], by[two]) for by in both)
    return Agreement(
        annotators=annotators,
        compared=len(shared),
        observed=agreeing / len(shared) if shared else None,
        kappa=kappa,
        alpha=krippendorff_alpha(by.values() for by in shared.values()),
        disagreements=[u for u, by in shared.items() if len(set(by.values())) > 1],
    )
