"""The shared webhook receiver over real HTTP: routing, Shopee push hints, unconfigured outlets, concurrency."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import func, select

from connectors.base.connection import connection_json, env_var_name
from connectors.base.landing import RawPage
from connectors.base.sandbox.server import SandboxServer
from connectors.base.webhooks import PushEvent, PushShop, Receiver, build_app
from connectors.shopee.signing import push_signature
from foundation.db import make_engine, transaction

GOBIZ_SECRET, PARTNER_KEY = "gobiz-notification-secret", "shopee-partner-key-0123"
CALLBACK = "https://coop.example/webhooks/shopee"


@pytest.fixture
def receiver(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Receiver]]:
    monkeypatch.setenv(
        env_var_name("gojek_g1"),
        connection_json("gojek", host="http://x", login="c", password="p", extra={"notification_secret": GOBIZ_SECRET}),
    )
    extra = {"push_callback_url": CALLBACK}
    monkeypatch.setenv(
        env_var_name("shopee_1"),
        connection_json("shopee", host="http://x", login="1", password=PARTNER_KEY, extra=extra),
    )
    other = {"notification_secret": "another-apps-secret"}
    monkeypatch.setenv(
        env_var_name("gojek_g2"), connection_json("gojek", host="h", login="c", password="p", extra=other)
    )
    monkeypatch.setenv(env_var_name("shopee_2"), connection_json("shopee", host="http://x", login="2", password=""))
    shops = [PushShop("gojek", "G1", "gojek_g1"), PushShop("shopee", "880000101", "shopee_1")]
    shops += [PushShop("gojek", "G9", "gojek_missing_connection"), PushShop("gojek", "G2", "gojek_g2")]
    shops.append(PushShop("shopee", "880000102", "shopee_2"))
    app_receiver = Receiver(make_engine(db_url), shops)
    with SandboxServer(build_app(app_receiver)) as server:
        yield server.url, app_receiver


def pages(receiver: Receiver) -> list[RawPage]:
    with transaction(receiver.engine) as session:
        return list(session.scalars(select(RawPage).order_by(RawPage.id)))


def gobiz_event(outlet: str, event_id: str = "e-1") -> bytes:
    header = {"event_name": "gofood.order.completed", "event_id": event_id, "timestamp": "2026-01-01T00:00:00Z"}
    return json.dumps({"header": header, "body": {"outlet": {"id": outlet}, "order": {"order_number": "F-1"}}}).encode()


def gobiz_post(url: str, body: bytes, secret: str = GOBIZ_SECRET) -> requests.Response:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(url + "/webhooks/gojek", data=body, headers={"X-Go-Signature": signature}, timeout=10)


def test_health_lists_the_mounted_platform_routers(receiver):
    url, _ = receiver
    health = requests.get(url + "/webhooks/health", timeout=5).json()
    assert {"gojek", "shopee"} <= set(health["platforms"]) and health["shops"] == 5


def test_shopee_push_is_verified_over_the_registered_url_and_lands_as_a_hint_once(receiver):
    url, app_receiver = receiver
    body = b'{"shop_id":880000101,"code":3,"timestamp":1767225600,"data":{"ordersn":"2601010001SH","status":"SHIPPED"}}'
    good = {"Authorization": push_signature(PARTNER_KEY, CALLBACK, body)}
    wrong_url = {"Authorization": push_signature(PARTNER_KEY, url + "/webhooks/shopee/", body)}
    assert requests.post(url + "/webhooks/shopee", data=body, headers=wrong_url, timeout=5).status_code == 401
    assert pages(app_receiver) == []
    first = requests.post(url + "/webhooks/shopee", data=body, headers=good, timeout=5)
    second = requests.post(url + "/webhooks/shopee", data=body, headers=good, timeout=5)
    assert (first.status_code, first.content, second.status_code) == (200, b"", 200)
    (page,) = pages(app_receiver)
    assert (page.platform, page.shop_ref, page.stream, page.kind) == ("shopee", "880000101", "orders", "push_hint")
    verification = b'{"code":0,"data":{"verify_info":"This is a Verification message."}}'
    headers = {"Authorization": push_signature(PARTNER_KEY, CALLBACK, verification)}
    assert requests.post(url + "/webhooks/shopee", data=verification, headers=headers, timeout=5).status_code == 200
    assert pages(app_receiver)[-1].shop_ref == "_partner"


def test_an_authentic_event_for_an_unconfigured_outlet_is_landed_under_it_not_dropped(receiver):
    url, app_receiver = receiver
    assert gobiz_post(url, gobiz_event("G777")).status_code == 200
    assert [(p.shop_ref, p.kind) for p in pages(app_receiver)] == [("G777", "gofood_order_event")]


def test_a_shop_without_a_connection_cannot_be_impersonated(receiver):
    url, app_receiver = receiver
    assert gobiz_post(url, gobiz_event("G9"), secret="").status_code == 401
    assert gobiz_post(url, gobiz_event("G9"), secret="guess").status_code == 401
    assert pages(app_receiver) == []


def test_concurrent_deliveries_of_one_event_land_exactly_once(receiver):
    url, app_receiver = receiver
    body, statuses = gobiz_event("G1", "same-event"), []
    start = threading.Barrier(8)

    def deliver() -> None:
        start.wait()
        statuses.append(gobiz_post(url, body).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 8
    with transaction(app_receiver.engine) as session:
        assert session.scalar(select(func.count()).select_from(PushEvent)) == 1
    assert len(pages(app_receiver)) == 1


def test_one_outlets_secret_cannot_write_another_configured_outlets_events(receiver):
    url, app_receiver = receiver
    assert gobiz_post(url, gobiz_event("G2"), secret=GOBIZ_SECRET).status_code == 403
    assert gobiz_post(url, gobiz_event("G2"), secret="another-apps-secret").status_code == 200
    assert [p.shop_ref for p in pages(app_receiver)] == ["G2"]


def test_a_shopee_shop_without_a_partner_key_never_verifies_an_empty_key_signature(receiver):
    url, app_receiver = receiver
    body = b'{"shop_id":880000102,"code":3,"data":{}}'
    headers = {"Authorization": push_signature("", CALLBACK, body)}
    assert requests.post(url + "/webhooks/shopee", data=body, headers=headers, timeout=5).status_code == 401
    assert pages(app_receiver) == []
