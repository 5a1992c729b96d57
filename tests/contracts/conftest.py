"""The Tokopedia sandbox served on loopback for the contract tests of both flavours (TikTok Shop and legacy)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.sandbox import TokopediaSandbox
from connectors.tokopedia.testing import TikTokHarness


@pytest.fixture
def world() -> World:
    """A week of Tokopedia orders: enough for every answer kind (statements, tickets, withdrawals) to occur."""
    return World.generate(WorldConfig(orders_per_day=8, days=7, platforms=("tokopedia",)))


@pytest.fixture
def env(world: World, tmp_path: Path) -> Iterator[KitEnv]:
    sandbox = TokopediaSandbox(world)
    with SandboxServer(sandbox.app) as server:
        yield KitEnv(TikTokHarness(), world, sandbox, server.url, f"sqlite:///{tmp_path}/landing.db")
