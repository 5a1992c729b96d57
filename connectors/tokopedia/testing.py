"""The Tokopedia conformance harnesses: one per flavor, both driving the same connector and sandbox."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

from connectors.base.protocol import Connector
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.base.testing.truth import Summary, world_summary
from connectors.tokopedia.connector import TokopediaConnector
from connectors.tokopedia.legacy.client import MAX_ORDER_WINDOW, ORDER_PAGE_SIZE
from connectors.tokopedia.sandbox import TokopediaSandbox
from connectors.tokopedia.tiktok.client import PAGE_SIZE


class _TokopediaHarness(Harness):
    platform = "tokopedia"

    def sandbox(self, world: World) -> PlatformSandbox:
        return TokopediaSandbox(world)

    def connector_class(self) -> type[Connector]:
        return TokopediaConnector

    def token_grants(self, sandbox: PlatformSandbox) -> int:
        assert isinstance(sandbox, TokopediaSandbox)
        return sandbox.token_grants()

    def truth(self, world: World, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
        """A TikTok shop's wallet also holds its payments: one PAYOUT per statement (a UTC day of settling),
        of what that day's settlement revisions added to the orders' nets."""
        summary = world_summary(world, self.platform, shop_ref, stream, as_of)
        if stream != "wallet" or world.shop(self.platform, shop_ref).flavor != "tiktok":
            return summary
        as_of = as_of or world.as_of
        days: dict[date, int] = {}
        for order in world.orders_of(self.platform, shop_ref, as_of):
            previous = 0
            for revision in order.settlements:
                if revision.released_at <= as_of:
                    day = revision.released_at.astimezone(UTC).date()
                    days[day] = days.get(day, 0) + revision.net - previous
                previous = revision.net
        payouts = Counter(("PAYOUT", amount) for amount in days.values())
        return dict(Counter(summary) + payouts)


class TikTokHarness(_TokopediaHarness):
    flavors = ("tiktok",)
    page_size = PAGE_SIZE
    max_window: ClassVar[timedelta | None] = None  # TikTok documents no maximum search window
    list_path = "/order/202309/orders/search"
    detail_path = "/order/202309/orders"
    world_config = WorldConfig(orders_per_day=6, days=21, platforms=("tokopedia",))


class LegacyHarness(_TokopediaHarness):
    flavors = ("legacy",)
    page_size = ORDER_PAGE_SIZE
    max_window = MAX_ORDER_WINDOW
    list_path = "/v2/order/list"
    detail_path = "/v2/order/list"  # the list pages are the order records
    # Just over the kit's minimum of page_size + 2 orders: every legacy settlement costs one single-order call
    # (the fs API has no batch read), so a bigger world only slows the suite. Paging inside a < 3-day chunk
    # (page full → ask again → short page) is covered by tests/connectors/tokopedia/legacy/test_paging.py.
    world_config = WorldConfig(orders_per_day=12, days=9, platforms=("tokopedia",))
