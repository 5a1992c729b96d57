"""Canonical records to and from JSON (for the document store): Decimal as text, times as ISO-8601."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from enum import Enum
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


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(record: CanonicalRecord) -> str:
    return json.dumps(asdict(record), default=_default, sort_keys=True)


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
            SettlementComponent(FeeKind(c["kind"]), Decimal(c["amount"]), c.get("label", ""))
            for c in data["components"]
        ),
        net=Decimal(data["net"]),
        revision=data["revision"],
        raw=RawRef(**data["raw"]),
        line_gross=tuple((sku, Decimal(amount)) for sku, amount in data.get("line_gross", [])),
    )
