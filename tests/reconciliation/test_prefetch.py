"""The reconciliation's read-ahead of document chunks: every chunk in order, errors raised to the reader, and
no thread left behind (holding the connection) when the reader stops early."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from reconciliation.sources import _prefetched


def _chunks(count: int, fail_at: int | None = None) -> Iterator[list[int]]:
    for n in range(count):
        if n == fail_at:
            raise ConnectionError("server closed the connection")
        yield [n]


def _fetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "recon-document-fetch"]


def test_every_chunk_arrives_in_order():
    assert [chunk[0] for chunk in _prefetched(_chunks(50))] == list(range(50))
    assert _fetch_threads() == []


def test_a_fetch_error_is_raised_to_the_reader_after_the_chunks_before_it():
    seen = []
    with pytest.raises(ConnectionError, match="server closed"):
        for chunk in _prefetched(_chunks(10, fail_at=6)):
            seen.append(chunk[0])
    assert seen == [0, 1, 2, 3, 4, 5]
    assert _fetch_threads() == []


def test_a_reader_that_stops_early_stops_the_thread():
    reader = _prefetched(_chunks(1000))
    assert next(reader) == [0]
    reader.close()  # what an exception in the reader's loop does
    assert _fetch_threads() == []
