"""The pull conformance kit run against deliberately broken connectors, one per guarantee, so no check can pass
vacuously: each must fail when the behaviour it guards is removed. The breakages sit on the ``Connector``
protocol (``pull``, ``parse``, ``check``, ``secrets``), so they hold whatever runner the connector uses inside."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.base.protocol import Connector, FetchedPage, LandedPage
from connectors.base.records import Parsed, Rejected
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World
from connectors.base.testing.conformance import KitEnv, PullConformance
from connectors.base.windows import Window
from connectors.shopee.connector import ShopeeConnector
from connectors.shopee.testing import ShopeeHarness

log = logging.getLogger(__name__)


class LosesTheLastPage(ShopeeConnector):
    """Stops one page of records early: the classic off-by-one of a hand-written pager."""

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        pages = list(super().pull(stream, window, resume))
        with_records = [index for index, page in enumerate(pages) if b"order_sn" in page.body]
        lost = with_records[-1] if stream == "orders" and with_records else None
        yield from (page for index, page in enumerate(pages) if index != lost)


class ForgetsWhereItWas(ShopeeConnector):
    """Ignores the checkpoint it is handed and starts again from the first page."""

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        yield from super().pull(stream, window, None)


class DropsBadRecords(ShopeeConnector):
    """Skips what it cannot read instead of sending it to quarantine."""

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return (record for record in super().parse(page) if not isinstance(record, Rejected))


class LogsItsToken(ShopeeConnector):
    """Writes the access token to the log while it works."""

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        for page in super().pull(stream, window, resume):
            current = self.context.tokens.current()
            log.debug("page fetched with token %s", current.access_token if current else "-")
            yield page


class AcceptsAnyCredentials(ShopeeConnector):
    """Says the connection works without asking the platform."""

    def check(self) -> None:
        return None


def broken(connector: type[Connector]) -> ShopeeHarness:
    harness = ShopeeHarness()
    harness.connector_class = lambda: connector  # type: ignore[method-assign]
    return harness


@pytest.fixture(scope="module")
def world() -> World:
    world = World.generate(ShopeeHarness.world_config)
    world.as_of = world.end + timedelta(days=40)  # as the kit's own fixture: every settlement and late refund visible
    return world


@pytest.fixture
def kit_env(world: World, tmp_path: Path) -> Iterator[Any]:
    def make(harness: ShopeeHarness) -> KitEnv:
        sandbox = harness.sandbox(world)
        server = SandboxServer(sandbox.app).__enter__()
        servers.append(server)
        return KitEnv(harness, world, sandbox, server.url, f"sqlite:///{tmp_path}/kit-{len(servers)}.db")

    servers: list[SandboxServer] = []
    yield make
    for server in servers:
        server.__exit__(None, None, None)


def kit(harness: ShopeeHarness) -> PullConformance:
    return type("Kit", (PullConformance,), {"harness": harness})()


@pytest.mark.parametrize(
    ("connector", "check"),
    [
        (LosesTheLastPage, "test_full_window_pull_equals_ground_truth"),
        (ForgetsWhereItWas, "test_resume_after_crash_fetches_no_completed_page_twice"),
        (DropsBadRecords, "test_malformed_records_are_quarantined_with_a_reason_never_dropped"),
    ],
)
def test_each_check_fails_on_the_connector_that_breaks_its_guarantee(kit_env, world: World, connector, check):  # type: ignore[no-untyped-def]
    harness = broken(connector)
    with pytest.raises(AssertionError):
        getattr(kit(harness), check)(kit_env(harness))


def test_the_secrets_check_fails_on_a_connector_that_logs_its_token(kit_env, caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    harness = broken(LogsItsToken)
    with pytest.raises(AssertionError):
        kit(harness).test_secrets_never_reach_logs_or_landed_requests(kit_env(harness), caplog)


def test_the_auth_check_fails_on_a_connector_that_accepts_any_credentials(kit_env, caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    harness = broken(AcceptsAnyCredentials)
    with pytest.raises(pytest.fail.Exception):
        kit(harness).test_auth_works_and_bad_credentials_fail_cleanly(kit_env(harness), caplog)


def test_the_same_checks_pass_on_the_real_connector(kit_env, caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    harness = ShopeeHarness()
    checks = kit(harness)
    checks.test_full_window_pull_equals_ground_truth(kit_env(harness))
    checks.test_resume_after_crash_fetches_no_completed_page_twice(kit_env(harness))
    checks.test_malformed_records_are_quarantined_with_a_reason_never_dropped(kit_env(harness))
    checks.test_secrets_never_reach_logs_or_landed_requests(kit_env(harness), caplog)
