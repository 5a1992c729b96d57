"""Per-group collections (joined references, lists of pages) built in one pass over the rows.

``DataFrame.groupby(...).agg(col=(..., lambda values: ...))`` calls the Python function once per group through
pandas' slowest path (a Series is built for every group): at a million orders that was most of a
reconciliation run. Plain dictionaries do the same in a fraction of the time; the sums, maxima and counts stay
in pandas, where they are vectorised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd


def collect(
    frame: pd.DataFrame, keys: Sequence[str], columns: dict[str, tuple[str, Callable[[list[Any]], Any]]]
) -> pd.DataFrame:
    """One row per distinct ``keys``; ``columns`` maps each output column to (input column, finish(values)),
    where ``values`` are the group's inputs in row order. Merge the result on ``keys`` with the pandas part.

    Rows alone in their group (almost all of them: one settlement per order) are finished value by value
    without building groups; only the rest are grouped."""
    alone = ~frame.duplicated(list(keys), keep=False).to_numpy(dtype=bool)
    single = frame[alone]
    data: dict[str, list[Any]] = {k: single[k].tolist() for k in keys}
    for name, (source, finish) in columns.items():
        data[name] = [finish([value]) for value in single[source].tolist()]
    shared = frame[~alone]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, key in enumerate(zip(*(shared[k] for k in keys), strict=True)):
        groups.setdefault(key, []).append(position)
    for i, k in enumerate(keys):
        data[k] += [key[i] for key in groups]
    for name, (source, finish) in columns.items():
        values = shared[source].tolist()
        data[name] += [finish([values[p] for p in positions]) for positions in groups.values()]
    return pd.DataFrame(data, columns=[*keys, *columns]).astype({k: frame[k].dtype for k in keys})
