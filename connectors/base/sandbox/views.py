"""Sorted, cached views of the sandbox world for list endpoints that filter by a time range.

A list endpoint that sorted every order of the shop on each request made a sync of a large world quadratic
(one full sort per page). A view is sorted once per world state and answers a range with two bisections;
it is rebuilt when the state stamp changes (the world clock moved, or orders or wallet entries were added).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class SortedView(Generic[T]):
    """Items sorted by ``(key, tie-break)``; ``between(lo, hi)`` gives those with ``lo <= key <= hi`` in order."""

    def __init__(self, rows: list[tuple[int, str, T]]) -> None:
        rows.sort(key=lambda row: (row[0], row[1]))
        self.keys = [row[0] for row in rows]
        self.items = [row[2] for row in rows]

    def between(self, lo: int, hi: int) -> list[T]:
        return self.items[bisect_left(self.keys, lo) : bisect_right(self.keys, hi)]


class SortedViews:
    """Views by name, each kept with the stamp of the state it was built from."""

    def __init__(self) -> None:
        self._views: dict[Hashable, tuple[Hashable, SortedView[Any]]] = {}

    def get(self, name: Hashable, stamp: Hashable, build: Callable[[], list[tuple[int, str, T]]]) -> SortedView[T]:
        cached = self._views.get(name)
        if cached is None or cached[0] != stamp:
            cached = (stamp, SortedView(build()))
            self._views[name] = cached
        return cached[1]
