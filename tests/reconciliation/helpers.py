"""A sandbox world served by its platform's sandbox on loopback (Shopee unless told), omnikop configured
against it (with a bank account for statements), members and mappings loaded; syncing by the CLI (the real
path) or in-process (the same ``sync_shop``, without a process start per shop). The ``served_world`` fixture
is in conftest."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from connectors.base.connection import env_var_name
from connectors.base.sandbox.bank import bank_statement_csv
from connectors.base.sandbox.discrepancies import Discrepancy
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.windows import Window
from connectors.shopee.sandbox import ShopeeSandbox
from connectors.tokopedia.sandbox import TokopediaSandbox
from core_mapping.csv_io import import_mappings
from foundation.config import OmnikopConfig, load_config
from foundation.db import make_engine, transaction
from members.csv_io import import_members
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from omnikop.shops import connector_for
from reconciliation.bank_csv import parse_statement
from reconciliation.bank_store import ImportSummary, store_statement
from sync.pipeline import sync_shop

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
IMPORT_BANK = ("import", "bank")
BANK_ACCOUNT = "ops"
SMALL_WORLD = {"days": 6, "orders_per_day": 4, "platforms": ("shopee",)}
TOKOPEDIA_WORLD = {"days": 6, "orders_per_day": 4, "platforms": ("tokopedia",)}  # a TikTok and a Legacy shop
SANDBOXES: dict[str, Callable[[World], PlatformSandbox]] = {"shopee": ShopeeSandbox, "tokopedia": TokopediaSandbox}


@dataclass
class ReconSetup:
    world: World
    db_url: str
    workdir: Path
    env: dict[str, str]
    layout: str
    platform: str = "shopee"

    @property
    def config_path(self) -> Path:
        return self.workdir / "omnikop.yaml"

    def config(self) -> OmnikopConfig:
        return load_config(self.config_path)

    @property
    def shops(self) -> list[str]:
        return [shop.shop_ref for shop in self.world.shops_on(self.platform)]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [OMNIKOP, *args], capture_output=True, text=True, env=self.env, cwd=self.workdir, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"omnikop {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def sync_by_cli(self) -> None:
        until = self.world.as_of.strftime("%Y-%m-%dT%H:%M:%S")
        for shop in self.shops:
            self.cli("sync", self.platform, "--shop", shop, "--since", "2025-12-01T00:00:00", "--until", until)

    def sync_in_process(self) -> None:
        config, engine = self.config(), make_engine(self.db_url)
        window = Window(datetime(2025, 12, 1, tzinfo=UTC), self.world.as_of)
        for shop in self.shops:
            sync_shop(engine, config, connector_for(config, engine, self.platform, shop), window)
        engine.dispose()

    def bank_statement(self) -> Path:
        path = self.workdir / f"bank-{self.layout}.csv"
        shops = [(self.platform, shop) for shop in self.shops]
        path.write_text(bank_statement_csv(self.world, self.layout, shops=shops), encoding="utf-8")
        return path

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = make_engine(self.db_url)
        try:
            with transaction(engine) as session:
                yield session
        finally:
            engine.dispose()


SetupFactory = Callable[..., ReconSetup]


@contextmanager
def serve_world(
    db_url: str,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    discrepancies: bool = False,
    layout: str = "bca",
    world: World | None = None,
) -> Iterator[ReconSetup]:
    """Serve a small world on loopback, configure omnikop for it (``workdir/omnikop.yaml``), load members.
    ``world``: a world of one platform built by the test (default: the small Shopee world)."""
    generated = world or World.generate(WorldConfig(**SMALL_WORLD, discrepancies=discrepancies))  # type: ignore[arg-type]
    [platform] = generated.config.platforms
    sandbox = SANDBOXES[platform](generated)
    with SandboxServer(sandbox.app) as server:
        config = {
            "database": {"url": db_url},
            "shops": shop_configs(generated),
            "reconciliation": {"bank_accounts": {BANK_ACCOUNT: {"preset": layout}}},
        }
        (workdir / "omnikop.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        env = {**os.environ, "OMNIKOP_CONFIG": str(workdir / "omnikop.yaml")}
        env.pop("OMNIKOP_DATABASE_URL", None)
        for shop in sandbox.shop_refs():
            name, value = env_var_name(conn_id(platform, shop)), json.dumps(sandbox.connection_for(shop, server.url))
            env[name] = value
            monkeypatch.setenv(name, value)  # for in-process syncs
        setup = ReconSetup(generated, db_url, workdir, env, layout, platform)
        with setup.session() as session:
            import_members(session, io.StringIO(members_csv(generated)))
            import_mappings(session, io.StringIO(mappings_csv(generated)))
        yield setup


def sqlite_copy(template: Path, folder: Path) -> str:
    """A migrated SQLite database, for tests about files and browsers rather than databases."""
    path = folder / "omnikop-sqlite.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def import_statement(session: Session, config: OmnikopConfig, account: str, path: Path) -> ImportSummary:
    """What ``omnikop import bank`` does, in-process."""
    settings, data = config.bank_account(account), path.read_bytes()
    statement = parse_statement(data, settings.layout(), str(path))
    return store_statement(session, account, path.name, data, statement, settings.preset or "custom")


def tiktok_world(short_by: int = 0) -> World:
    """The small Tokopedia world; with ``short_by``, the TikTok shop's wallet is credited that much less than
    one plain settled order's net. It is the sandbox's own ``short_payout`` injection (``tamper_wallet``: the
    credit is short, so the next withdrawal is too), aimed at the TikTok shop: the standard injection picks
    Shopee, or the Legacy shop of a Tokopedia-only world. Ground truth is in ``World.discrepancies``."""
    world = World.generate(WorldConfig(**TOKOPEDIA_WORLD))  # type: ignore[arg-type]
    if not short_by:
        return world
    shop = next(s for s in world.shops_on("tokopedia") if s.flavor == "tiktok")
    plain = [
        o
        for o in world.orders_of("tokopedia", shop.shop_ref, datetime.max.replace(tzinfo=UTC))
        if o.events[-1][1] == "COMPLETED" and len(o.settlements) == 1 and o.settlements[0].net > 2 * short_by
    ]
    order = plain[len(plain) // 2]
    settled = order.settlements[0]
    world.discrepancies = [
        Discrepancy(
            "short_payout", "tokopedia", shop.shop_ref, order.order_ref, settled.net, settled.net - short_by,
            settled.released_at,
        )
    ]  # fmt: skip
    world.config = replace(world.config, discrepancies=True)  # tamper_wallet applies to discrepancy worlds only
    world.wallet = [entry for entry in world.wallet if entry.shop_ref != shop.shop_ref]
    world._add_wallet(shop)  # the shop's wallet again, now tampered
    world._wallet_index = (-1, {})  # the per-shop index is keyed on the wallet's length, which is unchanged
    return world
