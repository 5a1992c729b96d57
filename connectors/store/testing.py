"""The store's harness for the structural conformance kit (a store has no API: the pull kit does not apply;
the POS importer's own tests in tests/connectors/store/ check its data against hand-worked files)."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from connectors.base.protocol import Connector
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.store.connector import StoreConnector
from connectors.store.sandbox import StoreSandbox


class StoreHarness(Harness):
    platform = "store"
    page_size = 1
    max_window: ClassVar[timedelta | None] = None
    list_path = "/v1/exports/pos"
    detail_path = "/v1/exports/pos"
    world_config = WorldConfig(orders_per_day=6, days=3, platforms=("store",))

    def sandbox(self, world: World) -> PlatformSandbox:
        return StoreSandbox(world)

    def connector_class(self) -> type[Connector]:
        return StoreConnector

    def token_grants(self, sandbox: PlatformSandbox) -> int:
        return 0  # a store has no tokens
