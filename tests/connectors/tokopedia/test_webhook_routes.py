"""TikTok Shop and legacy Tokopedia pushes on the shared receiver: verified on raw bytes, landed as hints once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select

from connectors.base.connection import connection_json, env_var_name
from connectors.base.landing import RawPage
from connectors.base.sandbox.server import SandboxServer
from connectors.base.webhooks import PushShop, Receiver, build_app
from connectors.tokopedia.webhooks import legacy_signature, tiktok_signature
from foundation.db import make_engine, transaction

APP_KEY, APP_SECRET, WEBHOOK_SECRET = "tts-app-key", "tts-app-secret-0123", "legacy-webhook-secret-0123"


@pytest.fixture
def receiver(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Receiver]]:
    monkeypatch.setenv(
        env_var_name("tts_1"), connection_json("tokopedia", host="h", login=APP_KEY, password=APP_SECRET)
    )
    legacy = {"fs_id": "12345", "webhook_secret": WEBHOOK_SECRET}
    monkeypatch.setenv(
        env_var_name("fs_2"), connection_json("tokopedia", host="h", login="c", password="s", extra=legacy)
    )
    shops = [PushShop("tokopedia", "7494000101", "tts_1"), PushShop("tokopedia", "7494000102", "fs_2")]
    app_receiver = Receiver(make_engine(db_url), shops)
    with SandboxServer(build_app(app_receiver)) as server:
        yield server.url, app_receiver


def landed(receiver: Receiver) -> list[tuple[str, str, str]]:
    with transaction(receiver.engine) as session:
        return [(p.shop_ref, p.stream, p.kind) for p in session.scalars(select(RawPage).order_by(RawPage.id))]


def test_a_signed_tiktok_push_lands_once_and_a_forged_one_leaves_no_trace(receiver):
    url, app = receiver
    body = json.dumps({"type": 1, "shop_id": "7494000101", "data": {"order_id": "576000000000000001"}}).encode()
    signed = {"Authorization": tiktok_signature(APP_KEY, APP_SECRET, body)}
    for _ in range(2):
        assert (
            requests.post(f"{url}/webhooks/tokopedia/tiktok", data=body, headers=signed, timeout=10).status_code == 200
        )
    forged = requests.post(f"{url}/webhooks/tokopedia/tiktok", data=body + b" ", headers=signed, timeout=10)
    assert forged.status_code == 401
    assert landed(app) == [("7494000101", "orders", "push_order_status")]


def test_a_legacy_push_is_verified_with_the_webhook_secret(receiver):
    url, app = receiver
    body = json.dumps({"order_id": 1100000001, "shop_id": 7494000102, "order_status": 400}).encode()
    header = {"Authorization-Hmac": legacy_signature(WEBHOOK_SECRET, body)}
    assert (
        requests.post(
            f"{url}/webhooks/tokopedia/legacy/order_status", data=body, headers=header, timeout=10
        ).status_code
        == 200
    )
    bad = {"Authorization-Hmac": legacy_signature("wrong-secret", body)}
    assert (
        requests.post(f"{url}/webhooks/tokopedia/legacy/order_status", data=body, headers=bad, timeout=10).status_code
        == 401
    )
    assert landed(app) == [("7494000102", "orders", "push_order_status")]
