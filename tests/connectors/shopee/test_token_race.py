"""Two processes needing a Shopee token refresh at once: exactly one refresh call, both proceed."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from connectors.base.connection import connection_json, parse_connection
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.tokens import TokenStore
from connectors.shopee.connector import ShopeeConnector
from connectors.shopee.sandbox import ShopeeSandbox
from foundation.db import make_engine


def _check(db_url: str, shop: str, connection: str, start, results) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    context = ConnectorContext(shop, parse_connection("shopee_race", connection), TokenStore(engine, "shopee", shop))
    connector = ShopeeConnector(context)
    start.wait(10)
    try:
        connector.check()
        results.put(("ok", context.tokens.renewals))
    except Exception as error:  # report, don't hang the parent
        results.put(("failed", repr(error)))


@pytest.mark.parametrize("refreshes_needed", ["first grant", "expired access token"])
def test_two_processes_make_one_refresh_call(db_url: str, refreshes_needed: str, tmp_path: Path) -> None:
    world = World.generate(WorldConfig(days=2, platforms=("shopee",)))
    sandbox = ShopeeSandbox(world)
    refresh = sandbox.auth.refresh_tokens

    def slow_refresh(shop: str, token: str) -> dict[str, object]:
        time.sleep(0.5)  # keep the first refresher inside its lock while the second arrives
        return refresh(shop, token)

    sandbox.auth.refresh_tokens = slow_refresh  # type: ignore[method-assign]
    shop = sandbox.shop_refs()[0]
    with SandboxServer(sandbox.app) as server:
        connection = connection_json(**sandbox.connection_for(shop, server.url))
        engine = make_engine(db_url)
        if refreshes_needed == "expired access token":
            context = ConnectorContext(shop, parse_connection("c", connection), TokenStore(engine, "shopee", shop))
            ShopeeConnector(context).check()
            sandbox.auth.expire_access_tokens()
        calls_before = sandbox.auth.refresh_calls
        spawn = multiprocessing.get_context("spawn")
        start, results = spawn.Event(), spawn.Queue()
        workers = [spawn.Process(target=_check, args=(db_url, shop, connection, start, results)) for _ in range(2)]
        for worker in workers:
            worker.start()
        start.set()
        outcomes = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(30)
    assert [status for status, _ in outcomes] == ["ok", "ok"], outcomes
    assert sandbox.auth.refresh_calls - calls_before == 1
    assert sorted(renewals for _, renewals in outcomes) == [0, 1]


def test_a_token_grant_slower_than_the_read_timeout_is_waited_for(db_url: str) -> None:
    """A refresh token is single-use: a grant whose answer the client gave up on (and retried) would leave the
    shop needing re-authorisation. Token calls wait longer than the other calls' read timeout."""
    world = World.generate(WorldConfig(days=2, platforms=("shopee",)))
    sandbox = ShopeeSandbox(world)
    refresh = sandbox.auth.refresh_tokens

    def slow_refresh(shop: str, token: str) -> dict[str, object]:
        time.sleep(0.6)  # longer than the 0.3 s read timeout below
        return refresh(shop, token)

    sandbox.auth.refresh_tokens = slow_refresh  # type: ignore[method-assign]
    shop = sandbox.shop_refs()[0]
    with SandboxServer(sandbox.app) as server:
        connection = parse_connection("shopee_slow", connection_json(**sandbox.connection_for(shop, server.url)))
        tokens = TokenStore(make_engine(db_url), "shopee", shop)
        connector = ShopeeConnector(ConnectorContext(shop, connection, tokens, timeout=(2.0, 0.3)))
        connector.check()
        assert sandbox.auth.refresh_calls == 1 and tokens.renewals == 1
