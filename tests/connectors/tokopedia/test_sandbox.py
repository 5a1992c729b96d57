"""The sandbox enforces each flavor's contract (the connector could not pass by being sloppy) and keeps
issued credentials across a restart when given a state file."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base.errors import AuthError, InvalidRequest
from connectors.base.http import Call
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.legacy.client import MAX_ORDER_WINDOW, MAX_SALDO_WINDOW
from connectors.tokopedia.sandbox import TokopediaSandbox
from connectors.tokopedia.testing import TikTokHarness
from tests.connectors.tokopedia.conftest import shop_of


def test_tiktok_refuses_a_wrong_signature_with_106001(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    client = env.connector(shop).api.client  # type: ignore[union-attr]
    client.shop_cipher()
    client.http.signer.app_secret = "not-the-app-secret"
    with pytest.raises(AuthError) as raised:
        client.get_orders(["1"])
    assert raised.value.platform_code == "106001" and raised.value.http_status == 401


def test_tiktok_refuses_pages_over_100_and_more_than_50_order_ids(env: KitEnv):
    client = env.connector(shop_of(env.world, "tiktok")).api.client  # type: ignore[union-attr]
    with pytest.raises(InvalidRequest):
        client.get_orders([str(n) for n in range(51)])
    with pytest.raises(InvalidRequest):
        client._shop_call(
            "GET",
            "/finance/202309/withdrawals",
            {"page_size": 101, "create_time_ge": 0, "create_time_lt": 1, "types": "SETTLE"},
        )


def test_tiktok_refuses_a_token_of_one_shop_used_with_another_shops_cipher(env: KitEnv):
    client = env.connector(shop_of(env.world, "tiktok")).api.client  # type: ignore[union-attr]
    with pytest.raises(InvalidRequest, match="shop_cipher"):
        client.http.call(Call("GET", "/order/202309/orders", {"ids": "1", "shop_cipher": "ROW_someone_else"}))


def test_legacy_refuses_order_windows_of_three_days_and_saldo_windows_over_31(env: KitEnv):
    client = env.connector(shop_of(env.world, "legacy")).api.client  # type: ignore[union-attr]
    span = int(MAX_ORDER_WINDOW.total_seconds())
    client.order_list(1_767_225_600, 1_767_225_600 + span - 1, 1)  # just under three days: fine
    with pytest.raises(InvalidRequest) as raised:
        client.order_list(1_767_225_600, 1_767_225_600 + span, 1)
    assert raised.value.platform_code == "ORD_DLV_013" and raised.value.http_status == 400
    with pytest.raises(InvalidRequest):
        client.saldo_history(1_767_225_600, 1_767_225_600 + int(MAX_SALDO_WINDOW.total_seconds()) + 1, 1)


def test_issued_credentials_and_tokens_survive_a_restart_with_a_state_file(world: World, tmp_path: Path):
    state = tmp_path / "state" / "tokopedia.json"
    first = TokopediaSandbox(world, state_path=state)
    shop = shop_of(world, "tiktok")
    with SandboxServer(first.app) as server:
        env = KitEnv(TikTokHarness(), world, first, server.url, f"sqlite:///{tmp_path}/landing.db")
        env.connector(shop).check()
        connection = env.connection(shop)
    again = TokopediaSandbox(world, state_path=state)
    assert again.connection_for(shop, server.url) == connection
    with SandboxServer(again.app) as server:
        env = KitEnv(TikTokHarness(), world, again, server.url, f"sqlite:///{tmp_path}/landing.db")
        env.connector(shop).check()  # the stored token, issued before the restart, still works
    assert again.tts_auth.grants == 0
