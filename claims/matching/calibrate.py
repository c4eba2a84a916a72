"""How sure the matcher is of a link: the chance that its two claims tell of the same event,
from the evidence the score step measured (a logistic model; its coefficients are data, in
calibration.json, fitted by bench/fit_calibration.py on ECB+ train and the seed story's gold).

The clustering decides with `score.combine` (evidence over its bar); what a reader sees is this
probability, so that of the links shown at 0.8 about 8 in 10 are right on the data it was fitted
and checked on (bench/fit_calibration.py prints the table).
"""

import json
from functools import cache
from pathlib import Path

import numpy as np

from . import score

COEFFICIENTS = Path(__file__).with_name("calibration.json")


def features(c: dict[str, np.ndarray], decided: np.ndarray) -> np.ndarray:
    """One row per pair: what the probability is computed from (the names in FEATURES)."""
    same = c["same_occurrence"] > 0
    apart = c["occurrences_apart"] > 0
    conflict = (c["other_date"] > 0) | (c["other_place"] > 0)
    return np.column_stack(
        [
            decided,
            score.words(c),  # "terms": shared terms and a share of their context's likeness
            np.maximum(c["wording"] - 0.5, 0) / 0.5,
            c["concepts"],
            same & apart,
            (same & apart) * c["lead"],
            c["article"],
            conflict,
        ]
    ).astype(np.float64)


FEATURES = [
    "decided",
    "terms",
    "wording",
    "concepts",
    "inside",
    "inside_lead",
    "article",
    "conflict",
]


@cache
def _model() -> tuple[np.ndarray, float]:
    data = json.loads(COEFFICIENTS.read_text())
    weights = np.array([data["weights"][name] for name in FEATURES], np.float64)
    return weights, float(data["bias"])


def probability(c: dict[str, np.ndarray], decided: np.ndarray) -> np.ndarray:
    """The chance, 0..1, that each pair tells of one event."""
    if not len(decided):
        return np.zeros(0, np.float32)
    return (1 / (1 + np.exp(-logit(c, decided)))).astype(np.float32)


def logit(c: dict[str, np.ndarray], decided: np.ndarray) -> np.ndarray:
    """The model's log-odds of each pair, float64: which way it moves with a feature, read
    where `probability` would round to 0 or 1 and hide it."""
    weights, bias = _model()
    return features(c, decided) @ weights + bias
