"""Fit the probability a link shows (claims/matching/calibration.json) and print how well it
holds: per band of shown probability, how many links and what share of them the gold calls
right, on the data it was fitted on (ECB+ train, the seed story with and without the user's
aliases) and on data it never saw (ECB+ dev, GVC dev).

    python bench/fit_calibration.py          # fit, write calibration.json, print the table
    python bench/fit_calibration.py --check  # print the table for the coefficients in the repo
"""

import argparse
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from _corpus import ecb_stories, gvc_stories, seed_story  # noqa: E402

L2 = 1.0  # ridge on the weights (not the bias): a few features are nearly collinear
SEED_WEIGHT = 4.0  # the seed story has ~20x fewer judged links than ECB+ train


def shown_links(stories, aliases=()):
    """(features, gold) of every link the matcher shows whose two claims are both judged."""
    from claims.matching import StoryIndex, calibrate, match_index

    rows, gold = [], []
    for story in stories:
        result = match_index(
            StoryIndex.build(story.articles, story.claims, aliases), explain_links=False
        )
        for link in result.links:
            a, b = story.answers.get(link.a), story.answers.get(link.b)
            if a is None or b is None:
                continue
            c = {k: np.array([v]) for k, v in link.components.items()}
            rows.append(calibrate.features(c, c["decided"])[0])
            gold.append(bool(a[1] & b[1]))
    return np.array(rows).reshape(-1, len(calibrate.FEATURES)), np.array(gold, float)


def fit(x, y, w):
    from claims.matching import calibrate

    x1 = np.c_[x, np.ones(len(x))]

    def loss(beta):
        p = 1 / (1 + np.exp(-(x1 @ beta)))
        ll = -(w * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        grad = x1.T @ (w * (p - y))
        ridge = np.r_[beta[:-1], 0.0]
        return ll + L2 * (ridge**2).sum(), grad + 2 * L2 * ridge

    beta = minimize(loss, np.zeros(x1.shape[1]), jac=True, method="L-BFGS-B").x
    return dict(zip(calibrate.FEATURES, beta[:-1].round(4).tolist(), strict=True)), float(
        round(beta[-1], 4)
    )


def table(name, x, y):
    from claims.matching import calibrate

    weights, bias = calibrate._model()
    p = 1 / (1 + np.exp(-(x @ weights + bias)))
    bands = [0, 0.2, 0.4, 0.6, 0.8, 1.01]
    cells = []
    for lo, hi in zip(bands, bands[1:], strict=False):
        m = (p >= lo) & (p < hi)
        cells.append(
            f"{lo:.1f}-{min(hi, 1):.1f}: {int(m.sum()):5d} links, "
            f"{y[m].mean() if m.any() else 0:4.0%} right"
        )
    print(f"{name:28} " + " | ".join(cells))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="do not fit, only print")
    args = parser.parse_args()
    import django

    django.setup()
    from claims.matching import calibrate
    from tests.gold.seed_gold import USER_ALIASES

    seeds = [seed_story()]
    fitted = {
        "ECB+ train": shown_links(ecb_stories("train")),
        "seeds, no aliases": shown_links(seeds),
        "seeds, user aliases": shown_links(seeds, USER_ALIASES),
    }
    if not args.check:
        x = np.vstack([v[0] for v in fitted.values()])
        y = np.concatenate([v[1] for v in fitted.values()])
        w = np.concatenate(
            [
                np.full(len(v[1]), 1.0 if k.startswith("ECB") else SEED_WEIGHT)
                for k, v in fitted.items()
            ]
        )
        weights, bias = fit(x, y, w)
        calibrate.COEFFICIENTS.write_text(
            json.dumps({"weights": weights, "bias": bias, "fitted_on": list(fitted)}, indent=2)
            + "\n"
        )
        calibrate._model.cache_clear()
        print("wrote", calibrate.COEFFICIENTS, file=sys.stderr)
    for name, (x, y) in fitted.items():
        table(name, x, y)
    table("ECB+ dev (not fitted)", *shown_links(ecb_stories("dev")))
    table("GVC dev (not fitted)", *shown_links(gvc_stories("dev")))


if __name__ == "__main__":
    main()
