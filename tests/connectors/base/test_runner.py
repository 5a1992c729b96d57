"""The runner's one checkpoint shape, and the translation of checkpoints written before it (issue 19)."""

from __future__ import annotations

import pytest

from connectors.base.streams import Endpoint, Part, Stream, snapshot

STREAM = Stream(
    "settlements",
    (
        Part(Endpoint("a", lambda *_: None), snapshot, "escrow"),
        Part(Endpoint("b", lambda *_: None), snapshot, "adjustments"),
    ),
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, {"part": 0, "slice": 0}),
        (
            {"chunk": 2, "cursor": "c9", "done": False},
            {"part": 0, "slice": 2, "pager": {"cursor": "c9", "done": False}},
        ),
        ({"chunk": 3}, {"part": 0, "slice": 3}),  # Shopee / legacy Tokopedia: chunk finished
        ({"phase": "adjustments", "chunk": 0}, {"part": 1, "slice": 0}),  # Shopee settlements, second phase
        (
            {"phase": "escrow", "chunk": 1, "page": 4, "done": False},
            {"part": 0, "slice": 1, "pager": {"page": 4, "done": False}},
        ),
        ({"day": 5, "page": 2, "done": False}, {"part": 0, "slice": 5, "pager": {"page": 2, "done": False}}),  # Grab
        ({"offset": 200, "done": False}, {"part": 0, "slice": 0, "pager": {"offset": 200, "done": False}}),  # stock
        ({"part": 1, "slice": 0, "pager": {"page": 3}}, {"part": 1, "slice": 0, "pager": {"page": 3}}),  # new shape
    ],
)
def test_old_checkpoints_are_translated_once_into_the_one_shape(old, new) -> None:  # type: ignore[no-untyped-def]
    from connectors.base.runner import read_checkpoint

    assert read_checkpoint(old, STREAM) == new
