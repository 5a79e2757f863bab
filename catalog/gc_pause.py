"""`paused_gc`: pause Python's cyclic garbage collector around bulk work that creates no cycles.

Classifying a batch and loading the catalog for a site build both allocate hundreds of thousands of
objects that hold no reference cycles; every collection those allocations trigger re-scans all the live
objects again, which cost about half of a classifier batch and a fifth of a site rebuild. One helper for
both, so the restore logic is written once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (or, as `@paused_gc()`, for each call of a function),
    restoring the state it found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Everything the block allocated sits in the youngest generation; re-enabling as is would make the
            # next allocation scan all of it at once. Moving it to the oldest generation (freeze, then unfreeze)
            # costs a list splice: what survives is collected with the old objects, what dies is freed by
            # reference counting as usual.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
