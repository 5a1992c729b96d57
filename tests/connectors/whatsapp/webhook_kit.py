"""Hand-written Cloud API webhooks and a real receiver on loopback for the WhatsApp tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from connectors.base.connection import connection_json, env_var_name
from connectors.base.sandbox.server import SandboxServer
from connectors.base.webhooks import PushShop, Receiver, build_app

SHOP = "106540352000001"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
CONN_ID = f"whatsapp_{SHOP}"


def item(sku: str, quantity: Any, price: Any, currency: str = "IDR") -> dict[str, Any]:
    return {"product_retailer_id": sku, "quantity": quantity, "item_price": price, "currency": currency}


def order_message(wamid: str, items: list[dict[str, Any]], timestamp: str = "1791961200") -> dict[str, Any]:
    """1791961200 = 2026-10-14 07:00 UTC (14:00 WIB)."""
    return {
        "from": "6281311112222",
        "id": wamid,
        "timestamp": timestamp,
        "type": "order",
        "order": {"catalog_id": "cat-1", "text": "kirim sore ya", "product_items": items},
    }


def webhook(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None, shop: str = SHOP) -> dict:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100001111", "phone_number_id": shop},
        "contacts": [{"profile": {"name": "Rina Pembeli"}, "wa_id": "6281311112222"}],
    }
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": value}]}],
    }


def signed(payload: dict[str, Any], secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


@contextmanager
def receiver(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The real webhook receiver for one WhatsApp shop, on loopback; yields its URL."""
    connection = connection_json(
        conn_type="whatsapp", host="", login="app-1", password=APP_SECRET, extra={"verify_token": VERIFY_TOKEN}
    )
    monkeypatch.setenv(env_var_name(CONN_ID), connection)
    with SandboxServer(build_app(Receiver(engine, [PushShop("whatsapp", SHOP, CONN_ID)]))) as server:
        yield server.url


def post(url: str, payload: dict[str, Any], secret: str = APP_SECRET) -> int:
    body, headers = signed(payload, secret)
    return requests.post(f"{url}/webhooks/whatsapp", data=body, headers=headers, timeout=10).status_code
