"""Grab pushes → what to land: Submit Order (the whole order) and Push Order State (a state hint).

Kept from a Submit Order (allowlist; re-serialised with sorted keys, amounts stay integer minor units):
orderID, shortOrderNumber, merchantID, partnerMerchantID, paymentType, orderTime, submitTime, completeTime,
scheduledTime, orderState, currency, featureFlags, items [id, grabItemID, quantity, price, tax, modifiers
[id, price, tax, quantity]], campaigns, promos, price. Dropped: ``receiver`` (name, phones, address,
virtual contact), membership ids, item ``specifications`` / ``outOfStockInstruction`` (free text from the
eater), dine-in and ready-time details, and any field not listed.
Kept from a state push: merchantID, partnerMerchantID, orderID, state, code, message (no personal data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.base.webhooks import Spec, body_event_id, canonical_json, keep_only

ORDER_STATE_KIND = "order_state"  # the landed kind of a state push: it names an order and nothing more
SUBMIT_ORDER: Spec = {
    **{
        key: True
        for key in (
            "orderID",
            "shortOrderNumber",
            "merchantID",
            "partnerMerchantID",
            "paymentType",
            "orderTime",
            "submitTime",
            "completeTime",
            "scheduledTime",
            "orderState",
            "currency",
            "featureFlags",
            "campaigns",
            "promos",
            "price",
        )
    },
    "items": {
        "id": True,
        "grabItemID": True,
        "quantity": True,
        "price": True,
        "tax": True,
        "modifiers": {"id": True, "price": True, "tax": True, "quantity": True},
    },
}
ORDER_STATE: Spec = {key: True for key in ("merchantID", "partnerMerchantID", "orderID", "state", "code", "message")}
UNROUTED = "_unrouted"


@dataclass(frozen=True)
class PreparedPush:
    merchant_id: str
    event_id: str
    kind: str
    body: bytes


def prepare(raw: bytes, kind: str) -> PreparedPush:
    """``kind`` is ``submit_order`` or ``order_state``; unreadable bodies land as received for quarantine."""
    try:
        payload = json.loads(raw, parse_float=Decimal)
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not payload.get("orderID"):
        return PreparedPush(UNROUTED, body_event_id(raw), "malformed_push", raw)
    merchant = str(payload.get("merchantID") or UNROUTED)
    if kind == "submit_order":
        event_id = f"submit:{payload['orderID']}"
        return PreparedPush(merchant, event_id, kind, canonical_json(keep_only(payload, SUBMIT_ORDER)))
    event_id = f"state:{payload['orderID']}:{payload.get('state')}"
    return PreparedPush(merchant, event_id, kind, canonical_json(keep_only(payload, ORDER_STATE)))


def load(body: bytes) -> Any:
    return json.loads(body, parse_float=Decimal)
