"""The Connections UI's Test button: each hook builds its connector from the Connection and calls ``check()``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from connectors.base.connection import connection_json
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.gojek.sandbox import GojekSandbox
from omnikop.orchestration.hooks import GojekHook

CONN_ID = "gojek_coop"


@pytest.fixture
def gojek(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[dict, str]]:
    world = World.generate(WorldConfig(days=2, orders_per_day=2, platforms=("gojek",)))
    sandbox = GojekSandbox(world)
    database = tmp_path / "omnikop.db"
    shutil.copy(sqlite_template, database)
    shop = sandbox.shop_refs()[0]
    config = tmp_path / "omnikop.yaml"
    config.write_text(yaml.safe_dump({"shops": [{"platform": "gojek", "shop_ref": shop, "conn_id": CONN_ID}]}))
    monkeypatch.setenv("OMNIKOP_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("OMNIKOP_CONFIG", str(config))
    with SandboxServer(sandbox.app) as server:
        yield sandbox.connection_for(shop, server.url), shop


def test_working_credentials_pass_the_test(gojek: tuple[dict, str], monkeypatch: pytest.MonkeyPatch) -> None:
    connection, shop = gojek
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", connection_json(**connection))
    assert GojekHook(CONN_ID).test_connection() == (True, f"gojek shop {shop}: the credentials work")


def test_a_wrong_secret_fails_the_test_with_the_platforms_reason(
    gojek: tuple[dict, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    connection, _ = gojek
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", connection_json(**{**connection, "password": "wrong"}))
    ok, message = GojekHook(CONN_ID).test_connection()
    assert not ok and "authentication failed (platform=gojek, endpoint=/oauth2/token, http=401)" in message


def test_a_connection_no_shop_uses_fails_the_test_and_says_so(gojek: tuple[dict, str]) -> None:
    ok, message = GojekHook("unused_conn").test_connection()
    assert (ok, message) == (False, "no gojek shop in the omnikop configuration uses Connection 'unused_conn'")
