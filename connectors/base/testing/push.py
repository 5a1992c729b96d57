"""The conformance kit (push variant): subclass ``PushConformance`` with a ``harness``; every push-style
connector (GoBiz, Grab, and Shopee/TikTok push when they land events) must pass it unchanged.

The platform's sandbox plays the platform: its emitter delivers the world's events over real HTTP to the real
receiver app (``connectors.base.webhooks``) served on loopback, which lands them in a real database (SQLite,
and PostgreSQL when ``OMNIKOP_TEST_PG_URL`` is set). The landed pages go through ``connector.parse`` and are
compared with the world's ground truth. The pull guarantees that still apply (auth, token expiry, stock,
faults on pulls) stay with ``PullConformance``.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
from sqlalchemy import Engine, func, select

from connectors.base.connection import connection_json, env_var_name, parse_connection
from connectors.base.landing import RawPage, as_landed, land_page
from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed, Rejected
from connectors.base.sandbox.emitter import DeliveryResult, EmitOptions, PushEmitter
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.settlement_files import import_settlement_file
from connectors.base.testing.conformance import FAST_BUDGET
from connectors.base.testing.truth import Summary, mismatch, parsed_summary, world_summary
from connectors.base.tokens import TokenStore
from connectors.base.webhooks import PushEvent, PushShop, Receiver, build_app
from foundation.db import make_engine, transaction


class PushHarness(ABC):
    """What the push kit needs to know about one push-style connector and its sandbox."""

    platform: ClassVar[str]
    world_config: ClassVar[WorldConfig] = WorldConfig(orders_per_day=5, days=6)
    personal_data: ClassVar[tuple[str, ...]] = ()  # strings the sandbox puts in events that must never land
    # False for a platform without settlement reports (WhatsApp: payments are confirmed by the operator); its
    # own tests then check its settlements against the world instead.
    settlement_files: ClassVar[bool] = True

    @abstractmethod
    def sandbox(self, world: World) -> PlatformSandbox: ...

    @abstractmethod
    def connector_class(self) -> type[Connector]: ...

    @abstractmethod
    def emitter(self, sandbox: PlatformSandbox) -> PushEmitter: ...

    @abstractmethod
    def settlement_report(self, sandbox: PlatformSandbox, shop_ref: str, kind: str) -> bytes:
        """The shop's settlement report file over the whole world history, as the portal exports it."""

    def follow_up(self, connector: Connector, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        """Pages to fetch because pushes only hinted at a change (Grab state pushes name an order, nothing
        more); the receiver lands the push, a task fetches the order. Default: pushes carry everything."""
        return iter(())

    def shops(self, world: World) -> list[str]:
        return [shop.shop_ref for shop in world.shops_on(self.platform)]

    def truth(self, world: World, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
        return world_summary(world, self.platform, shop_ref, stream, as_of)


@dataclass
class PushEnv:
    harness: PushHarness
    world: World
    sandbox: PlatformSandbox
    sandbox_url: str
    receiver: Receiver
    receiver_url: str

    @property
    def engine(self) -> Engine:
        return self.receiver.engine

    def deliver(self, shop_ref: str, url: str | None = None, **options: Any) -> list[DeliveryResult]:
        return self.harness.emitter(self.sandbox).deliver(url or self.receiver_url, shop_ref, EmitOptions(**options))

    def connector(self, shop_ref: str) -> Connector:
        connection = self.sandbox.connection_for(shop_ref, self.sandbox_url)
        spec = parse_connection(f"{self.harness.platform}_{shop_ref}", connection_json(**connection))
        flavor = self.world.shop(self.harness.platform, shop_ref).flavor or None
        tokens = TokenStore(self.engine, self.harness.platform, shop_ref)
        context = ConnectorContext(shop_ref, spec, tokens, flavor, timeout=(2.0, 5.0), budget=FAST_BUDGET)
        return self.harness.connector_class()(context)

    def pages(self, shop_ref: str | None = None, stream: str | None = None) -> list[LandedPage]:
        with transaction(self.engine) as session:
            query = select(RawPage).where(RawPage.platform == self.harness.platform).order_by(RawPage.id)
            if shop_ref is not None:
                query = query.where(RawPage.shop_ref == shop_ref)
            if stream is not None:
                query = query.where(RawPage.stream == stream)
            return [as_landed(row) for row in session.scalars(query)]

    def events_recorded(self) -> int:
        with transaction(self.engine) as session:
            return session.scalar(select(func.count()).select_from(PushEvent)) or 0

    def process(self, shop_ref: str) -> tuple[list[Parsed], list[Rejected]]:
        """What the mapping pipeline does with a shop's landed pages: follow-ups landed, then all parsed."""
        connector = self.connector(shop_ref)
        follow_ups = list(self.harness.follow_up(connector, self.pages(shop_ref)))
        with transaction(self.engine) as session:
            for page in follow_ups:
                land_page(session, self.harness.platform, shop_ref, page)
        records = [record for page in self.pages(shop_ref) for record in connector.parse(page)]
        return [r for r in records if not isinstance(r, Rejected)], [r for r in records if isinstance(r, Rejected)]

    def truth(self, shop_ref: str, stream: str) -> Summary:
        return self.harness.truth(self.world, shop_ref, stream)


@contextmanager
def push_env(harness: PushHarness, world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PushEnv]:
    """The platform's sandbox and the real receiver, each on loopback, with the shops' Connections in the
    environment exactly as ``omnikop webhooks serve`` reads them."""
    sandbox = harness.sandbox(world)
    engine = make_engine(db_url)
    with SandboxServer(sandbox.app) as platform_server:
        shops = []
        for shop_ref in harness.shops(world):
            conn_id = f"{harness.platform}_{shop_ref}".replace("-", "_")
            connection = connection_json(**sandbox.connection_for(shop_ref, platform_server.url))
            monkeypatch.setenv(env_var_name(conn_id), connection)
            shops.append(PushShop(harness.platform, shop_ref, conn_id))
        receiver = Receiver(engine, shops)
        with SandboxServer(build_app(receiver)) as receiver_server:
            yield PushEnv(harness, world, sandbox, platform_server.url, receiver, receiver_server.url)
    engine.dispose()


class PushConformance:
    harness: ClassVar[PushHarness]

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls) -> World:
        return World.generate(cls.harness.world_config)

    @pytest.fixture
    def env(self, world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PushEnv]:
        with push_env(self.harness, world, db_url, monkeypatch) as env:
            yield env

    # --- delivery ---------------------------------------------------------------------------------------

    def test_every_order_reaches_its_latest_state_once_despite_duplicates_and_reordering(self, env: PushEnv) -> None:
        for shop in self.harness.shops(env.world):
            recorded = env.events_recorded()
            results = env.deliver(shop, duplicates=True, reorder=True, seed=len(shop))
            assert results and all(r.status == 200 for r in results), {r.status for r in results}
            assert any(r.duplicate for r in results), "the emitter sent no duplicate: the check would be vacuous"
            distinct = {r.event_id for r in results}
            assert len(env.pages(shop)) == len(distinct), "every event lands exactly once, duplicates land nothing"
            assert env.events_recorded() - recorded == len(distinct)
            records, rejected = env.process(shop)
            assert rejected == [], rejected[:3]
            assert parsed_summary(records, "orders") == env.truth(shop, "orders"), shop
            landed = len(env.pages(shop))
            replay = env.deliver(shop, seed=99)  # the platform replays everything (e.g. after an outage)
            assert all(r.status == 200 for r in replay) and len(env.pages(shop)) == landed

    def test_forged_deliveries_are_refused_and_leave_no_trace(self, env: PushEnv) -> None:
        shop = self.harness.shops(env.world)[0]
        emitter = self.harness.emitter(env.sandbox)
        for emission in emitter.events(shop)[:5]:
            body, headers = emitter.forge(emission)
            answer = requests.post(emitter.url(env.receiver_url, emission), data=body, headers=headers, timeout=10)
            assert answer.status_code == 401, answer.status_code
            unsigned = requests.post(emitter.url(env.receiver_url, emission), data=emission.body, timeout=10)
            assert unsigned.status_code == 401, unsigned.status_code
        assert env.pages() == [] and env.events_recorded() == 0, "a refused delivery left a trace"
        results = env.deliver(shop, forged=6, reorder=True, seed=3)  # forged copies interleaved with real ones
        assert sorted(r.status for r in results if r.forged) == [401] * 6
        records, rejected = env.process(shop)
        assert not (why := mismatch(records, rejected, "orders", env.truth(shop, "orders"))), why

    def test_oversize_bodies_are_refused_with_413(self, env: PushEnv) -> None:
        shop = self.harness.shops(env.world)[0]
        emitter = self.harness.emitter(env.sandbox)
        emission = emitter.events(shop)[0]
        huge = emission.body[:-1] + b', "padding": "' + b"x" * env.receiver.max_body + b'"}'
        with requests.Session() as session:
            headers = {"Content-Type": "application/json", **emitter.authenticate(session, env.receiver_url, emission)}
            url = emitter.url(env.receiver_url, emission)
            declared = session.post(url, data=huge, headers=headers, timeout=10)
            chunked = session.post(url, data=iter([huge]), headers=headers, timeout=10)
        assert (declared.status_code, chunked.status_code) == (413, 413)
        assert env.pages() == [] and env.events_recorded() == 0

    def test_a_landing_failure_answers_5xx_and_the_redelivery_lands(self, env: PushEnv, tmp_path: Path) -> None:
        shop = self.harness.shops(env.world)[0]
        broken = Receiver(make_engine(f"sqlite:///{tmp_path}/no-tables.db"), env.receiver.shops)
        with SandboxServer(build_app(broken)) as broken_server:
            failed = env.deliver(shop, url=broken_server.url)
        assert failed and {r.status for r in failed} == {503}, {r.status for r in failed}
        assert env.pages() == []
        retried = env.deliver(shop)  # the platform retries what was not acknowledged
        assert all(r.status == 200 for r in retried)
        records, rejected = env.process(shop)
        assert not (why := mismatch(records, rejected, "orders", env.truth(shop, "orders"))), why

    def test_secrets_and_personal_data_never_reach_logs_or_landing(
        self, env: PushEnv, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        shop = self.harness.shops(env.world)[0]
        env.deliver(shop, duplicates=True, forged=3, seed=5)
        env.process(shop)
        connection = env.sandbox.connection_for(shop, env.sandbox_url)
        secrets = parse_connection("c", connection_json(**connection)).secret_values()
        landed = b" ".join(page.body + repr(page.request).encode() for page in env.pages())
        assert landed and secrets
        for secret in filter(lambda value: len(value) >= 6, secrets):
            assert secret not in caplog.text and secret.encode() not in landed, "a secret leaked"
        for personal in self.harness.personal_data:
            assert personal.encode() not in landed and personal not in caplog.text, f"{personal!r} was kept"

    def test_a_malformed_event_is_quarantined_never_dropped(self, env: PushEnv) -> None:
        shop = self.harness.shops(env.world)[0]
        bad = env.world.orders_of(self.harness.platform, shop)[1].order_ref
        env.sandbox.state.faults.update({"corrupt_records": [bad]})
        assert all(r.status == 200 for r in env.deliver(shop))
        records, rejected = env.process(shop)
        assert rejected and {r.record_key for r in rejected} == {bad} and all(r.reason for r in rejected)
        truth = {ref: value for ref, value in env.truth(shop, "orders").items() if ref != bad}
        assert {k: v for k, v in parsed_summary(records, "orders").items() if k != bad} == truth

    # --- settlement files -------------------------------------------------------------------------------

    @pytest.mark.parametrize("kind", ["settlement_report_csv", "settlement_report_xlsx"])
    def test_settlement_reports_parse_to_the_ground_truth(self, env: PushEnv, kind: str, tmp_path: Path) -> None:
        if not self.harness.settlement_files:
            pytest.skip(f"{self.harness.platform} has no settlement report files")
        for shop in self.harness.shops(env.world):
            path = tmp_path / f"{shop}.{kind.rsplit('_', 1)[1]}"
            path.write_bytes(self.harness.settlement_report(env.sandbox, shop, kind))
            first = import_settlement_file(env.engine, self.harness.platform, path)
            assert first.new and first.shop_ref == shop
            again = import_settlement_file(env.engine, self.harness.platform, path)
            assert not again.new and again.page_id == first.page_id, "a file imported twice landed twice"
            connector = env.connector(shop)
            records = [r for page in env.pages(shop, "settlements") for r in connector.parse(page)]
            assert [r for r in records if isinstance(r, Rejected)] == []
            assert parsed_summary(records, "settlements") == env.truth(shop, "settlements"), shop
