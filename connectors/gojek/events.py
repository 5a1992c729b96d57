"""A GoBiz webhook body → what to land: its outlet, event id, stream/kind, and the body without personal data.

Kept (allowlist; everything else is dropped before landing, including any field GoBiz adds later):
``header`` {event_name, event_id, timestamp, version}; ``body`` {service_type, outlet {id, external_outlet_id},
order {order_number, status, currency, created_at, order_total, takeaway_charges, applied_promotions (whole: it
is money, and its inner fields are not shown in the documentation read, see README), order_items [id,
external_id, name, quantity, price, variants [id, external_id, name]], cancellation_detail {reason,
cancelled_by}}, transaction {id, order_number, status, currency, gross_amount, settled_at}}.
Dropped: ``customer`` (id, name) and ``driver``, the delivery ``pin``, ``cutlery_requested``, item ``notes`` (free
text from the eater), and anything not listed. Money is never dropped: ``order_total``, ``takeaway_charges`` and
``applied_promotions`` are what the parser needs to book the order exactly. The cleaned event is re-serialised
deterministically (sorted keys), so a re-delivered event lands as the identical page; GoBiz amounts are integer
rupiah, so nothing is rounded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.base.webhooks import Spec, body_event_id, canonical_json, keep_only
from connectors.gojek.statuses import CATALOG_EVENT_PREFIX, ORDER_EVENT_PREFIX, SETTLEMENT_EVENT

_ITEM: Spec = {
    "id": True,
    "external_id": True,
    "name": True,
    "quantity": True,
    "price": True,
    "variants": {"id": True, "external_id": True, "name": True},
}
KEEP: Spec = {
    "header": {"event_name": True, "event_id": True, "timestamp": True, "version": True},
    "body": {
        "service_type": True,
        "outlet": {"id": True, "external_outlet_id": True},
        "order": {
            "order_number": True,
            "status": True,
            "currency": True,
            "created_at": True,
            "order_total": True,
            "takeaway_charges": True,
            "applied_promotions": True,
            "order_items": _ITEM,
            "cancellation_detail": {"reason": True, "cancelled_by": True},
        },
        "transaction": {
            "id": True,
            "order_number": True,
            "status": True,
            "currency": True,
            "gross_amount": True,
            "settled_at": True,
        },
        "catalog": {"request_id": True, "status": True},
    },
}
UNROUTED = "_unrouted"  # authentic events whose outlet cannot be read land here, to be quarantined


@dataclass(frozen=True)
class PreparedEvent:
    outlet_id: str
    event_id: str
    event_name: str
    stream: str
    kind: str
    body: bytes


def prepare(raw: bytes) -> PreparedEvent:
    """Classify and clean one verified event. A body that is not a GoBiz event is kept as received (there is
    nothing to strip from bytes we cannot read) and lands as ``malformed_event`` for quarantine."""
    try:
        event = json.loads(raw, parse_float=Decimal)
    except ValueError:
        event = None
    header = event.get("header") if isinstance(event, dict) else None
    if not isinstance(header, dict) or not isinstance(event.get("body"), dict):  # type: ignore[union-attr]
        return PreparedEvent(UNROUTED, body_event_id(raw), "", "orders", "malformed_event", raw)
    name = str(header.get("event_name") or "")
    outlet = (event["body"].get("outlet") or {}).get("id") if isinstance(event["body"].get("outlet"), dict) else None
    event_id = str(header.get("event_id") or "") or body_event_id(raw)
    stream, kind = classify(name)
    cleaned = canonical_json(keep_only(event, KEEP))
    return PreparedEvent(str(outlet) if outlet else UNROUTED, event_id, name, stream, kind, cleaned)


def classify(event_name: str) -> tuple[str, str]:
    if event_name.startswith(ORDER_EVENT_PREFIX):
        return "orders", "gofood_order_event"
    if event_name == SETTLEMENT_EVENT:
        return "settlements", "settlement_event"
    if event_name.startswith(CATALOG_EVENT_PREFIX):
        return "stock", "catalog_event"
    return "orders", "other_event"


def load(body: bytes) -> dict[str, Any]:
    return json.loads(body, parse_float=Decimal)
