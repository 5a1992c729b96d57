"""One tiny platform instance for the fault matrix: a seeded world, its sandbox on loopback, the omnikop data a
cooperative would have before its first sync (members, mappings; for push platforms the delivered webhooks and
imported settlement files), and the pipeline run in-process exactly as ``omnikop sync`` runs it.

Every cell gets its own sandbox (same seed, so the same world): faults, single-use refresh tokens and request
logs never leak from one cell into the next. The database starts from a prepared copy, not from scratch, so a
cell costs one sync and one re-run.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import Engine

from connectors.base.connection import connection_json, env_var_name, parse_connection
from connectors.base.http import RetryBudget
from connectors.base.protocol import Connector, ConnectorContext
from connectors.base.registry import connector_class
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.emitter import DeliveryResult, EmitOptions
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.settlement_files import import_settlement_file
from connectors.base.tokens import TokenStore
from connectors.base.webhooks import PushShop, Receiver, build_app
from connectors.base.windows import Window
from core_mapping.csv_io import import_mappings
from foundation.config import OmnikopConfig, parse_config
from foundation.db import transaction
from members.csv_io import import_members
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from sync.pipeline import sync_shop
from sync.posting import RunSummary

PLATFORMS = ("shopee", "tokopedia", "gojek", "grab", "whatsapp")
PUSH_PLATFORMS = ("gojek", "grab", "whatsapp")
# Platforms omnikop never calls (orders pushed, payments confirmed by the operator): API faults cannot happen there.
NO_API_PLATFORMS = ("whatsapp",)

# Read timeout below the sandbox's ``slow_seconds`` (0.6 s) so a slow answer really times out; the budget keeps
# the client's real retry loop (attempts, backoff, Retry-After honoured up to ``max_retry_after``) but in
# milliseconds, so the whole matrix fits its time budget. Production keeps the defaults of ``RetryBudget``.
CLIENT_TIMEOUT = (2.0, 0.4)
TEST_BUDGET = RetryBudget(attempts=6, seconds=20, backoff_initial=0.01, backoff_max=0.05, max_retry_after=0.05)


# Records per list page the pull clients ask for (Connection extra ``page_size``): small, so every list is several
# pages and the faults that live between pages (a record on two pages, expiry mid-pagination) really happen.
PAGE_SIZE = 5


def world_config(platform: str) -> WorldConfig:
    """Two shops (one shared by three members), a dozen orders each, late refunds and withdrawals included."""
    return WorldConfig(days=2, orders_per_day=3, platforms=(platform,))


@dataclass
class Instance:
    """A platform sandbox serving one seeded world on loopback, and connectors pointed at it."""

    platform: str
    world: World
    sandbox: PlatformSandbox
    url: str

    @property
    def shops(self) -> list[str]:
        return self.sandbox.shop_refs()

    def connection(self, shop_ref: str) -> str:
        connection = self.sandbox.connection_for(shop_ref, self.url)
        return connection_json(**{**connection, "extra": {**connection.get("extra", {}), "page_size": PAGE_SIZE}})

    def connector(self, engine: Engine, shop_ref: str) -> Connector:
        return make_connector(self.platform, engine, shop_ref, self.connection(shop_ref), self.flavor(shop_ref))

    def flavor(self, shop_ref: str) -> str | None:
        return self.world.shop(self.platform, shop_ref).flavor or None

    def window(self) -> Window:
        return full_window(self.world)

    def config(self, db_url: str) -> OmnikopConfig:
        return config_for(self.world, self.platform, db_url)

    def faults_seen(self, name: str) -> int:
        return sum(1 for request in self.sandbox.state.requests if name in request["faults"])


def make_connector(platform: str, engine: Engine, shop_ref: str, connection: str, flavor: str | None) -> Connector:
    spec = parse_connection(conn_id(platform, shop_ref), connection)
    context = ConnectorContext(
        shop_ref, spec, TokenStore(engine, platform, shop_ref), flavor, timeout=CLIENT_TIMEOUT, budget=TEST_BUDGET
    )
    return connector_class(platform)(context)


def full_window(world: World) -> Window:
    start = datetime.combine(world.config.start, datetime.min.time(), UTC) - timedelta(days=1)
    return Window(start, world.as_of)


def config_for(world: World, platform: str, db_url: str) -> OmnikopConfig:
    return parse_config({"database": {"url": db_url}, "shops": shop_configs(world, platforms=[platform])})


# The world's clock two weeks after its last order: every order settled, a late refund or two, withdrawals; the
# sync window (a day before the first order up to the clock) then needs two of Shopee's 15-day windows, not four.
CLOCK_AFTER_END = timedelta(days=14)


@contextmanager
def serve(platform: str) -> Iterator[Instance]:
    world = World.generate(world_config(platform))
    world.as_of = world.end + CLOCK_AFTER_END
    sandbox = sandbox_class(platform)(world)
    with SandboxServer(sandbox.app) as server:
        yield Instance(platform, world, sandbox, server.url)


def sync(engine: Engine, instance: Instance, shops: Sequence[str] | None = None) -> RunSummary:
    """``omnikop sync`` for every shop (or ``shops``) of the instance over the whole world history."""
    config, total = instance.config(str(engine.url)), RunSummary()
    for shop in shops or instance.shops:
        total.add(sync_shop(engine, config, instance.connector(engine, shop), instance.window()))
    return total


def prepare(engine: Engine, instance: Instance, pushes: EmitOptions | None = EmitOptions()) -> None:
    """What exists before the first sync: members and mappings; for push platforms, every webhook delivered
    through the real receiver (as ``pushes`` says; ``None``: none yet) and the settlement report files imported
    (push platforms offer no pull for orders and settlements)."""
    with transaction(engine) as session:
        import_members(session, io.StringIO(members_csv(instance.world)))
        import_mappings(session, io.StringIO(mappings_csv(instance.world, platforms=[instance.platform])))
    if instance.platform in PUSH_PLATFORMS and pushes is not None:
        deliver_pushes(engine, instance, pushes)


def deliver_pushes(engine: Engine, instance: Instance, options: EmitOptions) -> list[DeliveryResult]:
    """Every shop's webhooks through the real receiver on loopback (forged ones must get 401), then the settlement
    files imported, or, for a channel without them (WhatsApp), the world's payments confirmed."""
    platform, shops = instance.platform, instance.shops
    delivered: list[DeliveryResult] = []
    connections = {env_var_name(conn_id(platform, shop)): instance.connection(shop) for shop in shops}
    receiver = Receiver(engine, [PushShop(platform, shop, conn_id(platform, shop)) for shop in shops])
    with mock.patch.dict(os.environ, connections), SandboxServer(build_app(receiver)) as server:
        emitter: Any = instance.sandbox.emitter  # type: ignore[attr-defined]
        for shop in shops:
            results = emitter.deliver(server.url, shop, options)
            authentic = [r.status for r in results if not r.forged]
            assert authentic and all(200 <= status < 300 for status in authentic), set(authentic)
            assert all(r.status == 401 for r in results if r.forged), {r.status for r in results if r.forged}
            delivered += results
    if hasattr(instance.sandbox, "payments"):
        confirm_payments(engine, instance)
        return delivered
    start = datetime.combine(instance.world.config.start, datetime.min.time(), UTC) - timedelta(days=1)
    with tempfile.TemporaryDirectory() as folder:
        for shop in shops:
            report = instance.sandbox.settlement_report(  # type: ignore[attr-defined]
                shop, "settlement_report_csv", start, instance.world.as_of + timedelta(seconds=1)
            )
            path = Path(folder) / f"{platform}-{shop}-settlements.csv"
            path.write_bytes(report)
            assert import_settlement_file(engine, platform, path, shop).new
    return delivered


def confirm_payments(engine: Engine, instance: Instance) -> None:
    """What the operator does for a channel without a partner settlement: ``omnikop orders confirm`` (landing
    only, as ``--land-only``) for every payment the world received; a confirmation already landed adds nothing."""
    from connectors.whatsapp.confirm import confirm_payment

    for shop in instance.shops:
        for payment in instance.sandbox.payments(shop):  # type: ignore[attr-defined]
            confirm_payment(
                engine, shop, payment.order_ref, payment.method, reference=payment.reference, at=payment.paid_at
            )
