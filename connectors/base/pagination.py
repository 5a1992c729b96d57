"""Paginators: one loop, many strategies (dlt-style). A resource declares which one it uses.

Each paginator is a small state machine: ``params()`` gives the paging parameters for the next request,
``advance(data)`` reads the response and decides whether there is another page. ``state``/``restore``
serialise the position so a crashed pull can resume at the first page it had not finished. A cursor or
page token that repeats raises ``PaginationError`` instead of looping forever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connectors.base.errors import InvalidPayload, PaginationError

Getter = Callable[[Any], Any]


@dataclass
class CursorPaginator:
    """Opaque cursor + ``more`` flag (Shopee ``get_order_list``: ``cursor``/``next_cursor``/``more``)."""

    cursor_param: str
    next_cursor: Getter
    has_more: Getter
    initial: str = ""
    cursor: str = field(init=False)
    done: bool = field(init=False, default=False)
    _seen: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.cursor = self.initial

    def params(self) -> dict[str, Any]:
        return {self.cursor_param: self.cursor}

    def advance(self, data: Any) -> None:
        more, following = bool(self.has_more(data)), self.next_cursor(data) or ""
        if not more or not following:
            self.done = True
            return
        if following in self._seen or following == self.cursor:
            raise PaginationError(f"cursor {following!r} repeated; stopping instead of looping")
        self._seen.add(self.cursor)
        self.cursor = following

    def state(self) -> dict[str, Any]:
        return {"cursor": self.cursor, "done": self.done}

    def restore(self, state: dict[str, Any]) -> None:
        self.cursor, self.done = state.get("cursor", self.initial), bool(state.get("done", False))


@dataclass
class PageTokenPaginator(CursorPaginator):
    """Token-only paging: an empty next token means the end (TikTok ``page_token``/``next_page_token``)."""

    has_more: Getter = field(default=lambda data: True)


@dataclass
class OffsetPaginator:
    """``offset`` + ``page_size`` with a ``has_next``/``next_offset`` reply (Shopee ``get_item_list``)."""

    offset_param: str
    has_next: Getter
    next_offset: Getter | None = None
    page_size: int = 100
    offset: int = 0
    done: bool = False

    def params(self) -> dict[str, Any]:
        return {self.offset_param: self.offset}

    def advance(self, data: Any) -> None:
        if not self.has_next(data):
            self.done = True
            return
        following = int(self.next_offset(data)) if self.next_offset else self.offset + self.page_size
        if following <= self.offset:
            raise PaginationError(f"offset went from {self.offset} to {following}; stopping instead of looping")
        self.offset = following

    def state(self) -> dict[str, Any]:
        return {"offset": self.offset, "done": self.done}

    def restore(self, state: dict[str, Any]) -> None:
        self.offset, self.done = int(state.get("offset", 0)), bool(state.get("done", False))


@dataclass
class PageNumberPaginator:
    """``page_no`` counting from ``first`` with a ``more`` flag (Shopee escrow/wallet, Grab, Tokopedia)."""

    page_param: str
    has_more: Getter
    first: int = 1
    page: int = field(init=False)
    done: bool = field(init=False, default=False)
    max_pages: int = 100_000

    def __post_init__(self) -> None:
        self.page = self.first

    def params(self) -> dict[str, Any]:
        return {self.page_param: self.page}

    def advance(self, data: Any) -> None:
        if not self.has_more(data):
            self.done = True
            return
        if self.page - self.first + 1 >= self.max_pages:
            raise PaginationError(f"more than {self.max_pages} pages; refusing to continue")
        self.page += 1

    def state(self) -> dict[str, Any]:
        return {"page": self.page, "done": self.done}

    def restore(self, state: dict[str, Any]) -> None:
        self.page, self.done = int(state.get("page", self.first)), bool(state.get("done", False))

    def skip(self) -> None:
        """Move past a page that could not be read: page numbers do not depend on the page before."""
        self.page += 1


@dataclass
class SinglePagePaginator:
    """An endpoint that answers in one response (GoBiz catalog, Shopee detail batches)."""

    done: bool = False

    def params(self) -> dict[str, Any]:
        return {}

    def advance(self, data: Any) -> None:
        self.done = True

    def state(self) -> dict[str, Any]:
        return {"done": self.done}

    def restore(self, state: dict[str, Any]) -> None:
        self.done = bool(state.get("done", False))


Paginator = CursorPaginator | OffsetPaginator | PageNumberPaginator | SinglePagePaginator


def page_field(platform: str, data: Any, *path: str) -> Any:
    """``data[path…]``, or ``InvalidPayload`` naming the missing key: a list page that lacks what the pager reads
    cannot be paged past (``functools.partial(page_field, PLATFORM)`` gives a platform its reader)."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise InvalidPayload(f"response lacks {'.'.join(path)}", platform=platform)
        data = data[key]
    return data
