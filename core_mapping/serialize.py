"""Canonical records to and from JSON (for the document store): Decimal as text, times as ISO-8601.

``to_json`` lets the C encoder walk the record and calls back into Python only for what JSON has no type
for (a dataclass becomes the dict of its fields, a Decimal its text, a time its ISO form). ``dataclasses.asdict``
deep-copies every field, and a Python walk of every value (the previous version) still cost more than the SQL
that stores the documents (issue 22). The text is the same as ``json.dumps(asdict(record), default=…,
sort_keys=True)`` would give, which matters: stored payloads are compared to tell a changed document.
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


def to_json(record: CanonicalRecord) -> str:
    return _ENCODER.encode(record)


def _json_default(value: Any) -> Any:
    """What the encoder cannot write itself: dataclasses by field (their values encoded in turn), Decimal as
    text, times as ISO-8601. Tuples and lists, str and int enums and scalars the encoder writes natively."""
    kind: type = type(value)  # as ``type``: mypy checks a ``type[X]`` against Hashable by X's unbound __hash__
    names = _field_names(kind)
    if names is not None:
        return {name: getattr(value, name) for name in names}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


# One encoder for every record: ``json.dumps`` with options builds a new one per call. ``encode`` keeps no state
# between calls, so threads may share it.
_ENCODER = json.JSONEncoder(default=_json_default, sort_keys=True)


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
