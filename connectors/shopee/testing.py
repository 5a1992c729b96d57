"""The Shopee conformance harness: how the kit drives the Shopee connector and sandbox."""

from __future__ import annotations

from datetime import timedelta

from connectors.base.protocol import Connector
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.shopee.connector import ShopeeConnector
from connectors.shopee.sandbox import ShopeeSandbox


class ShopeeHarness(Harness):
    platform = "shopee"
    page_size = 100
    max_window = timedelta(days=15)
    list_path = "/api/v2/order/get_order_list"
    detail_path = "/api/v2/order/get_order_detail"
    world_config = WorldConfig(orders_per_day=12, days=14, platforms=("shopee",))

    def sandbox(self, world: World) -> PlatformSandbox:
        return ShopeeSandbox(world)

    def connector_class(self) -> type[Connector]:
        return ShopeeConnector

    def token_grants(self, sandbox: PlatformSandbox) -> int:
        assert isinstance(sandbox, ShopeeSandbox)
        return sandbox.auth.refresh_calls
