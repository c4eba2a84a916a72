"""Where the explain step of a full match goes, on the 100k-claim synthetic story (match.py).

Builds the story's index once and matches it, keeping what `describe.events_and_links` was
given; then runs that step again several times and prints CPU seconds (medians): the whole
step with and without the links' explanations, the event labels alone, the links alone.

With --fork it also tries the step split over two processes: the labels in a forked child while
the parent builds the links, the labels sent back pickled. Prints the wall time beside the
serial one and each process's CPU time (on a machine shared with other work, wall time is
noisy: read the CPU split), and what pickling the links would cost (why they stay in the
parent).

    python bench/explain.py           # about two minutes
    python bench/explain.py --fork --reps 5
"""

import argparse
import gc
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from match import corpus  # noqa: E402

from claims.matching import StoryIndex, beside, describe, explain, match_index  # noqa: E402


def captured(n: int):
    """The arguments of `events_and_links`, of labels and of links, in a full match."""
    articles, claims = corpus(n)
    index = StoryIndex.build(articles, claims)
    calls = {"labels": []}
    step, links, label = describe.events_and_links, describe._links, explain.label

    def spy(name, fn):
        def call(*args):
            if name == "labels":
                calls[name].append(args)
            else:
                calls[name] = args
            return fn(*args)

        return call

    describe.events_and_links = spy("step", step)
    describe._links, explain.label = spy("links", links), spy("labels", label)
    try:
        result = match_index(index, explain_links=True)
    finally:
        describe.events_and_links, describe._links, explain.label = step, links, label
    print(f"{n} claims: {len(result.events)} events, {len(result.links)} links", flush=True)
    return calls


def cpu(fn):
    """CPU seconds of fn() with the collector paused (as matching runs), and its result."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        out = fn()
        return time.process_time() - start, out
    finally:
        gc.enable()


def serial(calls, reps: int) -> None:
    step = calls["step"][:-1]
    parts = {
        "step, explained": lambda: describe.events_and_links(*step, True),
        "step, not explained": lambda: describe.events_and_links(*step, False),
        "labels": lambda: [explain.label(*args) for args in calls["labels"]],
        "links, explained": lambda: describe._links(*calls["links"]),
    }
    times = {name: [] for name in parts}
    for _ in range(reps):
        for name, fn in parts.items():
            times[name].append(cpu(fn)[0])
    for name, values in times.items():
        print(f"  {name:22} {statistics.median(values):6.2f} s CPU (median of {reps})")


def all_labels(calls):
    return [explain.label(*args) for args in calls]


def fork(calls, reps: int) -> None:
    labels, links = calls["labels"], calls["links"]
    beside.usable = lambda: True  # the split measured whatever else the machine does
    rows = {}
    for _ in range(reps):
        gc.collect()
        gc.disable()
        wall, start = time.perf_counter(), time.process_time()
        expected = all_labels(labels), describe._links(*links)
        rows.setdefault("serial wall", []).append(time.perf_counter() - wall)
        rows.setdefault("serial CPU", []).append(time.process_time() - start)
        children = os.times()
        wall, start = time.perf_counter(), time.process_time()
        with beside.beside(all_labels, labels) as join:  # the matcher's own fork
            rows.setdefault("fork() call, wall", []).append(time.perf_counter() - wall)
            built = describe._links(*links)
            waited = time.perf_counter()
            got = join()
        rows.setdefault("forked wall", []).append(time.perf_counter() - wall)
        rows.setdefault("  parent CPU", []).append(time.process_time() - start)
        after = os.times()
        child = after.children_user + after.children_system
        child -= children.children_user + children.children_system
        rows.setdefault("  child CPU", []).append(child)
        rows.setdefault("  parent waiting, wall", []).append(time.perf_counter() - waited)
        gc.enable()
        assert (got, built) == expected
    for name, values in rows.items():
        print(f"  {name:22} {statistics.median(values):6.2f} s (median of {reps})")
    start = time.perf_counter()
    data = pickle.dumps(expected[1], protocol=5)
    dumped = time.perf_counter()
    pickle.loads(data)
    print(
        f"  pickling the links instead: {len(data) / 1e6:.0f} MB, dumps "
        f"{dumped - start:.2f} s, loads {time.perf_counter() - dumped:.2f} s (wall)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--fork", action="store_true", help="and the step split over two")
    args = parser.parse_args()
    calls = captured(args.claims)
    serial(calls, args.reps)
    if args.fork:
        fork(calls, args.reps)


if __name__ == "__main__":
    main()
