"""Token lifetimes: TikTok's absolute expiry epochs, and legacy Tokopedia's "no new token before expiry"."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.base.errors import AuthError, InvalidPayload
from connectors.base.sandbox.server import SandboxServer
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.sandbox import TokopediaSandbox
from connectors.tokopedia.sandbox.common import ACCOUNTS
from connectors.tokopedia.testing import TikTokHarness
from connectors.tokopedia.tiktok.client import token_pair
from tests.connectors.tokopedia.conftest import shop_of

# A real token/refresh answer's shape (marketplace_apis.md §3.2), requested on 2024-07-23.
ISSUED_AT = datetime(2024, 7, 23, 12, 20, 11, tzinfo=UTC)
TOKEN_DATA = {
    "access_token": "GCP_access",
    "access_token_expire_in": 1722342011,
    "refresh_token": "GCP_refresh",
    "refresh_token_expire_in": 4841467787,
}


def test_tiktok_expire_in_values_are_absolute_unix_times_not_durations():
    pair = token_pair(TOKEN_DATA, ISSUED_AT)
    assert pair.access_expires_at == datetime(2024, 7, 30, 12, 20, 11, tzinfo=UTC)  # 7 days after the request
    assert pair.refresh_expires_at == datetime.fromtimestamp(4841467787, UTC)  # year 2123: "no expiry"
    assert pair.access_expires_at - ISSUED_AT == timedelta(days=7)  # not ~54 years, as a duration would give


@pytest.mark.parametrize("value", [604800, 1722342011 - 86400 * 30, "1722342011", None, True])
def test_an_expiry_that_is_not_a_future_unix_time_is_refused(value: object):
    with pytest.raises(InvalidPayload, match="access_token_expire_in"):
        token_pair({**TOKEN_DATA, "access_token_expire_in": value}, ISSUED_AT)


def test_the_sandbox_token_is_stored_with_exactly_the_epochs_it_was_issued_with(env: KitEnv, sandbox: TokopediaSandbox):
    shop = shop_of(env.world, "tiktok")
    connector = env.connector(shop)
    connector.check()
    stored = connector.context.tokens.current()
    assert stored is not None
    issued_shop, access_until = sandbox.tts_auth.access[stored.access_token]
    _, refresh_until, used = sandbox.tts_auth.refresh[stored.refresh_token or ""]
    assert issued_shop == shop and not used
    assert stored.access_expires_at == datetime.fromtimestamp(access_until, UTC)
    assert stored.refresh_expires_at == datetime.fromtimestamp(refresh_until, UTC)
    assert timedelta(days=6, hours=23) < stored.access_expires_at - datetime.now(UTC) <= timedelta(days=7)


def test_legacy_client_never_asks_for_a_new_token_before_expiry(env: KitEnv, sandbox: TokopediaSandbox):
    shop = shop_of(env.world, "legacy")
    connector = env.connector(shop)
    connector.check()
    for stream in ("orders", "settlements", "wallet", "stock"):
        env.pull(connector, stream, env.window())
    env.connector(shop).check()  # a second worker finds the stored token and uses it
    assert sandbox.fs_auth.grants == 1 and sandbox.fs_auth.early_requests == 0
    assert len(sandbox.state.requests) > 20  # many calls were made with that one token


def test_legacy_client_asks_again_only_once_the_token_has_expired(world, tmp_path):  # type: ignore[no-untyped-def]
    sandbox = TokopediaSandbox(world, fs_access_ttl=1)
    with SandboxServer(sandbox.app) as server:
        env = KitEnv(TikTokHarness(), world, sandbox, server.url, f"sqlite:///{tmp_path}/landing.db")
        connector = env.connector(shop_of(world, "legacy"))
        connector.check()
        connector.check()
        assert sandbox.fs_auth.grants == 1
        time.sleep(1.2)
        connector.check()
    assert sandbox.fs_auth.grants == 2 and sandbox.fs_auth.early_requests == 0


def test_the_legacy_sandbox_hands_back_the_unexpired_token_to_an_early_request(sandbox: TokopediaSandbox):
    with SandboxServer(sandbox.app) as server:
        credentials = (sandbox.fs_auth.client_id, sandbox.fs_auth.client_secret)
        ask = lambda: requests.post(  # noqa: E731
            f"{server.url}{ACCOUNTS}/token", params={"grant_type": "client_credentials"}, auth=credentials, timeout=5
        ).json()
        first, second = ask(), ask()
    assert first["access_token"] == second["access_token"] and second["expires_in"] <= first["expires_in"]
    assert sandbox.fs_auth.early_requests == 1


def test_a_changed_legacy_secret_is_checked_even_while_a_token_is_still_valid(env: KitEnv):
    shop = shop_of(env.world, "legacy")
    env.connector(shop).check()
    wrong = {**env.connection(shop), "password": "not-the-client-secret"}
    with pytest.raises(AuthError):
        env.connector(shop, wrong).check()


def test_a_tiktok_token_grant_slower_than_the_read_timeout_is_waited_for(env: KitEnv, sandbox: TokopediaSandbox):
    """TikTok Shop refresh tokens are single-use too: a grant the client gave up on and retried would be refused
    and the shop would need re-authorising (``connectors.base.tokens.grant_timeout``)."""
    grant = sandbox.tts_auth.grant

    def slow_grant(query: dict[str, str]) -> dict[str, object]:
        time.sleep(0.6)  # longer than the 0.3 s read timeout below
        return grant(query)

    sandbox.tts_auth.grant = slow_grant  # type: ignore[method-assign]
    connector = env.connector(shop_of(env.world, "tiktok"), timeout=(2.0, 0.3))
    connector.check()
    assert sandbox.tts_auth.grants == 1
