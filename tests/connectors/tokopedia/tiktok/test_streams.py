"""What the TikTok pulls ask for: exact update-time bounds, statements from the window's UTC day, and a
check that always goes to the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.base.records import Settlement
from connectors.base.testing.conformance import KitEnv
from connectors.base.windows import Window
from tests.connectors.tokopedia.conftest import shop_of


def test_orders_are_searched_by_exactly_the_window_in_update_time(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    window = Window(datetime(2026, 1, 3, 6, tzinfo=UTC), datetime(2026, 1, 5, 6, tzinfo=UTC))
    records, rejected, _ = env.pull(env.connector(shop), "orders", window)
    as_of = env.world.as_of
    expected = {o.order_ref for o in env.world.orders_of("tokopedia", shop) if window.contains(o.updated_at(as_of))}
    assert not rejected and {r.order_ref for r in records} == expected  # type: ignore[union-attr]


def test_a_window_starting_mid_day_still_reads_that_days_statement(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    released = sorted(
        (s.released_at, o.order_ref) for o in env.world.orders_of("tokopedia", shop) for s in o.settlements[:1]
    )
    moment, order_ref = released[len(released) // 2]
    window = Window(moment - timedelta(seconds=1), moment + timedelta(seconds=1))
    records, rejected, _ = env.pull(env.connector(shop), "settlements", window)
    [listing] = env.sandbox.state.requests_to("/finance/202309/statements")
    midnight = datetime.combine(window.start.date(), datetime.min.time(), UTC)
    assert listing["params"]["statement_time_ge"] == str(int(midnight.timestamp()))
    assert not rejected and order_ref in {r.order_ref for r in records if isinstance(r, Settlement)}


def test_check_asks_the_api_every_time(env: KitEnv):
    connector = env.connector(shop_of(env.world, "tiktok"))
    connector.check()
    connector.check()
    assert len(env.sandbox.state.requests_to("/authorization/202309/shops")) == 2
