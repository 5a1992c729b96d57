"""Two channels on loopback sharing one world: a Shopee and a TikTok Shop sandbox, with one product of the
cooperative (P-KOPI) listed on a Shopee shop and a TikTok shop, so both channels draw on one true stock."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine

from connectors.base.connection import connection_json
from connectors.base.protocol import Connector
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import Product, World, WorldConfig
from core_mapping.csv_io import import_mappings
from foundation.config import OmnikopConfig, parse_config
from foundation.db import transaction
from members.csv_io import import_members
from omnikop.demo.fixtures import members_csv
from tests.reliability.bench import make_connector

PRODUCT = "P-KOPI"


@dataclass
class Channels:
    world: World
    sandboxes: dict[str, PlatformSandbox]
    urls: dict[str, str]
    listings: dict[str, Product]  # platform → the world listing of P-KOPI there

    def shop(self, platform: str) -> str:
        return self.listings[platform].shop_ref

    def connection(self, platform: str) -> str:
        connection = self.sandboxes[platform].connection_for(self.shop(platform), self.urls[platform])
        # The sandbox has no partner rate limit; Grab's batch-menu pool (1 rps) is lifted like the client's own.
        extra = {**connection.get("extra", {}), "batch_menu_per_second": 1000}
        return connection_json(**{**connection, "extra": extra})

    def connector(self, engine: Engine, platform: str) -> Connector:
        flavor = self.world.shop(platform, self.shop(platform)).flavor or None
        return make_connector(platform, engine, self.shop(platform), self.connection(platform), flavor)

    def shown(self, platform: str) -> int | None:
        listing = self.listings[platform]
        return self.world.listings.shown(platform, listing.shop_ref, listing.sku_ref)

    def config(self, **stock: object) -> OmnikopConfig:
        return parse_config(self.config_raw(**stock))

    def config_raw(self, **stock: object) -> dict[str, object]:
        shops = [
            {"platform": p, "shop_ref": self.shop(p), "conn_id": f"{p}_{self.shop(p)}"}
            | ({"flavor": "tiktok"} if p == "tokopedia" else {})
            for p in self.listings
        ]
        return {"shops": shops, "stock": stock}

    def setup_books(self, engine: Engine) -> None:
        rows = "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
        owner = next(iter(self.listings.values())).member_no
        for platform, listing in self.listings.items():
            rows += (
                f"sku,{platform},{listing.shop_ref},{listing.sku_ref},{listing.seller_sku},{PRODUCT},Kopi Gayo,{owner},"
                "2020-01-01,,\n"
            )
        with transaction(engine) as session:
            import_members(session, io.StringIO(members_csv(self.world)))
            import_mappings(session, io.StringIO(rows))


@contextmanager
def serve_channels(platforms: tuple[str, ...] = ("shopee", "tokopedia")) -> Iterator[Channels]:
    world = World.generate(WorldConfig(days=1, orders_per_day=1, platforms=platforms))
    sandboxes = {platform: sandbox_class(platform)(world) for platform in platforms}
    listings = {}
    for platform in platforms:
        shop = next(s for s in world.shops_on(platform) if s.flavor in ("", "tiktok", "food"))
        listings[platform] = world.products_of(platform, shop.shop_ref)[0]
    with ExitStack() as stack:
        urls = {p: stack.enter_context(SandboxServer(s.app)).url for p, s in sandboxes.items()}
        yield Channels(world, sandboxes, urls, listings)
