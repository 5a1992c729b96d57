"""Which shops' authorisations end soon, on both databases: stored refresh-token ends, the seller authorisation
recorded at ``omnikop shops authorize`` (kept across refreshes), and TikTok Shop's expiry pushes as the webhook
receiver lands them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine

from connectors.base.connection import connection_json, env_var_name
from connectors.base.sandbox.server import SandboxServer
from connectors.base.tokens import AUTHORIZATION_EXPIRES_AT, AUTHORIZED_AT, TokenPair, TokenStore
from connectors.base.webhooks import PushShop, Receiver, build_app
from connectors.tokopedia.webhooks import tiktok_signature
from omnikop.authorizations import expiring_authorisations

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
NOW = datetime.now(UTC).replace(microsecond=0)
APP_KEY, APP_SECRET, TIKTOK_SHOP = "tts-app-key", "tts-app-secret-0123", "7494000101"


def store(engine: Engine, platform: str, shop: str, refresh_ends: datetime | None, **facts: str) -> TokenStore:
    tokens = TokenStore(engine, platform, shop)
    pair = TokenPair(
        f"access-{shop}", NOW + timedelta(hours=4), f"refresh-{shop}" if refresh_ends else None, refresh_ends
    )
    tokens.obtain(lambda _: False, lambda _: pair)
    if facts:
        tokens.note(**facts)
    return tokens


def listed(engine: Engine, days: int, **options: object) -> list[tuple[str, str, str, datetime]]:
    found = expiring_authorisations(engine, days, NOW, **options)  # type: ignore[arg-type]
    return [(e.platform, e.shop_ref, e.what, e.expires_at) for e in found]


def test_refresh_tokens_and_authorisations_ending_within_the_days_are_listed_soonest_first(engine: Engine) -> None:
    store(engine, "shopee", "101", NOW + timedelta(days=5))
    store(engine, "shopee", "102", NOW + timedelta(days=29))
    store(
        engine,
        "shopee",
        "103",
        NOW + timedelta(days=29),
        **{AUTHORIZATION_EXPIRES_AT: (NOW + timedelta(days=9)).isoformat()},
    )
    store(engine, "shopee", "104", NOW - timedelta(days=1))  # already ended: still listed, first
    store(engine, "gojek", "outlet-1", None)  # client credentials: nothing ends
    assert listed(engine, 14) == [
        ("shopee", "104", "refresh token", NOW - timedelta(days=1)),
        ("shopee", "101", "refresh token", NOW + timedelta(days=5)),
        ("shopee", "103", "authorisation", NOW + timedelta(days=9)),
    ]
    assert [shop for _, shop, _, _ in listed(engine, 30)] == ["104", "101", "103", "102", "103"]
    assert listed(engine, 14, shops={("shopee", "101")}) == [
        ("shopee", "101", "refresh token", NOW + timedelta(days=5))
    ]


def test_a_refresh_keeps_the_recorded_authorisation(engine: Engine) -> None:
    ends = (NOW + timedelta(days=3)).isoformat()
    tokens = store(
        engine,
        "shopee",
        "101",
        NOW + timedelta(days=29),
        **{AUTHORIZATION_EXPIRES_AT: ends, AUTHORIZED_AT: NOW.isoformat()},
    )
    renewed = TokenPair("access-2", NOW + timedelta(hours=4), "refresh-2", NOW + timedelta(days=30))
    tokens.obtain(lambda _: False, lambda _: renewed)  # what a sync's refresh does
    stored = tokens.current()
    assert stored is not None and stored.refresh_token == "refresh-2"
    assert stored.extra == {AUTHORIZATION_EXPIRES_AT: ends, AUTHORIZED_AT: NOW.isoformat()}
    assert listed(engine, 14) == [("shopee", "101", "authorisation", NOW + timedelta(days=3))]


@pytest.fixture
def receiver(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(
        env_var_name("tts_1"), connection_json("tokopedia", host="h", login=APP_KEY, password=APP_SECRET)
    )
    with SandboxServer(build_app(Receiver(engine, [PushShop("tokopedia", TIKTOK_SHOP, "tts_1")]))) as server:
        yield server.url


def push_expiring(url: str, pushed_at: datetime) -> None:
    """TikTok's UPCOMING_AUTHORIZATION_EXPIRATION push (type 7), signed as TikTok signs it."""
    body = json.dumps({"type": 7, "shop_id": TIKTOK_SHOP, "timestamp": int(pushed_at.timestamp()), "data": {}}).encode()
    headers = {"Authorization": tiktok_signature(APP_KEY, APP_SECRET, body)}
    assert requests.post(f"{url}/webhooks/tokopedia/tiktok", data=body, headers=headers, timeout=10).status_code == 200


def test_tiktok_expiry_pushes_give_the_authorisation_end_until_the_seller_authorises_again(
    engine: Engine, receiver: str
) -> None:
    store(
        engine,
        "tokopedia",
        TIKTOK_SHOP,
        NOW + timedelta(days=300),
        **{AUTHORIZED_AT: (NOW - timedelta(days=200)).isoformat()},
    )
    push_expiring(receiver, NOW - timedelta(days=20))  # the first push: 30 days before the end
    push_expiring(receiver, NOW - timedelta(days=19))  # then daily
    end = NOW + timedelta(days=10)
    assert listed(engine, 14) == [("tokopedia", TIKTOK_SHOP, "authorisation", end)]
    assert listed(engine, 7) == []
    TokenStore(engine, "tokopedia", TIKTOK_SHOP).note(**{AUTHORIZED_AT: NOW.isoformat()})  # authorised again
    assert listed(engine, 14) == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_cli_lists_configured_shops_and_exits_1_when_any_ends_soon(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    store(engine, "shopee", "101", NOW + timedelta(days=5))
    store(engine, "shopee", "999", NOW + timedelta(days=2))  # tokens of a shop omnikop.yaml no longer lists
    config = tmp_path / "omnikop.yaml"
    config.write_text("shops:\n  - {platform: shopee, shop_ref: '101', conn_id: shopee_101}\n")
    env = {**os.environ, "OMNIKOP_DATABASE_URL": db_url, "OMNIKOP_CONFIG": str(config)}
    soon = subprocess.run([OMNIKOP, "shops", "expiring", "--days", "14"], capture_output=True, text=True, env=env)
    assert soon.returncode == 1, soon.stderr
    assert "shopee:101 refresh token ends in 4 d 23 h" in soon.stdout and "999" not in soon.stdout
    every = subprocess.run([OMNIKOP, "shops", "expiring", "--all"], capture_output=True, text=True, env=env)
    assert "shopee:999" in every.stdout
    later = subprocess.run([OMNIKOP, "shops", "expiring", "--days", "3"], capture_output=True, text=True, env=env)
    assert later.returncode == 0 and "no authorisation or refresh token ends within 3 days" in later.stdout
