"""Python's cycle collector paused around bulk work whose many objects die by reference counting.

Bulk steps (a batch of landed pages mapped and posted, a million documents decoded) keep hundreds of thousands of
small objects alive at once: records, drafts, rows, decoded dicts. They survive the collector's young passes,
are promoted, and soon trigger full passes, each of which walks the whole heap (every imported module's objects
included) to find cycles that are not there. Measured: a fifth of map + post's CPU in ``bench/throughput.py``,
half of the reconciliation's document read. Reference counting frees these objects either way; the collector is
back on, as it was, when the step ends, and collects whatever cycles the step left.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection inside the block; the collector's previous state afterwards (nesting is fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
