"""A platform's sandbox world served on loopback, a configured omnikop pointing at it, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from connectors.base.connection import env_var_name
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))


@dataclass
class PlatformSetup:
    platform: str
    world: World
    sandbox: PlatformSandbox
    url: str
    db_url: str
    workdir: Path
    env: dict[str, str]

    @property
    def shops(self) -> list[str]:
        return self.sandbox.shop_refs()

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [OMNIKOP, *args], capture_output=True, text=True, env=self.env, cwd=self.workdir, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"omnikop {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def write(self, name: str, text: str) -> Path:
        path = self.workdir / name
        path.write_text(text, encoding="utf-8")
        return path

    def sync_all(
        self, since: str = "2025-12-01T00:00:00", until: str | None = None
    ) -> list[subprocess.CompletedProcess[str]]:
        until = until or self.world.as_of.strftime("%Y-%m-%dT%H:%M:%S")
        return [
            self.cli("sync", self.platform, "--shop", shop, "--since", since, "--until", until) for shop in self.shops
        ]


@contextmanager
def platform_setup(platform: str, db_url: str, workdir: Path, world_config: WorldConfig) -> Iterator[PlatformSetup]:
    world = World.generate(world_config)
    sandbox = sandbox_class(platform)(world)
    with SandboxServer(sandbox.app) as server:
        config = {"database": {"url": db_url}, "shops": shop_configs(world, platforms=[platform])}
        (workdir / "omnikop.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env = {**os.environ, "OMNIKOP_CONFIG": str(workdir / "omnikop.yaml")}
        env.pop("OMNIKOP_DATABASE_URL", None)
        for shop in sandbox.shop_refs():
            env[env_var_name(conn_id(platform, shop))] = json.dumps(sandbox.connection_for(shop, server.url))
        setup = PlatformSetup(platform, world, sandbox, server.url, db_url, workdir, env)
        setup.cli("members", "import", str(setup.write("members.csv", members_csv(world))))
        yield setup


@pytest.fixture
def shopee(db_url: str, tmp_path: Path) -> Iterator[PlatformSetup]:
    with platform_setup(
        "shopee", db_url, tmp_path, WorldConfig(days=8, orders_per_day=5, platforms=("shopee",))
    ) as setup:
        yield setup


ShopeeSetup = PlatformSetup


def import_mappings(setup: PlatformSetup, omit_skus: tuple[str, ...] = ()) -> None:
    text = mappings_csv(setup.world, platforms=[setup.platform], omit_skus=omit_skus)
    setup.cli("mappings", "import", str(setup.write("mappings.csv", text)))
