"""Turning API responses into pages to land, for both flavors' pulls.

An index page (ids only) is landed before the record pages it leads to; the checkpoint rides on the last page
of the group, so a resumed pull restarts at the first index page it had not finished. A record page that stays
unreadable after the HTTP layer's retries is landed exactly as received, so its records are quarantined by
``parse`` instead of being lost, and the pull goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse
from connectors.base.protocol import FetchedPage

PLATFORM = "tokopedia"
Scrub = Callable[[bytes], bytes]


def field(data: Any, *path: str) -> Any:
    """``data[path…]`` or ``InvalidPayload`` naming the missing key (a page we cannot page past)."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise InvalidPayload(f"response lacks {'.'.join(path)}", platform=PLATFORM)
        data = data[key]
    return data


def batches(values: Sequence[str], size: int) -> list[list[str]]:
    unique = list(dict.fromkeys(values))
    return [unique[start : start + size] for start in range(0, len(unique), size)]


def now() -> datetime:
    return datetime.now(UTC)


class Pages:
    """Builds ``FetchedPage``s for one flavor, masking personal data with that flavor's ``scrub``."""

    def __init__(self, scrub: Scrub) -> None:
        self.scrub = scrub

    def page(
        self,
        stream: str,
        kind: str,
        response: ApiResponse,
        checkpoint: dict[str, Any] | None,
        context: dict[str, Any] | None = None,
    ) -> FetchedPage:
        request = response.call.descriptor()
        if context:
            request["context"] = context
        return FetchedPage(stream, kind, request, self.scrub(response.body), response.status, now(), checkpoint)

    def unreadable(
        self,
        stream: str,
        kind: str,
        error: InvalidPayload,
        request: dict[str, Any],
        checkpoint: dict[str, Any] | None,
    ) -> FetchedPage:
        """A persistently unreadable answer, landed as received (masked all the same: a cut-off JSON body
        still holds whatever personal data came before the cut)."""
        return FetchedPage(stream, kind, request, self.scrub(error.body), error.http_status or 200, now(), checkpoint)

    def with_records(
        self,
        stream: str,
        index_kind: str,
        index: ApiResponse,
        groups: list[Any],
        fetch: Callable[[Any], ApiResponse],
        record_kind: str,
        after: dict[str, Any],
        context: Callable[[Any], dict[str, Any] | None] = lambda _: None,
    ) -> Iterator[FetchedPage]:
        """Land an index page, then the record page of each group; the checkpoint rides on the last one."""
        yield self.page(stream, index_kind, index, None if groups else after)
        for number, group in enumerate(groups, start=1):
            checkpoint = after if number == len(groups) else None
            try:
                response = fetch(group)
            except InvalidPayload as error:
                request = {"path": error.endpoint, "ids": group, "context": context(group)}
                yield self.unreadable(stream, record_kind, error, request, checkpoint)
                continue
            yield self.page(stream, record_kind, response, checkpoint, context(group))
