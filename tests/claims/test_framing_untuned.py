"""The third labelled framing list (ECB+ dev topics 21 and 23, never tuned on): it loads, its
labels point at words its sentences hold, and `bench/quality.py --framing` scores it beside the
other two lists."""

import importlib
from pathlib import Path

import pytest

from tests.gold import framing_gold_untuned as untuned
from tests.gold.framing_score import gold_items, precision_recall, predicted

pytestmark = pytest.mark.skipif(
    not untuned.available(), reason="the ECB+ files are not on this machine"
)
BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_untuned_list_loads_and_its_labels_are_in_its_sentences():
    claims = untuned.untuned_claims()
    assert len(claims) == 99 and len({c.outlet for c in claims}) == 47
    texts = {}
    for claim in claims:
        texts.setdefault(claim.outlet, []).append(claim.text.lower())
    for labels in (untuned.PASSIVES, untuned.HEDGES):
        for outlet, words in labels.items():
            assert all(any(w in t for t in texts[outlet]) for w in words), outlet
    events = {name: untuned.event_claims(claims, name) for name in untuned.EVENTS}
    assert sum(len(c) for c in events.values()) == len(claims)
    outlets = {name: {c.outlet for c in mine} for name, mine in events.items()}
    for event, _, pair in untuned.DISCREPANCIES:
        assert pair <= outlets[event]


def test_each_panel_is_scored_on_it():
    claims = untuned.untuned_claims()
    events = {name: untuned.event_claims(claims, name) for name in untuned.EVENTS}
    found, labelled = predicted(claims, events), gold_items(untuned)
    assert set(labelled) == {"sources", "passives", "agentless", "hedges", "discrepancies"}
    for kind, gold in labelled.items():
        precision, recall, hits, n_found, n_gold = precision_recall(kind, found[kind], gold)
        assert n_gold == len(gold) > 0 and 0 <= precision <= 1 and 0 <= recall <= 1


def test_the_benchmark_prints_it_beside_the_other_lists(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCH))
    importlib.import_module("quality").framing_table()
    out = capsys.readouterr().out
    head, _, *rows = out.strip().splitlines()
    assert "seed story" in head and "ECB+ dev topics 12, 18" in head
    assert "untuned: ECB+ dev 21, 23" in head
    discrepancies = next(r for r in rows if r.startswith("discrepancies"))
    assert discrepancies.split("|")[3].split()[0] == str(len(untuned.DISCREPANCIES))
