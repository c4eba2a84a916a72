"""The cyclic garbage collector paused while matching builds its many small objects.

Matching creates millions of tokens, lists and dicts that all stay alive until it returns, and
none of them form cycles; each collection still walks them all, again and again as they grow
(at 100k claims a third of building the links went there). Reference counting still frees what
is dropped; the collector resumes, as it was, on the way out."""

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
