"""``BacklogWalk``: the batches the full backlog query (``_unprocessed``) would give, read by index from a cursor;
a page landed behind the cursor meanwhile is still handed out. Both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

import sync.pipeline
from connectors.base.landing import RawPage
from core_mapping.models import ProcessedPage
from foundation.db import transaction
from sync.pipeline import BacklogWalk, _unprocessed

SHOP = ("shopee", "880000101")
# Streams interleaved in landing order, as a pull of several streams and pushes leaves them; two streams outside
# STREAM_ORDER ("pushes", "menu") rank last together, in landing order.
STREAMS = ["orders", "settlements", "pushes", "wallet", "orders", "stock", "menu", "settlements", "orders", "wallet"]


def _land(session: object, stream: str, n: int, shop: tuple[str, str] = SHOP) -> int:
    page = RawPage(
        platform=shop[0],
        shop_ref=shop[1],
        stream=stream,
        kind="test",
        request="{}",
        http_status=200,
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        sha256=f"{stream}-{n}-{shop[1]}",
        body=b"{}",
    )
    session.add(page)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return page.id


def _mark(session: object, ids: list[int]) -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)
    session.add_all(  # type: ignore[attr-defined]
        [ProcessedPage(page_id=i, processed_at=now, records=0, quarantined=0) for i in ids]
    )


def test_the_walk_gives_the_full_query_batches_and_a_page_landed_behind_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_queries = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        full_queries.append(args)
        return _unprocessed(*args, **kwargs)

    monkeypatch.setattr(sync.pipeline, "_unprocessed", counted)
    with transaction(engine) as session:
        ids = [_land(session, STREAMS[n % len(STREAMS)], n) for n in range(60)]
        _land(session, "orders", 999, shop=("shopee", "other-shop"))  # another shop's page: never handed out
        _mark(session, ids[:7])  # an earlier run processed these
    walk, expected, walked = BacklogWalk(*SHOP), [], []
    while True:
        with transaction(engine) as session:
            full = [page.id for page in _unprocessed(session, *SHOP, 4)]
            batch = [page.id for page in walk.next(session, 4)]
            if not batch:
                break
            expected.append(full)
            walked.append(batch)
            _mark(session, batch)
    assert len(walked) > 10, "the walk must cross every stream group for the comparison to mean anything"
    assert walked == expected
    assert len(full_queries) == 2, "only the first batch and the last look may sort the whole backlog"
    assert sorted(page for batch in walked for page in batch) == ids[7:]

    with transaction(engine) as session:  # an overlapping pull lands an orders page, far behind the cursor
        straggler = _land(session, "orders", 1000)
    with transaction(engine) as session:
        assert [page.id for page in walk.next(session, 4)] == [straggler]
        _mark(session, [straggler])
    with transaction(engine) as session:
        assert walk.next(session, 4) == []
