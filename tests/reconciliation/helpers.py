"""A sandbox world served by the Shopee sandbox on loopback, omnikop configured against it (with a bank
account for statements), members and mappings loaded; syncing by the CLI (the real path) or in-process
(the same ``sync_shop``, without a process start per shop). The ``served_world`` fixture is in conftest."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from connectors.base.connection import env_var_name
from connectors.base.sandbox.bank import bank_statement_csv
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.windows import Window
from connectors.shopee.sandbox import ShopeeSandbox
from core_mapping.csv_io import import_mappings, import_members
from core_mapping.pipeline import sync_shop
from omnikop.config import OmnikopConfig, load_config
from omnikop.db import make_engine, transaction
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from omnikop.shops import connector_for
from reconciliation.bank_csv import parse_statement
from reconciliation.bank_store import ImportSummary, store_statement

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
IMPORT_BANK = ("import", "bank")
BANK_ACCOUNT = "ops"
SMALL_WORLD = {"days": 6, "orders_per_day": 4, "platforms": ("shopee",)}


@dataclass
class ReconSetup:
    world: World
    db_url: str
    workdir: Path
    env: dict[str, str]
    layout: str

    @property
    def config_path(self) -> Path:
        return self.workdir / "omnikop.yaml"

    def config(self) -> OmnikopConfig:
        return load_config(self.config_path)

    @property
    def shops(self) -> list[str]:
        return [shop.shop_ref for shop in self.world.shops_on("shopee")]

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
            self.cli("sync", "shopee", "--shop", shop, "--since", "2025-12-01T00:00:00", "--until", until)

    def sync_in_process(self) -> None:
        config, engine = self.config(), make_engine(self.db_url)
        window = Window(datetime(2025, 12, 1, tzinfo=UTC), self.world.as_of)
        for shop in self.shops:
            sync_shop(engine, config, connector_for(config, engine, "shopee", shop), window)
        engine.dispose()

    def bank_statement(self) -> Path:
        path = self.workdir / f"bank-{self.layout}.csv"
        shops = [("shopee", shop) for shop in self.shops]
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
    db_url: str, workdir: Path, monkeypatch: pytest.MonkeyPatch, *, discrepancies: bool, layout: str = "bca"
) -> Iterator[ReconSetup]:
    """Serve a small world on loopback, configure omnikop for it (``workdir/omnikop.yaml``), load members."""
    generated = World.generate(WorldConfig(**SMALL_WORLD, discrepancies=discrepancies))  # type: ignore[arg-type]
    sandbox = ShopeeSandbox(generated)
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
            name, value = env_var_name(conn_id("shopee", shop)), json.dumps(sandbox.connection_for(shop, server.url))
            env[name] = value
            monkeypatch.setenv(name, value)  # for in-process syncs
        setup = ReconSetup(generated, db_url, workdir, env, layout)
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
