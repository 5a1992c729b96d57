"""Grab over real HTTP against its sandbox: GrabFood and GrabMart shops each get their orders and settlements
(by-day backfill with ``more`` paging, ≤10 ids per re-fetch, merchantEarning + the settlement report), the
shop's scope is used, and 409/429 throttling waits as long as Grab says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.base.connection import connection_json, parse_connection
from connectors.base.errors import PermissionDenied
from connectors.base.landing import Lander, RawPage, as_landed
from connectors.base.protocol import ConnectorContext
from connectors.base.records import Rejected
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.settlement_files import import_settlement_file
from connectors.base.testing.conformance import FAST_BUDGET
from connectors.base.testing.truth import parsed_summary, world_summary
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.grab.client import MAX_ORDER_IDS
from connectors.grab.connector import MERCHANT_DAY, GrabConnector, merchant_days
from connectors.grab.sandbox import GrabSandbox
from foundation.db import make_engine, transaction

WORLD = WorldConfig(orders_per_day=23, days=3, platforms=("grab",))  # 23 a day: three list pages per day


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WORLD)


@pytest.fixture
def sandbox(world: World) -> Iterator[tuple[GrabSandbox, str]]:
    grab = GrabSandbox(world)
    with SandboxServer(grab.app) as server:
        yield grab, server.url


def connector(grab: GrabSandbox, url: str, db_url: str, shop: str, flavor: str | None = None, **context):  # type: ignore[no-untyped-def]
    spec = parse_connection("grab_test", connection_json(**grab.connection_for(shop, url)))
    flavor = flavor or grab.world.shop("grab", shop).flavor
    tokens = TokenStore(make_engine(db_url), "grab", shop)
    options = {"timeout": (2.0, 5.0), "budget": FAST_BUDGET, **context}
    return GrabConnector(ConnectorContext(shop, spec, tokens, flavor, **options))


def history(world: World) -> Window:
    return Window(datetime.combine(world.config.start, datetime.min.time(), UTC) - timedelta(days=1), world.as_of)


def landed(db_url: str, shop: str, stream: str) -> list:  # type: ignore[type-arg]
    with transaction(make_engine(db_url)) as session:
        rows = session.query(RawPage).filter_by(platform="grab", shop_ref=shop, stream=stream).order_by(RawPage.id)
        return [as_landed(row) for row in rows]


def test_food_and_mart_shops_each_get_their_orders_and_settlements(sandbox, db_url, tmp_path: Path) -> None:
    grab, url = sandbox
    flavors = {}
    for shop in grab.shop_refs():
        grab_connector = connector(grab, url, db_url, shop)
        for stream in ("orders", "settlements"):
            Lander(make_engine(db_url), grab_connector).run(stream, history(grab.world))
        orders = [r for page in landed(db_url, shop, "orders") for r in grab_connector.parse(page)]
        assert not [r for r in orders if isinstance(r, Rejected)]
        assert parsed_summary(orders, "orders") == world_summary(grab.world, "grab", shop, "orders")
        report = tmp_path / f"{shop}.xlsx"
        start = history(grab.world).start
        report.write_bytes(grab.settlement_report(shop, "settlement_report_xlsx", start, grab.world.as_of))
        import_settlement_file(make_engine(db_url), "grab", report)
        settlements = [r for page in landed(db_url, shop, "settlements") for r in grab_connector.parse(page)]
        assert not [r for r in settlements if isinstance(r, Rejected)]
        revisions = Counter(r.revision for r in settlements)  # type: ignore[union-attr]
        assert revisions["1"] > 0 and revisions["2"] > 0, "merchantEarning (rev 1) and the report (rev 2) both read"
        assert parsed_summary(settlements, "settlements") == world_summary(grab.world, "grab", shop, "settlements")
        flavors[grab.world.shop("grab", shop).flavor] = {scope for _, scope in grab.auth.tokens.values()}
    assert flavors["food"] == {"food.partner_api"} and flavors["mart"] == {"food.partner_api", "mart.partner_api"}


def test_each_merchant_day_is_paged_while_more_and_refetches_ask_for_at_most_ten_ids(sandbox, db_url) -> None:
    grab, url = sandbox
    shop = grab.shop_refs()[0]
    window = history(grab.world)
    Lander(make_engine(db_url), connector(grab, url, db_url, shop)).run("orders", window)
    per_day = Counter(o.created_at.astimezone(MERCHANT_DAY).date() for o in grab.world.orders_of("grab", shop))
    expected = sum(max(1, -(-per_day.get(day, 0) // 10)) for day in merchant_days(window))
    assert len(grab.state.requests_to("/partner/v1/orders")) == expected and max(per_day.values()) > 20
    ids = [o.order_ref for o in grab.world.orders_of("grab", shop)][:23]
    grab.state.requests.clear()
    pages = list(connector(grab, url, db_url, shop).refetch_orders(ids + ids[:4]))  # duplicates asked once
    assert len(pages) == 3 and len(grab.state.requests_to("/partner/v1/orders")) == 3
    with pytest.raises(ValueError, match="1 to 10"):
        connector(grab, url, db_url, shop).client.orders_by_ids(ids[: MAX_ORDER_IDS + 1])


def test_409_and_429_throttling_wait_as_long_as_grab_says(sandbox, db_url) -> None:
    grab, url = sandbox
    shop = grab.shop_refs()[0]
    waits: list[float] = []
    grab.state.faults.update({"rate_limit": 2, "retry_after": 3})
    one = grab.world.orders_of("grab", shop)[0].order_ref
    pages = list(connector(grab, url, db_url, shop, sleep=waits.append).refetch_orders([one]))
    assert len(pages) == 1 and waits == [3.0, 3.0]
    assert [r["faults"] for r in grab.state.requests[:2]] == [["rate_limit"], ["rate_limit"]]


def test_a_food_scoped_token_cannot_read_a_mart_merchant(sandbox, db_url) -> None:
    grab, url = sandbox
    mart = next(s.shop_ref for s in grab.world.shops_on("grab") if s.flavor == "mart")
    with pytest.raises(PermissionDenied, match="mart.partner_api"):
        connector(grab, url, db_url, mart, flavor="food").check()
