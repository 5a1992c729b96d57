"""Stream declarations: what a connector says about each pulled stream, so that ``runner`` can pull it.

A stream is one or more *parts* read one after the other (Shopee settlements: the escrow list, then the wallet's
adjustment scan). A part walks the window in *slices* (Shopee's ≤15-day spans, Grab's merchant days, one slice
for a snapshot) and, in each slice, pages through one list *endpoint*. Each list page may name records whose
*details* are fetched in batches and landed after it (dlt's dependent resources); a detail answer may name
records of its own (Shopee escrow detail → the orders with returns). The shapes follow dlt's
``RESTClient.paginate`` and Airbyte CDK's ``HttpStream``: a path and params builder (``fetch``), a paginator, a
record selector (``select``), a detail fetch and a window size; the loop itself lives once, in ``runner``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from connectors.base.http import ApiResponse
from connectors.base.pagination import Paginator, SinglePagePaginator
from connectors.base.windows import Window

# What to do with an answer that stays unreadable after the HTTP layer's retries:
# "raise": fail the pull (a list page we cannot page past); "land": land it as received so its records are
# quarantined, and go on after it; "skip": as "land", then ask for the next page number (pages that do not depend
# on the one before), giving the slice up after ``MAX_UNREADABLE_PAGES`` in a row.
Unreadable = Literal["raise", "land", "skip"]
MAX_UNREADABLE_PAGES = 3


@dataclass(frozen=True)
class Scope:
    """What a detail's fetch and context may look at besides its own group."""

    slice: Any  # the slice being read (a ``Window``, a merchant ``date``, or None for a snapshot)
    preamble: Any = None  # data of the slice's ``before_slice`` answer, if the part has one
    listing: Any = None  # data of the list page whose records led here


def no_context(group: Any, scope: Scope) -> dict[str, Any] | None:
    return None


def no_records(data: Any) -> list[Any]:
    return []


def nothing_to_fetch(_rows: Any) -> list[Any]:
    """For a selector that checked a page's rows are there (they are its records): nothing to fetch after it."""
    return []


@dataclass(frozen=True)
class Endpoint:
    """One endpoint as a stream reads it.

    ``fetch(subject, paging)`` performs the call: ``subject`` is the slice for a list endpoint and the group of
    records for a detail one; ``paging`` the paginator's parameters for this page. ``select(data)`` gives the
    records a page names (ids, or whole rows) and raises ``InvalidPayload`` if the page lacks them."""

    kind: str
    fetch: Callable[[Any, dict[str, Any]], ApiResponse]
    paginator: Callable[[], Paginator] = SinglePagePaginator
    select: Callable[[Any], list[Any]] = no_records
    details: Details | None = None
    unreadable: Unreadable = "raise"


@dataclass(frozen=True)
class Details:
    """Records named by a page, fetched after it. ``batch``: that many unique ids per call (in order); None:
    each named record alone, as it is. ``context`` is landed with each detail page (``request.context``), so
    parsing a landed page needs nothing else."""

    endpoint: Endpoint
    batch: int | None = None
    context: Callable[[Any, Scope], dict[str, Any] | None] = no_context

    def groups(self, records: list[Any]) -> list[Any]:
        return list(records) if self.batch is None else batches(records, self.batch)


def batches(values: list[Any], size: int) -> list[list[Any]]:
    """The unique ``values`` (first occurrence kept, in order) in lists of at most ``size``."""
    unique = list(dict.fromkeys(values))
    return [unique[start : start + size] for start in range(0, len(unique), size)]


@dataclass(frozen=True)
class BeforeSlice:
    """A call made and landed once per slice before its listing, whose data the details' context reads
    (legacy Tokopedia's resolution tickets)."""

    kind: str
    fetch: Callable[[Any], ApiResponse]
    read: Callable[[Any], Any] = lambda data: data  # what of its data the details' context needs


@dataclass(frozen=True)
class Part:
    endpoint: Endpoint
    slices: Callable[[Window], list[Any]]
    name: str = ""  # the ``phase`` that checkpoints written before the runner carried, if any
    before_slice: BeforeSlice | None = None


@dataclass(frozen=True)
class Stream:
    name: str
    parts: tuple[Part, ...] = field(default_factory=tuple)


# --- slicers -------------------------------------------------------------------------------------------------


def split_by(span: timedelta) -> Callable[[Window], list[Any]]:
    """The window in consecutive slices of at most ``span`` (a platform's maximum window)."""
    return lambda window: list(window.split(span))


def whole_window(window: Window) -> list[Any]:
    """The window as one slice; an empty window reads nothing (the platform documents no maximum span)."""
    return [window] if window.start < window.end else []


def from_utc_midnight(window: Window) -> list[Any]:
    """One slice from 00:00 UTC of the window's first day: statements are daily (TikTok ``statement_time``)."""
    if window.start >= window.end:
        return []
    return [Window(datetime.combine(window.start.astimezone(UTC).date(), time(), UTC), window.end)]


def snapshot(window: Window) -> list[Any]:
    """A snapshot (stock): the window does not apply; everything is read once."""
    return [None]


def days_in(zone: Any) -> Callable[[Window], list[Any]]:
    """Every calendar day in ``zone`` that ``[start, end)`` touches (none for an empty window)."""

    def slices(window: Window) -> list[Any]:
        if window.end <= window.start:
            return []
        first = window.start.astimezone(zone).date()
        last: date = (window.end - timedelta(microseconds=1)).astimezone(zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    return slices
