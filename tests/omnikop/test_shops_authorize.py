"""``omnikop shops authorize`` end to end, as an operator runs it: the real command in its own process, the
printed link followed as a seller's browser would (headless: the sandbox's consent answers with the redirect,
which lands on the command's loopback callback), the code exchanged, the tokens stored; then a sync of that
shop runs on the stored tokens alone. Neither the partner secret nor a token ever reaches the output."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from sqlalchemy import func, select

from connectors.base.connection import connection_json
from connectors.base.landing import RawPage
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.tokens import AUTHORIZATION_EXPIRES_AT, AUTHORIZED_AT, StoredToken
from connectors.shopee.sandbox import ShopeeSandbox
from connectors.tokopedia.sandbox import TokopediaSandbox
from foundation.db import make_engine, transaction

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "omnikop.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def environment(tmp_path: Path, database: str, conn_id: str, connection: dict[str, Any]) -> dict[str, str]:
    config = tmp_path / "omnikop.yaml"
    if not config.exists():
        config.write_text("shops: []\n")
    return {
        **os.environ,
        "OMNIKOP_DATABASE_URL": database,
        "OMNIKOP_CONFIG": str(config),
        f"AIRFLOW_CONN_{conn_id.upper()}": connection_json(**connection),
        "COLUMNS": "200",
    }


def authorize(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], requests.Response]:
    """Run the command, follow the link it prints (as the seller's browser), and wait for it to finish."""
    command = [OMNIKOP, "shops", "authorize", *args, "--no-browser", "--timeout", "60"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    printed = []
    for line in process.stdout:
        printed.append(line)
        if line.startswith("http"):
            break
    else:
        process.wait(30)
        pytest.fail(f"no link printed: {''.join(printed)} {process.stderr.read() if process.stderr else ''}")
    landing = requests.get(line.strip(), timeout=30)  # the consent redirects to the loopback callback
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, "".join(printed) + out, err), landing


def sync(env: dict[str, str], platform: str, shop: str, world: World) -> subprocess.CompletedProcess[str]:
    since, until = (world.as_of - timedelta(days=3)).isoformat(), world.as_of.isoformat()
    command = [OMNIKOP, "sync", platform, "--shop", shop, "--since", since, "--until", until]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180)


def adopt_snippet(tmp_path: Path, output: str) -> None:
    """Put the printed omnikop.yaml lines into the configuration, as the operator is told to."""
    snippet = output[output.index("shops:") :]
    (tmp_path / "omnikop.yaml").write_text(yaml.safe_dump(yaml.safe_load(snippet)))


def stored_row(database: str, platform: str, shop: str) -> StoredToken | None:
    with transaction(make_engine(database)) as session:
        row = session.get(StoredToken, (platform, shop))
        if row is not None:
            session.expunge(row)
        return row


def landed_pages(database: str, platform: str, shop: str) -> int:
    with transaction(make_engine(database)) as session:
        query = select(func.count()).where(RawPage.platform == platform, RawPage.shop_ref == shop)
        return int(session.scalar(query) or 0)


def assert_no_secret(text: str, secrets: list[str]) -> None:
    leaked = [secret for secret in secrets if secret and secret in text]
    assert not leaked, "a secret was printed"


# --- Shopee ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shopee_world() -> World:
    return World.generate(WorldConfig(days=4, orders_per_day=4, platforms=("shopee",)))


@pytest.fixture
def shopee(shopee_world: World) -> Iterator[tuple[ShopeeSandbox, str]]:
    sandbox = ShopeeSandbox(shopee_world)
    with SandboxServer(sandbox.app) as server:
        yield sandbox, server.url


def shopee_connection(sandbox: ShopeeSandbox, url: str) -> dict[str, Any]:
    """The partner's Connection as an operator creates it: credentials only, no token of any shop."""
    return {
        "conn_type": "shopee",
        "host": url,
        "login": str(sandbox.auth.partner_id),
        "password": sandbox.auth.partner_key,
        "extra": {"rate_limit_per_second": 1000},
    }


def test_shopee_shop_authorised_end_to_end_then_synced(
    shopee: tuple[ShopeeSandbox, str], shopee_world: World, database: str, tmp_path: Path
) -> None:
    sandbox, url = shopee
    shop = sandbox.shop_refs()[-1]
    assert requests.post(f"{url}/_sandbox/consent", json={"seller": shop}, timeout=10).json() == {"seller": shop}
    env = environment(tmp_path, database, "shopee_coop", shopee_connection(sandbox, url))
    result, landing = authorize(env, "shopee", "--shop", shop, "--conn-id", "shopee_coop")
    assert result.returncode == 0, result.stderr
    assert landing.status_code == 200 and "omnikop received the authorisation" in landing.text
    assert f"authorised shopee shop {shop}" in result.stdout
    assert sandbox.auth.code_grants == 1
    row = stored_row(database, "shopee", shop)
    assert row is not None and row.access_token in sandbox.auth.access and row.refresh_expires_at is not None
    facts = json.loads(row.extra)
    assert facts[AUTHORIZED_AT] and facts[AUTHORIZATION_EXPIRES_AT]  # get_shop_info's expire_time, recorded
    assert_no_secret(result.stdout + result.stderr, [sandbox.auth.partner_key, row.access_token, row.refresh_token])

    adopt_snippet(tmp_path, result.stdout)
    synced = sync(env, "shopee", shop, shopee_world)
    assert synced.returncode == 0, synced.stderr
    assert landed_pages(database, "shopee", shop) > 0
    assert sandbox.auth.code_grants == 1 and sandbox.auth.refresh_calls == 0  # the stored pair, nothing else
    assert_no_secret(synced.stdout + synced.stderr, [sandbox.auth.partner_key, row.access_token])


def test_shopee_consent_for_another_shop_is_refused_and_stores_nothing(
    shopee: tuple[ShopeeSandbox, str], database: str, tmp_path: Path
) -> None:
    sandbox, url = shopee
    wanted, seller = sandbox.shop_refs()[0], sandbox.shop_refs()[-1]
    sandbox.consent.seller = seller
    env = environment(tmp_path, database, "shopee_coop", shopee_connection(sandbox, url))
    result, _ = authorize(env, "shopee", "--shop", wanted, "--conn-id", "shopee_coop")
    assert result.returncode == 2
    assert f"authorised shop {seller}, not {wanted}" in result.stderr
    assert stored_row(database, "shopee", wanted) is None and sandbox.auth.code_grants == 0


def test_a_spent_code_given_with_code_is_refused_without_a_secret_in_the_error(
    shopee: tuple[ShopeeSandbox, str], database: str, tmp_path: Path
) -> None:
    sandbox, url = shopee
    shop = sandbox.shop_refs()[0]
    env = environment(tmp_path, database, "shopee_coop", shopee_connection(sandbox, url))
    command = [OMNIKOP, "shops", "authorize", "shopee", "--shop", shop, "--conn-id", "shopee_coop"]
    result = subprocess.run([*command, "--code", "not-a-code"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2 and "re-authorise" in result.stderr and "invalid_code" in result.stderr
    assert "Traceback" not in result.stderr
    assert_no_secret(result.stdout + result.stderr, [sandbox.auth.partner_key])


# --- TikTok Shop ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiktok_world() -> World:
    return World.generate(WorldConfig(days=4, orders_per_day=4, platforms=("tokopedia",)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_tiktok_shop_authorised_end_to_end_then_synced(tiktok_world: World, database: str, tmp_path: Path) -> None:
    sandbox = TokopediaSandbox(tiktok_world)
    shop = next(s.shop_ref for s in tiktok_world.shops_on("tokopedia") if s.flavor == "tiktok")
    port = free_port()
    with SandboxServer(sandbox.app) as server:
        registered = {"redirect_url": f"http://127.0.0.1:{port}/callback", "seller": shop}  # as in Partner Center
        assert requests.post(f"{server.url}/_sandbox/consent", json=registered, timeout=10).status_code == 200
        connection = sandbox.connection_for(shop, server.url)
        extra = {k: v for k, v in connection["extra"].items() if k != "refresh_token"}
        connection = {**connection, "extra": {**extra, "flavor": "tiktok"}}
        env = environment(tmp_path, database, "tiktok_coop", connection)
        args = ("tokopedia", "--shop", shop, "--conn-id", "tiktok_coop", "--callback-port", str(port))
        result, landing = authorize(env, *args)
        assert result.returncode == 0, result.stderr
        assert landing.status_code == 200
        assert sandbox.tts_auth.grants == 1
        row = stored_row(database, "tokopedia", shop)
        assert row is not None and row.access_token in sandbox.tts_auth.access and row.refresh_expires_at
        secrets = [sandbox.tts_auth.app_secret, row.access_token, row.refresh_token]
        assert_no_secret(result.stdout + result.stderr, secrets)
        assert "flavor: tiktok" in result.stdout

        adopt_snippet(tmp_path, result.stdout)
        synced = sync(env, "tokopedia", shop, tiktok_world)
        assert synced.returncode == 0, synced.stderr
        assert landed_pages(database, "tokopedia", shop) > 0
        assert sandbox.tts_auth.grants == 1  # no refresh: the stored pair did it
        assert_no_secret(synced.stdout + synced.stderr, secrets)
