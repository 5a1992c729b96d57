"""A small Tokopedia world behind the real sandbox over loopback HTTP, with both flavors' shops."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.sandbox import TokopediaSandbox
from connectors.tokopedia.testing import TikTokHarness


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(orders_per_day=8, days=7, platforms=("tokopedia",)))


@pytest.fixture
def sandbox(world: World) -> TokopediaSandbox:
    return TokopediaSandbox(world)


@pytest.fixture
def env(world: World, sandbox: TokopediaSandbox, tmp_path: Path) -> Iterator[KitEnv]:
    """The kit's environment (connectors built from the sandbox's Connections, a landing database, truth);
    ``env.connector(shop)`` takes each shop's flavor from the world, so both flavors work through it."""
    with SandboxServer(sandbox.app) as server:
        yield KitEnv(TikTokHarness(), world, sandbox, server.url, f"sqlite:///{tmp_path}/landing.db")


def shop_of(world: World, flavor: str) -> str:
    return next(s.shop_ref for s in world.shops_on("tokopedia") if s.flavor == flavor)
