"""The conformance kit (pull variant): subclass ``PullConformance`` with a ``harness`` and pytest runs it all.

Every check works against the platform's sandbox over real HTTP on loopback and compares with the world's
ground truth. Each fault check also asserts that the fault was really injected, so no check passes vacuously.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from connectors.base.connection import connection_json, parse_connection
from connectors.base.errors import AuthError
from connectors.base.http import RetryBudget
from connectors.base.landing import Lander, RawPage, landed_page
from connectors.base.protocol import Connector, ConnectorContext
from connectors.base.records import Parsed, Rejected
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World
from connectors.base.testing.harness import Harness
from connectors.base.testing.truth import Summary, mismatch, parsed_summary
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from foundation.db import Base, make_engine, transaction

FAST_BUDGET = RetryBudget(attempts=6, seconds=30, backoff_initial=0.05, backoff_max=0.5)
# The secrets check needs retries to log, not their waits: the sandbox still sends its ``Retry-After: 1`` and the
# client still reads it, capped by the budget's own ``max_retry_after`` (the 429 fault test still waits the hint out).
FAST_HINTS = replace(FAST_BUDGET, max_retry_after=0.05)


# Query parameters that change with every request (request signing), so a page fetched twice differs in them.
SIGNATURE_PARAMS = frozenset({"timestamp", "sign", "access_token"})


@dataclass
class KitEnv:
    harness: Harness
    world: World
    sandbox: PlatformSandbox
    url: str
    db_url: str
    engine: Any = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.db_url)
        Base.metadata.create_all(self.engine)

    def connection(self, shop_ref: str) -> dict[str, Any]:
        return self.sandbox.connection_for(shop_ref, self.url)

    def connector(self, shop_ref: str, connection: dict[str, Any] | None = None, **context: Any) -> Connector:
        spec = parse_connection(
            f"{self.harness.platform}_{shop_ref}", connection_json(**(connection or self.connection(shop_ref)))
        )
        flavor = self.world.shop(self.harness.platform, shop_ref).flavor or None
        options = {"timeout": (2.0, 1.0), "budget": FAST_BUDGET, **context}
        return self.harness.connector_class()(
            ConnectorContext(
                shop_ref, spec, TokenStore(self.engine, self.harness.platform, shop_ref), flavor, **options
            )
        )

    def window(self, start: datetime | None = None, end: datetime | None = None) -> Window:
        return Window(
            start or datetime.combine(self.world.config.start, datetime.min.time(), UTC) - timedelta(days=1),
            end or self.world.as_of,
        )

    def pull(self, connector: Connector, stream: str, window: Window) -> tuple[list[Parsed], list[Rejected], int]:
        summary = Lander(self.engine, connector).run(stream, window)
        return (*self.parse(connector, summary.page_ids or []), summary.pages)

    def parse(self, connector: Connector, page_ids: list[int]) -> tuple[list[Parsed], list[Rejected]]:
        records: list[Parsed] = []
        with transaction(self.engine) as session:
            for page_id in page_ids:
                records.extend(connector.parse(landed_page(session, page_id)))
        return [r for r in records if not isinstance(r, Rejected)], [r for r in records if isinstance(r, Rejected)]

    def truth(self, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
        return self.harness.truth(self.world, shop_ref, stream, as_of)

    def faults_seen(self, name: str) -> int:
        return sum(1 for request in self.sandbox.state.requests if name in request["faults"])


class PullConformance:
    harness: ClassVar[Harness]

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls) -> World:
        return World.generate(cls.harness.world_config)

    @pytest.fixture
    def env(self, world: World, tmp_path: Path) -> Iterator[KitEnv]:
        world.as_of = world.end + timedelta(days=40)
        sandbox = self.harness.sandbox(world)
        with SandboxServer(sandbox.app) as server:
            yield KitEnv(self.harness, world, sandbox, server.url, f"sqlite:///{tmp_path}/kit.db")

    def streams(self) -> list[str]:
        cls = self.harness.connector_class()
        return [s for s in cls.streams if s not in cls.push_streams]

    def pulled_streams(self) -> list[str]:
        """Pull-only streams, else the pushed streams the harness says the connector backfills by pulling."""
        return self.streams() or list(self.harness.backfill_streams)

    def require_pulled(self, stream: str) -> None:
        """Skip a check about pulling ``stream`` when the platform pushes it (``PushConformance`` covers it)."""
        if stream not in self.streams():
            pytest.skip(f"{self.harness.platform} pushes {stream}; its guarantees are checked by PushConformance")

    def fault_streams(self) -> list[str]:
        """Streams the fault checks pull: orders and settlements where pulled, else every pulled stream."""
        return [s for s in ("orders", "settlements") if s in self.streams()] or self.pulled_streams()

    # --- auth ------------------------------------------------------------------------------------------

    def test_auth_works_and_bad_credentials_fail_cleanly(self, env: KitEnv, caplog: pytest.LogCaptureFixture) -> None:
        shop = self.harness.shops(env.world)[0]
        env.connector(shop).check()
        bad = self.harness.bad_connection(env.connection(shop))
        caplog.set_level(logging.DEBUG)
        with pytest.raises(AuthError) as raised:
            env.connector(shop, bad).check()
        leaked = [s for s in (str(bad["password"]), *map(str, bad.get("extra", {}).values())) if len(s) >= 6]
        assert not any(secret in str(raised.value) or secret in caplog.text for secret in leaked)

    # --- full pulls --------------------------------------------------------------------------------------

    def test_full_window_pull_equals_ground_truth(self, env: KitEnv) -> None:
        assert self.pulled_streams(), f"{self.harness.platform} pulls nothing: name its backfill_streams"
        for shop in self.harness.shops(env.world):
            connector = env.connector(shop)
            for stream in self.pulled_streams():
                records, rejected, _ = env.pull(connector, stream, env.window())
                assert rejected == [], f"{shop} {stream}: {rejected[:3]}"
                assert parsed_summary(records, stream) == env.truth(shop, stream), f"{shop} {stream} differs from truth"

    def test_pagination_boundaries(self, env: KitEnv) -> None:
        """Exactly one page, page size ± 1 and an empty window each give the right records and page count."""
        self.require_pulled("orders")
        shop = self.harness.shops(env.world)[0]
        as_of = env.world.as_of
        orders = sorted(
            env.world.orders_of(self.harness.platform, shop), key=lambda o: (o.updated_at(as_of), o.order_ref)
        )
        size = self.harness.page_size
        assert len(orders) > size + 1, "the kit's world needs more orders than one page"
        for count in (0, 1, size - 1, size, size + 1):
            start = orders[0].updated_at(as_of)
            window = Window(start, orders[count].updated_at(as_of) if count else start)
            before = len(env.sandbox.state.requests_to(self.harness.list_path))
            records, rejected, _ = env.pull(env.connector(shop), "orders", window)
            expected = {o.order_ref for o in orders if window.contains(o.updated_at(as_of))}
            assert not rejected and len(expected) == count
            assert {r.order_ref for r in records} == expected  # type: ignore[union-attr]
            chunks = list(window.split(self.harness.max_window)) if self.harness.max_window else [window] * bool(count)
            per_chunk = [sum(1 for o in orders if chunk.contains(o.updated_at(as_of))) for chunk in chunks]
            expected_calls = sum(max(1, -(-n // size)) for n in per_chunk)
            assert len(env.sandbox.state.requests_to(self.harness.list_path)) - before == expected_calls, count

    def test_long_windows_are_split_to_the_platform_limit(self, env: KitEnv) -> None:
        self.require_pulled("orders")
        if self.harness.max_window is None:
            pytest.skip(f"{self.harness.platform} documents no maximum window")
        shop = self.harness.shops(env.world)[0]
        window = env.window()
        assert window.end - window.start > self.harness.max_window * 2
        records, _, _ = env.pull(env.connector(shop), "orders", window)
        assert parsed_summary(records, "orders") == env.truth(shop, "orders")
        assert len(env.sandbox.state.requests_to(self.harness.list_path)) >= 3

    def test_incremental_pull_with_lookback_returns_late_updates(self, env: KitEnv) -> None:
        """An update made shortly before a run's end but published later is caught by the next run's lookback."""
        self.require_pulled("orders")
        shop = self.harness.shops(env.world)[0]
        final_as_of, lag = env.world.as_of, timedelta(hours=2)
        orders = sorted(env.world.orders_of(self.harness.platform, shop), key=lambda o: o.updated_at(final_as_of))
        boundary = orders[len(orders) // 2].updated_at(final_as_of) + timedelta(seconds=1)
        env.world.as_of = boundary - lag  # run 1 happens while the platform has not yet published the last 2 h
        connector = env.connector(shop)
        first, _, _ = env.pull(connector, "orders", env.window(end=boundary))
        env.world.as_of = final_as_of
        plain, _, _ = env.pull(connector, "orders", Window(boundary, final_as_of))
        truth = env.truth(shop, "orders")
        assert parsed_summary(first + plain, "orders") != truth, "without lookback the late update must be missed"
        looked_back, _, _ = env.pull(connector, "orders", Window(boundary, final_as_of).with_lookback(lag * 2))
        assert parsed_summary(first + looked_back, "orders") == truth

    def test_resume_after_crash_fetches_no_completed_page_twice(self, env: KitEnv) -> None:
        self.require_pulled("orders")
        shop = self.harness.shops(env.world)[0]
        window = env.window()
        pages = Lander(env.engine, env.connector(shop)).pull("orders", window)
        landed = 0
        for page in pages:
            landed += 1
            if landed >= 2 and page.checkpointed:
                break  # the worker dies right after a checkpointed page
        pages.close()
        requests_before = len(env.sandbox.state.requests)
        connector = env.connector(shop)
        summary = Lander(env.engine, connector).run("orders", window)
        assert summary.resumed and requests_before > 0
        requests = [
            tuple(sorted((k, v) for k, v in r["params"].items() if k not in SIGNATURE_PARAMS))
            for r in env.sandbox.state.requests_to(self.harness.list_path)
        ]
        assert len(requests) == len(set(requests)), "a completed list page was fetched twice"
        with transaction(env.engine) as session:
            page_ids = [row.id for row in session.query(RawPage).filter(RawPage.stream == "orders")]
        records, rejected = env.parse(connector, page_ids)
        assert not (why := mismatch(records, rejected, "orders", env.truth(shop, "orders"))), why

    # --- faults ------------------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("switches", "marker"),
        [
            ({"rate_limit": 3, "retry_after": 1}, "rate_limit"),
            ({"server_errors": 3}, "server_errors"),
            ({"slow": 2, "slow_seconds": 1.5}, "slow"),
            ({"connection_resets": 2}, "connection_resets"),
            ({"malformed_json": 2}, "malformed_json"),
            ({"truncated": 2}, "truncated"),
            ({"duplicate_across_pages": True}, None),
            ({"out_of_order": True}, None),
        ],
    )
    def test_transient_faults_end_in_the_same_result(
        self, env: KitEnv, switches: dict[str, Any], marker: str | None
    ) -> None:
        shop = self.harness.shops(env.world)[0]
        env.sandbox.state.faults.update(switches)
        connector = env.connector(shop)
        for stream in self.fault_streams():
            records, rejected, _ = env.pull(connector, stream, env.window())
            assert not (why := mismatch(records, rejected, stream, env.truth(shop, stream))), why
        if marker:
            assert env.faults_seen(marker) >= 1, f"fault {marker} was never injected"

    def test_token_expiry_in_the_middle_of_pagination_refreshes_once(self, env: KitEnv) -> None:
        shop = self.harness.shops(env.world)[0]
        connector = env.connector(shop)
        connector.check()
        grants = self.harness.token_grants(env.sandbox)
        env.sandbox.state.faults.update({"expire_token_after": 3})
        stream = self.fault_streams()[0]
        for _ in range(3):  # a stream of one or two calls per pull needs a second pull to reach the expiry
            records, rejected, _ = env.pull(connector, stream, env.window())
            assert not (why := mismatch(records, rejected, stream, env.truth(shop, stream))), why
            if env.faults_seen("expire_token"):
                break
        assert self.harness.token_grants(env.sandbox) == grants + 1
        assert env.faults_seen("expire_token") == 1

    def test_malformed_records_are_quarantined_with_a_reason_never_dropped(self, env: KitEnv) -> None:
        shop = self.harness.shops(env.world)[0]
        connector = env.connector(shop)
        for stream, bad_id in self.harness.corrupt_ids(env.world, shop).items():
            env.sandbox.state.faults.update({"corrupt_records": [bad_id]})
            records, rejected, _ = env.pull(connector, stream, env.window())
            assert [r.record_key for r in rejected] == [bad_id] and rejected[0].reason, (stream, rejected)
            truth = env.truth(shop, stream)
            parsed = parsed_summary(records, stream)
            assert bad_id not in parsed and parsed == {k: v for k, v in truth.items() if k != bad_id}, stream

    def test_a_persistently_unreadable_page_is_landed_and_quarantined(self, env: KitEnv) -> None:
        self.require_pulled("orders")
        shop = self.harness.shops(env.world)[0]
        connector = env.connector(shop, budget=RetryBudget(attempts=2, seconds=5, backoff_initial=0.01))
        env.sandbox.state.faults.update({"malformed_json": 10_000, "malformed_path": self.harness.detail_path})
        records, rejected, pages = env.pull(connector, "orders", env.window())
        assert records == [] and rejected and all(r.reason == "malformed_page" for r in rejected)
        env.sandbox.reset_faults()
        again, _, _ = env.pull(connector, "orders", env.window())
        assert parsed_summary(again, "orders") == env.truth(shop, "orders")

    def test_secrets_never_reach_logs_or_landed_requests(self, env: KitEnv, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        shop = self.harness.shops(env.world)[0]
        env.sandbox.state.faults.update(
            {"rate_limit": 2, "retry_after": 1, "server_errors": 2, "expire_token_after": 4}
        )
        connector = env.connector(shop, budget=FAST_HINTS)
        env.pull(connector, self.fault_streams()[0], env.window())
        secrets = set(connector.secrets())
        current = connector.context.tokens.current()
        if current:
            secrets |= {current.access_token, current.refresh_token or ""}
        with transaction(env.engine) as session:
            landed = " ".join(row.request for row in session.query(RawPage))
        for secret in filter(lambda s: len(s) >= 6, secrets):
            assert secret not in caplog.text and secret not in landed
        assert env.faults_seen("rate_limit") and "retrying" in caplog.text
