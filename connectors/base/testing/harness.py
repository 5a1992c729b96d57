"""What the conformance kit needs to know about one connector and its sandbox."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, timedelta
from typing import Any, ClassVar

from connectors.base.protocol import Connector
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.truth import Summary, world_summary


class Harness(ABC):
    platform: ClassVar[str]
    page_size: ClassVar[int]  # records per list page the connector asks for
    max_window: ClassVar[timedelta | None]  # the platform's longest allowed time window, if any
    list_path: ClassVar[str]  # the order list endpoint (for request-log assertions)
    detail_path: ClassVar[str]  # an endpoint whose pages hold records (persistently-bad-page test)
    flavors: ClassVar[tuple[str, ...]] = ("",)  # shop flavors the kit runs against (e.g. tiktok, legacy)
    # Pushed streams the connector can also pull whole (a backfill, e.g. Grab's orders by day): the pull kit's
    # full-window and fault checks use them when the platform has no pull-only stream (Grab pulls no stock).
    backfill_streams: ClassVar[tuple[str, ...]] = ()
    world_config: ClassVar[WorldConfig] = WorldConfig(orders_per_day=6, days=21)

    @abstractmethod
    def sandbox(self, world: World) -> PlatformSandbox: ...

    @abstractmethod
    def connector_class(self) -> type[Connector]: ...

    @abstractmethod
    def token_grants(self, sandbox: PlatformSandbox) -> int:
        """How many token grant/refresh calls the sandbox has answered."""

    def corrupt_ids(self, world: World, shop_ref: str) -> dict[str, str]:
        """Per stream, one record id the sandbox should corrupt (``FaultPlan.corrupt_records``)."""
        orders = [o for o in world.orders_of(self.platform, shop_ref) if o.settlements]
        return {"orders": orders[0].order_ref, "settlements": orders[1].order_ref}

    def bad_connection(self, connection: dict[str, Any]) -> dict[str, Any]:
        """The same Connection with a wrong secret."""
        return {**connection, "password": "wrong-" + str(connection["password"])}

    def shops(self, world: World) -> list[str]:
        flavors = set(self.flavors)
        return [s.shop_ref for s in world.shops_on(self.platform) if s.flavor in flavors or flavors == {""}]

    def truth(self, world: World, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
        """The world's ground truth for ``stream`` as this platform can report it (default: the full truth).

        A platform whose API reports less than the world knows (GoBiz reports in/out of stock, not a quantity)
        overrides this with the projection of the world it can report; the comparison stays exact."""
        return world_summary(world, self.platform, shop_ref, stream, as_of)
