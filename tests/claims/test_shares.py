"""The split of a story's links between annotators (claims/shares.py): pure arithmetic."""

from collections import Counter

import pytest

from claims.shares import doubled_count, split

CASES = [
    (n, k, overlap)
    for n in (0, 1, 2, 3, 7, 10, 99, 100, 101, 1000)
    for k in (1, 2, 3, 5, 8)
    for overlap in (0, 0.05, 0.2, 0.25, 0.5, 0.9, 1)
]


def test_no_link_lost_or_doubled_beyond_the_overlap():
    for n, k, overlap in CASES:
        check_split(n, k, overlap)


def check_split(n, k, overlap):
    links = [f"link-{i}" for i in range(n)]
    annotators = [f"ann-{j}" for j in range(k)]
    shares = split(links, annotators, overlap)
    times = Counter(link for share in shares.values() for link in share)
    assert set(times) == set(links)  # every link given to at least one annotator
    expected = round(overlap * n) if k >= 2 else 0
    assert sum(1 for t in times.values() if t == 2) == expected
    assert all(t in (1, 2) for t in times.values())
    assert all(len(set(share)) == len(share) for share in shares.values())  # never twice to one
    sizes = [len(shares[a]) for a in annotators]
    assert max(sizes) - min(sizes) <= 1  # balanced within one link
    assert sum(sizes) == n + expected
    for share in shares.values():  # each share keeps the links' order
        assert share == sorted(share, key=links.index)


def test_the_same_input_gives_the_same_split():
    links, annotators = list(range(57)), [3, 1, 2]
    assert split(links, annotators, 0.2) == split(list(links), list(annotators), 0.2)


def test_twenty_percent_of_ten_links_between_two():
    shares = split(list(range(10)), ["ana", "bob"], 0.2)
    assert {a: len(s) for a, s in shares.items()} == {"ana": 6, "bob": 6}
    both = set(shares["ana"]) & set(shares["bob"])
    assert len(both) == 2


def test_doubled_links_are_spread_along_the_order_and_pairs_rotate():
    shares = split(list(range(100)), ["a", "b", "c"], 0.1)
    doubled = sorted(
        link for link, t in Counter(x for s in shares.values() for x in s).items() if t == 2
    )
    assert len(doubled) == 10
    assert doubled[0] < 10 and doubled[-1] >= 90  # not all at the start
    pairs = {frozenset(a for a, s in shares.items() if link in s) for link in doubled}
    assert len(pairs) == 3  # every pair of annotators shares some


def test_one_annotator_takes_everything_and_nothing_is_doubled():
    assert split([1, 2, 3], ["solo"], 0.5) == {"solo": [1, 2, 3]}
    assert doubled_count(3, 1, 0.5) == 0


@pytest.mark.parametrize(
    ("links", "annotators", "overlap"),
    [([1], [], 0.2), ([1], ["a", "a"], 0.2), ([1], ["a", "b"], 1.5), ([1], ["a", "b"], -0.1)],
)
def test_impossible_splits_are_refused(links, annotators, overlap):
    with pytest.raises(ValueError):
        split(links, annotators, overlap)
