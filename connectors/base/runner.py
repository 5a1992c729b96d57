"""The one page loop: runs declared streams (``streams``) into pages to land, resumably.

Every stream's checkpoint has one shape, ``{"part": p, "slice": s, "pager": state}``: the part and slice to
read next and, inside that slice, the paginator's position (absent at the slice's start). It rides on the last
page landed for a list page (the list page itself if it names nothing, else its last detail page), so a resumed
pull restarts at the first list page it had not finished. Checkpoints written before this runner (issue 19) had
a shape per stream (``chunk``/``day``/``phase`` beside the pager's keys); ``read_checkpoint`` translates them on
the way in, and the next saved checkpoint is in the new shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse
from connectors.base.pagination import PageNumberPaginator, Paginator
from connectors.base.protocol import FetchedPage
from connectors.base.streams import MAX_UNREADABLE_PAGES, Endpoint, Part, Scope, Stream
from connectors.base.windows import Window

log = logging.getLogger("omnikop.connectors")
Scrub = Callable[[bytes], bytes]
Checkpoint = dict[str, Any]
PAGER_KEYS = ("cursor", "page", "offset", "done")


def read_checkpoint(state: dict[str, Any] | None, stream: Stream) -> Checkpoint:
    """A checkpoint in the runner's shape, from either shape (see the module docstring)."""
    if not state:
        return {"part": 0, "slice": 0}
    if "part" in state:
        return state
    names = [part.name for part in stream.parts]
    phase = state.get("phase")
    checkpoint: Checkpoint = {
        "part": names.index(phase) if phase in names else 0,
        "slice": int(state.get("chunk", state.get("day", 0))),
    }
    pager = {key: state[key] for key in PAGER_KEYS if key in state}
    if pager:
        checkpoint["pager"] = pager
    return checkpoint


def no_scrub(body: bytes) -> bytes:
    return body


class StreamRunner:
    """Pulls declared streams for one connector; ``scrub`` masks personal data in every body before landing."""

    def __init__(self, platform: str, scrub: Scrub = no_scrub) -> None:
        self.platform, self.scrub = platform, scrub

    def pull(self, stream: Stream, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        start = read_checkpoint(resume, stream)
        for part_index in range(start["part"], len(stream.parts)):
            part = stream.parts[part_index]
            slices = part.slices(window)
            first = start["slice"] if part_index == start["part"] else 0
            for slice_index in range(first, len(slices)):
                pager_state = start.get("pager") if (part_index, slice_index) == (start["part"], first) else None
                yield from self._slice(stream.name, part, part_index, slice_index, slices[slice_index], pager_state)

    def page(
        self, stream: str, kind: str, response: ApiResponse, checkpoint: Checkpoint | None, context: Any = None
    ) -> FetchedPage:
        """A response as a page to land, with its context (if any) in the request descriptor."""
        request = response.call.descriptor()
        if context:
            request["context"] = context
        return FetchedPage(stream, kind, request, self.scrub(response.body), response.status, _now(), checkpoint)

    def _slice(
        self, stream: str, part: Part, part_index: int, slice_index: int, subject: Any, pager_state: Any
    ) -> Iterator[FetchedPage]:
        preamble = None
        if part.before_slice is not None:
            answer = part.before_slice.fetch(subject)
            yield self.page(stream, part.before_slice.kind, answer, None)
            preamble = part.before_slice.read(answer.data)

        def position(pager: Paginator) -> Checkpoint:
            if pager.done:
                return {"part": part_index, "slice": slice_index + 1}
            return {"part": part_index, "slice": slice_index, "pager": pager.state()}

        scope = Scope(subject, preamble)
        yield from self._pages(stream, part.endpoint, subject, scope, position, pager_state, None)

    def _pages(
        self,
        stream: str,
        endpoint: Endpoint,
        subject: Any,
        scope: Scope,
        mark: Callable[[Paginator], Checkpoint | None],
        pager_state: Any,
        context: Any,
    ) -> Iterator[FetchedPage]:
        """THE page loop. Each page, then the details it names; ``mark(pager)`` is the checkpoint the last page
        of this page's group carries (a list: where to resume; details: the parent's, on their last page)."""
        pager = endpoint.paginator()
        if pager_state:
            pager.restore(pager_state)
        unreadable_in_a_row = 0
        while not pager.done:
            response: ApiResponse | None = None
            try:
                response = endpoint.fetch(subject, pager.params())
                records = endpoint.select(response.data)
                pager.advance(response.data)
            except InvalidPayload as error:
                if endpoint.unreadable == "raise":
                    raise
                unreadable_in_a_row += 1
                if endpoint.unreadable == "land" or unreadable_in_a_row >= MAX_UNREADABLE_PAGES:
                    if endpoint.unreadable == "skip":
                        log.warning(
                            "%s %s: %d unreadable pages in a row", self.platform, endpoint.kind, unreadable_in_a_row
                        )
                    pager.done = True
                else:
                    assert isinstance(pager, PageNumberPaginator), "only numbered pages can be skipped"
                    pager.skip()
                checkpoint = mark(pager)
                yield self._unreadable(stream, endpoint, error, response, subject, scope, context, checkpoint)
                continue
            unreadable_in_a_row = 0
            after = mark(pager)
            details = endpoint.details
            groups = details.groups(records) if details is not None else []
            yield self.page(stream, endpoint.kind, response, None if groups else after, context)
            if details is None:
                continue
            listing = response.data if scope.listing is None else scope.listing
            inner = Scope(scope.slice, scope.preamble, listing)
            for number, group in enumerate(groups, start=1):
                final = after if number == len(groups) else None
                yield from self._pages(
                    stream,
                    details.endpoint,
                    group,
                    inner,
                    _checkpoint_when_done(final),
                    None,
                    details.context(group, inner),
                )

    def _unreadable(
        self,
        stream: str,
        endpoint: Endpoint,
        error: InvalidPayload,
        response: ApiResponse | None,
        subject: Any,
        scope: Scope,
        context: Any,
        checkpoint: Checkpoint | None,
    ) -> FetchedPage:
        """A persistently unreadable answer, landed as received (masked all the same: a cut-off JSON body still
        holds whatever personal data came before the cut) so its records are quarantined, not lost."""
        call = error.call or (response.call if response is not None else None)
        request = call.descriptor() if call is not None else {"path": error.endpoint}
        if scope.listing is not None:
            request["ids"] = subject  # the records this detail call was for
        elif subject is not None:
            request["slice"] = subject.key() if isinstance(subject, Window) else str(subject)
        request["context"] = context
        body = self.scrub(error.body or b"")
        return FetchedPage(stream, endpoint.kind, request, body, error.http_status or 200, _now(), checkpoint)


def _now() -> datetime:
    return datetime.now(UTC)


def _checkpoint_when_done(final: Checkpoint | None) -> Callable[[Paginator], Checkpoint | None]:
    """Details carry their parent's checkpoint, on the last page of the last batch only."""

    def mark(pager: Paginator) -> Checkpoint | None:
        return final if pager.done else None

    return mark
