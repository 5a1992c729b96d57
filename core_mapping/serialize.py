"""Canonical records to and from JSON (for the document store): Decimal as text, times as ISO-8601.

``to_json`` walks the records itself instead of calling ``dataclasses.asdict``: asdict deep-copies every
field, and profiling a large sync found it costing more than the SQL that stores the documents. The text is
the same as ``json.dumps(asdict(record), default=…, sort_keys=True)`` would give (stored payloads are compared).
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from connectors.base.records import (
    CanonicalRecord,
    FeeKind,
    Order,
    OrderLine,
    OrderStatus,
    RawRef,
    Settlement,
    SettlementComponent,
)

_AS_IS = frozenset({str, int, float, bool, type(None)})


def to_json(record: CanonicalRecord) -> str:
    return json.dumps(_plain(record), sort_keys=True)


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready dicts, lists and scalars: dataclasses by field, tuples as lists."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        return [_plain(item) for item in value]
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {kind.__name__}")


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


def order_from_json(text: str) -> Order:
    data = json.loads(text)
    return Order(
        platform=data["platform"],
        shop_ref=data["shop_ref"],
        order_ref=data["order_ref"],
        status=OrderStatus(data["status"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        currency=data["currency"],
        lines=tuple(
            OrderLine(
                line["sku_ref"],
                line["seller_sku"],
                line["name"],
                line["quantity"],
                Decimal(line["unit_price"]),
                Decimal(line["discount"]),
            )
            for line in data["lines"]
        ),
        revision=data["revision"],
        raw=RawRef(**data["raw"]),
        platform_status=data.get("platform_status", ""),
        shipped_at=datetime.fromisoformat(data["shipped_at"]) if data.get("shipped_at") else None,
        returned_quantities=tuple((sku, qty) for sku, qty in data.get("returned_quantities", [])),
        charges=Decimal(data.get("charges") or 0),
    )


def settlement_from_json(text: str) -> Settlement:
    data = json.loads(text)
    return Settlement(
        platform=data["platform"],
        shop_ref=data["shop_ref"],
        settlement_ref=data["settlement_ref"],
        order_ref=data.get("order_ref"),
        released_at=datetime.fromisoformat(data["released_at"]),
        currency=data["currency"],
        gross=Decimal(data["gross"]),
        components=tuple(
            SettlementComponent(FeeKind(c["kind"]), Decimal(c["amount"]), c.get("label", ""), c.get("sku_ref"))
            for c in data["components"]
        ),
        net=Decimal(data["net"]),
        revision=data["revision"],
        raw=RawRef(**data["raw"]),
        line_gross=tuple((sku, Decimal(amount)) for sku, amount in data.get("line_gross", [])),
        payout_ref=data.get("payout_ref"),
        tender=data.get("tender"),
        tender_ref=data.get("tender_ref"),
    )
