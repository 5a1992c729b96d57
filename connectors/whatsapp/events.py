"""A Cloud API webhook body → what to land: one cleaned page per message or status, each with its shop and id.

The Cloud API posts ``{"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [{"field":
"messages", "value": {"metadata": {"phone_number_id"}, "contacts", "messages" | "statuses"}}]}]}`` and may batch
several messages or statuses into one body (developers.facebook.com, WhatsApp Cloud API webhooks reference).
Each message and each status becomes its own page in that same documented envelope, holding one item, so
a duplicate delivery of one message is recognised by its ``wamid`` whatever it was batched with.

Kept (allowlist; everything else is dropped before landing, including fields Meta adds later): ``object``;
``entry[].id``; ``changes[].field``; ``value.messaging_product``, ``value.metadata.phone_number_id`` (the shop);
a message's ``id`` (wamid), ``timestamp``, ``type`` and, for ``type == "order"``, ``order.catalog_id`` and
``order.product_items[]`` {product_retailer_id, quantity, item_price, currency}; a status's ``id``,
``status`` and ``timestamp``. Dropped: ``contacts`` (the buyer's profile name and wa_id), a message's ``from``
(the buyer's phone number), ``order.text`` and every other message body (text, image, location…), a status's
``recipient_id``, ``conversation`` and ``pricing``, and ``metadata.display_phone_number``. The buyer is not kept
even hashed: the wamid is the dedup key and the books need no buyer (docs/data_protection.md). Prices are parsed
as ``Decimal`` and re-serialised exactly, sorted keys, so a re-delivery lands as the identical page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.base.webhooks import Spec, body_event_id, canonical_json, keep_only

OBJECT = "whatsapp_business_account"
ORDER_KIND, OTHER_MESSAGE_KIND, STATUS_KIND = "order_message", "other_message", "message_status"
OTHER_CHANGE_KIND, MALFORMED_KIND = "other_change", "malformed_event"
UNROUTED = "_unrouted"  # authentic bodies whose phone number id cannot be read land here, to be quarantined

MESSAGE: Spec = {
    "id": True,
    "timestamp": True,
    "type": True,
    "order": {
        "catalog_id": True,
        "product_items": {"product_retailer_id": True, "quantity": True, "item_price": True, "currency": True},
    },
}
STATUS: Spec = {"id": True, "status": True, "timestamp": True}
VALUE: Spec = {"messaging_product": True, "metadata": {"phone_number_id": True}}


@dataclass(frozen=True)
class PreparedEvent:
    shop_ref: str  # the business phone number id the change names
    event_id: str
    stream: str
    kind: str
    body: bytes


def prepare(raw: bytes) -> list[PreparedEvent]:
    """Split and clean one verified webhook body. A body that is not a Cloud API webhook is kept as received
    (there is nothing to strip from bytes we cannot read) and lands as ``malformed_event`` for quarantine."""
    try:
        payload = json.loads(raw, parse_float=Decimal)
    except ValueError:
        payload = None
    entries = payload.get("entry") if isinstance(payload, dict) else None
    if not isinstance(entries, list) or not entries or payload.get("object") != OBJECT:  # type: ignore[union-attr]
        return [PreparedEvent(UNROUTED, body_event_id(raw), "orders", MALFORMED_KIND, raw)]
    prepared = [event for entry in entries for event in _entry(entry, raw)]
    return prepared or [PreparedEvent(UNROUTED, body_event_id(raw), "orders", MALFORMED_KIND, raw)]


def _entry(entry: Any, raw: bytes) -> Iterator[PreparedEvent]:
    if not isinstance(entry, dict) or not isinstance(entry.get("changes"), list):
        yield PreparedEvent(UNROUTED, body_event_id(raw), "orders", MALFORMED_KIND, raw)
        return
    for change in entry["changes"]:
        value = change.get("value") if isinstance(change, dict) else None
        if not isinstance(value, dict):
            yield PreparedEvent(UNROUTED, body_event_id(raw), "orders", MALFORMED_KIND, raw)
            continue
        metadata = value.get("metadata")
        shop = str(metadata.get("phone_number_id") or "") if isinstance(metadata, dict) else ""
        base = keep_only(value, VALUE)
        items = [("messages", m, MESSAGE) for m in _list(value, "messages")]
        items += [("statuses", s, STATUS) for s in _list(value, "statuses")]
        if change.get("field") != "messages" or not items:
            body = _envelope(entry, change, base)
            yield PreparedEvent(shop or UNROUTED, body_event_id(body), "orders", OTHER_CHANGE_KIND, body)
            continue
        for key, item, spec in items:
            body = _envelope(entry, change, {**base, key: [keep_only(item, spec)]})
            yield PreparedEvent(shop or UNROUTED, _event_id(key, item, body), "orders", _kind(key, item), body)


def _list(value: dict[str, Any], key: str) -> list[Any]:
    items = value.get(key)
    return items if isinstance(items, list) else []


def _envelope(entry: dict[str, Any], change: dict[str, Any], value: Any) -> bytes:
    cleaned = {
        "object": OBJECT,
        "entry": [{"id": entry.get("id"), "changes": [{"field": change.get("field"), "value": value}]}],
    }
    return canonical_json(cleaned)


def _event_id(key: str, item: Any, body: bytes) -> str:
    """A message's wamid; a status's wamid with its state (one message goes sent → delivered → read)."""
    ident = item.get("id") if isinstance(item, dict) else None
    if not ident:
        return body_event_id(body)
    return str(ident) if key == "messages" else f"status:{ident}:{item.get('status')}"


def _kind(key: str, item: Any) -> str:
    if key == "statuses":
        return STATUS_KIND
    return ORDER_KIND if isinstance(item, dict) and item.get("type") == "order" else OTHER_MESSAGE_KIND


def load(body: bytes) -> dict[str, Any]:
    return json.loads(body, parse_float=Decimal)


def single_message(payload: dict[str, Any]) -> dict[str, Any]:
    """The one message of a landed order page (``prepare`` lands one per page)."""
    return payload["entry"][0]["changes"][0]["value"]["messages"][0]
