"""Legacy /v2/order/list returns a bare list: a chunk is read page by page until a short page, and an
unreadable page is landed for quarantine without losing the pages after it."""

from __future__ import annotations

from datetime import datetime

import pytest

from connectors.base.http import RetryBudget
from connectors.base.landing import land_page, landed_page
from connectors.base.records import Order, Rejected
from connectors.base.testing.conformance import KitEnv
from connectors.base.windows import Window
from connectors.tokopedia.legacy.client import MAX_ORDER_WINDOW
from foundation.db import transaction
from tests.connectors.tokopedia.conftest import shop_of

LIST = "/v2/order/list"
PAGE = 5  # small pages, so that a < 3-day stretch of this small world spans several


def _window(env: KitEnv, shop: str, count: int) -> tuple[Window, set[str]]:
    """A window inside one < 3-day chunk holding exactly ``count`` orders (by last update)."""
    as_of = env.world.as_of
    moments = sorted((o.updated_at(as_of), o.order_ref) for o in env.world.orders_of("tokopedia", shop))
    # Start where the next count + 1 updates are closest together (the densest stretch of the world).
    first = min(range(len(moments) - count), key=lambda i: moments[i + count][0] - moments[i][0])
    start = moments[first][0]
    inside = moments[first:]
    window = Window(start, inside[count][0])
    assert window.end - window.start < MAX_ORDER_WINDOW and inside[count - 1][0] < window.end
    return window, {ref for moment, ref in inside if window.contains(moment)}


@pytest.mark.parametrize(("count", "calls"), [(4, 1), (5, 2), (6, 2), (10, 3), (12, 3)])
def test_a_chunk_is_read_until_its_first_short_page(env: KitEnv, count: int, calls: int):
    shop = shop_of(env.world, "legacy")
    connector = env.connector(shop)
    connector.api.client.order_page_size = PAGE  # type: ignore[union-attr]
    window, expected = _window(env, shop, count)
    before = len(env.sandbox.state.requests_to(LIST))
    records, rejected, _ = env.pull(connector, "orders", window)
    assert not rejected and {r.order_ref for r in records if isinstance(r, Order)} == expected
    list_requests = env.sandbox.state.requests_to(LIST)[before:]
    assert [r["params"]["page"] for r in list_requests] == [str(page) for page in range(1, calls + 1)]
    assert {r["params"]["per_page"] for r in list_requests} == {str(PAGE)}


def test_an_unreadable_list_page_is_quarantined_and_the_next_page_still_read(env: KitEnv):
    shop = shop_of(env.world, "legacy")
    connector = env.connector(shop, budget=RetryBudget(attempts=2, seconds=5, backoff_initial=0.01))
    connector.api.client.order_page_size = PAGE  # type: ignore[union-attr]
    window, expected = _window(env, shop, 12)
    pages = connector.pull("orders", window)
    first = next(pages)
    env.sandbox.state.faults.update({"malformed_json": 2, "malformed_path": LIST})  # both tries at page 2
    fetched = [first, *pages]
    assert [page.checkpoint for page in fetched] == [
        {"part": 0, "slice": 0, "pager": {"page": 2, "done": False}},
        {"part": 0, "slice": 0, "pager": {"page": 3, "done": False}},  # page 2 landed for quarantine, then skipped
        {"part": 0, "slice": 1},
    ]
    assert env.faults_seen("malformed_json") == 2
    with transaction(env.engine) as session:
        ids = [land_page(session, "tokopedia", shop, page)[0] for page in fetched]
    with transaction(env.engine) as session:
        parsed = [record for page_id in ids for record in connector.parse(landed_page(session, page_id))]
    quarantined = [r for r in parsed if isinstance(r, Rejected)]
    assert [r.reason for r in quarantined] == ["malformed_page"]
    orders = {r.order_ref for r in parsed if isinstance(r, Order)}
    assert len(orders) == 7 and orders < expected  # pages 1 and 3; page 2's five wait in quarantine


def test_windows_are_cut_below_three_days_with_an_inclusive_last_second(env: KitEnv):
    shop = shop_of(env.world, "legacy")
    start = datetime.combine(env.world.config.start, datetime.min.time()).astimezone()
    window = Window.of(start, start + MAX_ORDER_WINDOW * 2)
    env.pull(env.connector(shop), "orders", window)
    spans = [(int(r["params"]["from_date"]), int(r["params"]["to_date"])) for r in env.sandbox.state.requests_to(LIST)]
    assert len(spans) == 2 and all(to - since == MAX_ORDER_WINDOW.total_seconds() - 1 for since, to in spans)
    assert spans[1][0] == spans[0][1] + 1  # no second is skipped or read twice
