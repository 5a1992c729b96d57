"""The Grab conformance harnesses: pull (auth, token, faults on the by-day order backfill; Grab has no stock to
pull) and push (partner-token webhooks,
state pushes followed by a re-fetch, settlement report files)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from connectors.base.protocol import Connector, FetchedPage, LandedPage
from connectors.base.sandbox.emitter import PushEmitter
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.base.testing.push import PushHarness
from connectors.grab.connector import GrabConnector
from connectors.grab.sandbox import GrabSandbox

WORLD = WorldConfig(orders_per_day=5, days=6, platforms=("grab",))


class GrabHarness(Harness):
    platform = "grab"
    page_size = 10
    max_window = None
    list_path = "/partner/v1/orders"
    detail_path = "/partner/v1/orders"
    backfill_streams = ("orders",)  # orders are pushed; the by-day list is their backfill
    world_config = WORLD

    def sandbox(self, world: World) -> PlatformSandbox:
        return GrabSandbox(world)

    def connector_class(self) -> type[Connector]:
        return GrabConnector

    def token_grants(self, sandbox: PlatformSandbox) -> int:
        assert isinstance(sandbox, GrabSandbox)
        return sandbox.auth.grants

    def corrupt_ids(self, world: World, shop_ref: str) -> dict[str, str]:
        orders = [o for o in world.orders_of("grab", shop_ref) if o.settlements]
        return {"orders": orders[0].order_ref}


class GrabPushHarness(PushHarness):
    platform = "grab"
    world_config = WORLD
    personal_data = ("Budi Santoso", "+6281234567890", "Jl. Melati", "rumah pagar hijau")

    def sandbox(self, world: World) -> PlatformSandbox:
        return GrabSandbox(world)

    def connector_class(self) -> type[Connector]:
        return GrabConnector

    def emitter(self, sandbox: PlatformSandbox) -> PushEmitter:
        assert isinstance(sandbox, GrabSandbox)
        return sandbox.emitter

    def follow_up(self, connector: Connector, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        return connector.follow_ups(pages)

    def settlement_report(self, sandbox: PlatformSandbox, shop_ref: str, kind: str) -> bytes:
        assert isinstance(sandbox, GrabSandbox)
        start = datetime.combine(sandbox.world.config.start, datetime.min.time()).astimezone() - timedelta(days=1)
        return sandbox.settlement_report(shop_ref, kind, start, sandbox.world.as_of + timedelta(seconds=1))
