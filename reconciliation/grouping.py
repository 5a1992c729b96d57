"""Per-group collections (joined references, lists of pages) built in one pass over the rows.

``DataFrame.groupby(...).agg(col=(..., lambda values: ...))`` calls the Python function once per group through
pandas' slowest path (a Series is built for every group): at a million orders that was most of a
reconciliation run. Plain dictionaries do the same in a fraction of the time; the sums, maxima and counts stay
in pandas, where they are vectorised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Reducer:
    """How a group's values become one: ``group`` takes the values of a group in row order; ``alone`` does the
    same for a whole column of one-row groups at once (for those, most reducers are the identity).

    Sums and maxima are reduced here too, not by ``DataFrame.groupby``: with one row per group almost
    everywhere, grouping a million rows by text keys (and merging the result back) was most of the work."""

    group: Callable[[list[Any]], Any]
    alone: Callable[[list[Any]], list[Any]]


JOINED = Reducer(lambda values: ",".join(sorted(values)), lambda values: values)  # references, sorted, comma-joined
IN_ORDER = Reducer(",".join, lambda values: values)  # references comma-joined in row order
TOTAL = Reducer(sum, lambda values: values)  # exact: Python integers
MAXIMUM = Reducer(max, lambda values: values)  # the largest number, the latest date
COUNT = Reducer(len, lambda values: [1] * len(values))
LISTED = Reducer(list, lambda values: [[value] for value in values])  # every value, in row order
DISTINCT = Reducer(lambda values: sorted(set(values)), lambda values: [[value] for value in values])


def collect(frame: pd.DataFrame, keys: Sequence[str], columns: dict[str, tuple[str, Reducer]]) -> pd.DataFrame:
    """One row per distinct ``keys``; ``columns`` maps each output column to (input column, reducer).

    Rows alone in their group (almost all of them: one settlement per order) are reduced a column at a time
    without building groups; only the rest are grouped."""
    alone = ~frame.duplicated(list(keys), keep=False).to_numpy(dtype=bool)
    single = frame[alone]
    data: dict[str, list[Any]] = {k: single[k].tolist() for k in keys}
    for name, (source, reducer) in columns.items():
        data[name] = reducer.alone(single[source].tolist())
    shared = frame[~alone]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, key in enumerate(zip(*(shared[k] for k in keys), strict=True)):
        groups.setdefault(key, []).append(position)
    for i, k in enumerate(keys):
        data[k] += [key[i] for key in groups]
    for name, (source, reducer) in columns.items():
        values = shared[source].tolist()
        data[name] += [reducer.group([values[p] for p in positions]) for positions in groups.values()]
    return pd.DataFrame(data, columns=[*keys, *columns]).astype({k: frame[k].dtype for k in keys})
