"""The GoBiz conformance harnesses: pull (auth, token, catalog stock, faults) and push (webhooks, files)."""

from __future__ import annotations

from datetime import datetime, timedelta

from connectors.base.protocol import Connector
from connectors.base.sandbox.emitter import PushEmitter
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.base.testing.push import PushHarness
from connectors.base.testing.truth import Summary, world_summary
from connectors.gojek.connector import GojekConnector
from connectors.gojek.sandbox import GojekSandbox

WORLD = WorldConfig(orders_per_day=5, days=6, platforms=("gojek",))


def availability_truth(world: World, shop_ref: str, as_of: datetime | None) -> Summary:
    """GoBiz reports in/out of stock only: the world's levels projected onto 1 (in stock) / 0 (out)."""
    levels = world_summary(world, "gojek", shop_ref, "stock", as_of)
    return {sku: 1 if int(level) > 0 else 0 for sku, level in levels.items()}  # type: ignore[call-overload]


class GojekHarness(Harness):
    platform = "gojek"
    page_size = 0  # no order list: orders are pushed
    max_window = None
    list_path = "/v2/catalog"
    detail_path = "/v2/catalog"
    world_config = WORLD

    def sandbox(self, world: World) -> PlatformSandbox:
        return GojekSandbox(world)

    def connector_class(self) -> type[Connector]:
        return GojekConnector

    def token_grants(self, sandbox: PlatformSandbox) -> int:
        assert isinstance(sandbox, GojekSandbox)
        return sandbox.auth.grants

    def corrupt_ids(self, world: World, shop_ref: str) -> dict[str, str]:
        return {"stock": world.products_of("gojek", shop_ref)[0].sku_ref}

    def truth(self, world: World, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
        if stream == "stock":
            return availability_truth(world, shop_ref, as_of)
        return world_summary(world, self.platform, shop_ref, stream, as_of)


class GojekPushHarness(PushHarness):
    platform = "gojek"
    world_config = WORLD
    personal_data = ("Budi Santoso", "Agus Driver", "jangan pedas")

    def sandbox(self, world: World) -> PlatformSandbox:
        return GojekSandbox(world)

    def connector_class(self) -> type[Connector]:
        return GojekConnector

    def emitter(self, sandbox: PlatformSandbox) -> PushEmitter:
        assert isinstance(sandbox, GojekSandbox)
        return sandbox.emitter

    def settlement_report(self, sandbox: PlatformSandbox, shop_ref: str, kind: str) -> bytes:
        assert isinstance(sandbox, GojekSandbox)
        start = datetime.combine(sandbox.world.config.start, datetime.min.time()).astimezone() - timedelta(days=1)
        return sandbox.settlement_report(shop_ref, kind, start, sandbox.world.as_of + timedelta(seconds=1))
