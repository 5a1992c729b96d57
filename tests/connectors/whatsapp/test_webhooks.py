"""The WhatsApp receiver: Meta's verification GET, ``X-Hub-Signature-256`` over the raw bytes, batched bodies
split into one page per message, personal data scrubbed, non-order messages landed but never quarantined."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import requests
from sqlalchemy import func, select

from connectors.base.landing import RawPage
from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderStatus
from connectors.base.webhooks import PushEvent
from connectors.whatsapp import events, parse
from connectors.whatsapp.webhooks import signature, verify
from foundation.db import transaction
from tests.connectors.whatsapp.webhook_kit import (
    APP_SECRET,
    SHOP,
    VERIFY_TOKEN,
    item,
    order_message,
    post,
    receiver,
    signed,
    webhook,
)


def test_signature_is_sha256_prefixed_hmac_of_the_raw_bytes():
    body, headers = signed(webhook(order_message("wamid.A", [item("KRP-01", 1, 15000)])))
    header = headers["X-Hub-Signature-256"]
    assert header == signature(APP_SECRET, body) and header.startswith("sha256=")
    assert verify(APP_SECRET, body, header) and verify(APP_SECRET, body, "SHA256=" + header[7:].upper())
    assert not verify(APP_SECRET, body, header[7:]), "the bare hex without sha256= is not Meta's header"
    assert not verify(APP_SECRET, json.dumps(json.loads(body), indent=1).encode(), header)
    assert not verify("another-secret", body, header) and not verify(APP_SECRET, body, None)
    assert not verify("", body, signature("", body)), "an unset app secret never verifies"


def test_the_verification_request_echoes_the_challenge_only_for_the_configured_token(engine, monkeypatch):
    with receiver(engine, monkeypatch) as url:
        ok = requests.get(
            f"{url}/webhooks/whatsapp",
            params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
            timeout=10,
        )
        wrong_token = requests.get(
            f"{url}/webhooks/whatsapp",
            params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"},
            timeout=10,
        )
        wrong_mode = requests.get(
            f"{url}/webhooks/whatsapp",
            params={"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
            timeout=10,
        )
        bare = requests.get(f"{url}/webhooks/whatsapp", timeout=10)
    assert (ok.status_code, ok.text, ok.headers["content-type"].split(";")[0]) == (200, "1158201444", "text/plain")
    assert (wrong_token.status_code, wrong_mode.status_code, bare.status_code) == (403, 403, 403)
    assert "1158201444" not in wrong_token.text


def test_a_batched_body_lands_one_scrubbed_page_per_message_and_status(engine, monkeypatch):
    order = order_message("wamid.ORDER1", [item("KRP-01", 2, 15000), item("SBL-01", 1, 20000.5)])
    text = {"from": "6281311112222", "id": "wamid.TEXT1", "timestamp": "1791961260", "type": "text",
            "text": {"body": "alamat Jl. Kenanga 9"}}  # fmt: skip
    status = {"id": "wamid.REPLY1", "status": "read", "timestamp": "1791961300", "recipient_id": "6281311112222"}
    payload = webhook(order, text, statuses=[status])
    with receiver(engine, monkeypatch) as url:
        assert post(url, payload) == 200
        assert post(url, payload) == 200  # Meta retries: nothing lands twice
        assert post(url, payload, secret="wrong") == 401
    with transaction(engine) as session:
        pages = {row.kind: row.body for row in session.scalars(select(RawPage))}
        recorded = set(session.scalars(select(PushEvent.event_id)))
        count = session.scalar(select(func.count()).select_from(RawPage))
    assert count == 3 and set(pages) == {"order_message", "other_message", "message_status"}
    assert recorded == {"wamid.ORDER1", "wamid.TEXT1", "status:wamid.REPLY1:read"}
    landed = b" ".join(pages.values())
    for personal in (b"6281311112222", b"Rina Pembeli", b"kirim sore", b"Kenanga", b"6281100001111"):
        assert personal not in landed, personal
    kept = events.single_message(json.loads(pages["order_message"]))
    # A non-integer number is landed as its exact decimal text (connectors.base.webhooks.canonical_json), never
    # through float, and parsed back to the same Decimal.
    assert kept["order"]["product_items"][1] == item("SBL-01", 1, "20000.5")
    page = LandedPage(1, "whatsapp", SHOP, "orders", "order_message", {}, pages["order_message"], datetime.now(UTC))
    [order] = parse.parse_page(page)
    assert isinstance(order, Order) and order.gross == Decimal("50000.5") and order.status is OrderStatus.PENDING


def test_unsigned_or_unknown_json_is_refused_and_an_authentic_non_webhook_is_quarantined(engine, monkeypatch):
    with receiver(engine, monkeypatch) as url:
        unsigned = requests.post(f"{url}/webhooks/whatsapp", data=b"{}", timeout=10)
        body, headers = signed({"hello": "world"})
        authentic = requests.post(f"{url}/webhooks/whatsapp", data=body, headers=headers, timeout=10)
    assert (unsigned.status_code, authentic.status_code) == (401, 200)
    with transaction(engine) as session:
        [page] = session.scalars(select(RawPage)).all()
    assert (page.kind, page.shop_ref) == ("malformed_event", events.UNROUTED)


def test_a_change_for_a_configured_shop_signed_by_another_app_is_refused(engine, monkeypatch):
    from connectors.base.connection import connection_json, env_var_name
    from connectors.base.sandbox.server import SandboxServer
    from connectors.base.webhooks import PushShop, Receiver, build_app

    monkeypatch.setenv(env_var_name("wa_a"), connection_json(conn_type="whatsapp", password="secret-a"))
    monkeypatch.setenv(env_var_name("wa_b"), connection_json(conn_type="whatsapp", password="secret-b"))
    shops = [PushShop("whatsapp", "111", "wa_a"), PushShop("whatsapp", "222", "wa_b")]
    with SandboxServer(build_app(Receiver(engine, shops))) as server:
        status = post(server.url, webhook(order_message("wamid.X", [item("K", 1, 1)]), shop="222"), "secret-a")
    assert status == 403
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(RawPage)) == 0
