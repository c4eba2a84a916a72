"""Pairs whose wording waits (claims/matching/components.py): the model is never sure of them,
whatever their wording, so leaving it uncompared until the events are known changes nothing."""

import numpy as np

from claims.matching import calibrate, components, score


def random_pairs(n=5000, seed=0):
    """Components of n pairs, spread over what the score step measures."""
    rng = np.random.default_rng(seed)

    def flags(p):
        return (rng.random(n) < p).astype(np.float32)

    return {
        "terms": rng.random(n).astype(np.float32),
        "wording": np.zeros(n, np.float32),
        "article": rng.random(n).astype(np.float32),
        "same_occurrence": flags(0.6),
        "occurrences_apart": flags(0.7),
        "lead": flags(0.1),
        "other_date": flags(0.1),
        "other_place": flags(0.1),
        "concepts": flags(0.2),
        "context": rng.random(n).astype(np.float32),
    }


def test_a_pair_left_unworded_is_below_the_bar_at_every_wording():
    assert_never_sure_holds(random_pairs())


def assert_never_sure_holds(comps):
    """The pairs `_never_sure` picks are below MIN_SURE at every wording."""
    never = components._never_sure(comps)
    assert 0 < never.sum() < len(never)  # the check below has pairs of both kinds to judge
    for wording in np.linspace(0, 1, 21):
        c = comps | {"wording": np.full_like(comps["terms"], wording)}
        chance = calibrate.probability(c, score.combine(c))
        assert (chance[never] < components.MIN_SURE).all()


def test_the_corner_is_found_where_the_models_chance_rounds_to_nothing(monkeypatch):
    """Coefficients that make a pair with nothing in common 0 to float32 (a steep refit):
    the likeliest corner is still the one the coefficients' signs give."""
    weights, _ = calibrate._model()
    steep = weights.copy()
    for name, value in {"wording": -3.0, "decided": -2.0, "terms": 120.0}.items():
        steep[calibrate.FEATURES.index(name)] = value
    monkeypatch.setattr(calibrate, "_model", lambda: (steep, -120.0))
    comps = random_pairs()
    assert components._likeliest(comps) == (0.0, False)
    assert_never_sure_holds(comps)
