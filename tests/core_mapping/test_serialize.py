"""``to_json``: the document store's text of a record. It must stay exactly the text stored so far, that of
``json.dumps(asdict(record), sort_keys=True)`` with Decimal as text and times in ISO-8601: stored payloads are
compared with fresh ones, and ``stock.master`` searches them for ``"status": "…"``. An order round-trips."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from connectors.base.records import (
    FeeKind,
    Order,
    OrderLine,
    OrderStatus,
    RawRef,
    Settlement,
    SettlementComponent,
    StockLevel,
    WalletMovement,
    WalletMovementKind,
)
from core_mapping.serialize import order_from_json, to_json

WIB = timezone(timedelta(hours=7))
ORDER = Order(
    platform="shopee",
    shop_ref="880000101",
    order_ref="260101ABC",
    status=OrderStatus.SHIPPED,
    created_at=datetime(2026, 1, 1, 9, 30, tzinfo=UTC),
    updated_at=datetime(2026, 1, 2, 10, 0, 0, 123456, tzinfo=WIB),
    currency="IDR",
    lines=(
        OrderLine("3000040:9000040", "KOP-001", "Kopi Gayo 250 g", 2, Decimal("60000.0"), Decimal("5000")),
        OrderLine("3000030:0", None, "Gula aren \u201cmurni\u201d", 1, Decimal("35000")),
    ),
    revision="1767260000",
    raw=RawRef(17, "260101ABC"),
    platform_status="SHIPPED",
    shipped_at=datetime(2026, 1, 2, tzinfo=UTC),
    returned_quantities=(("3000030:0", 1),),
    charges=Decimal("2000.50"),
)
RECORDS = [
    ORDER,
    Settlement(
        platform="shopee",
        shop_ref="880000101",
        settlement_ref="260101ABC",
        order_ref="260101ABC",
        released_at=datetime(2026, 1, 5, tzinfo=UTC),
        currency="IDR",
        gross=Decimal("155000.0"),
        components=(
            SettlementComponent(FeeKind.COMMISSION, Decimal("-6588.0"), "commission_fee"),
            SettlementComponent(FeeKind.REFUND, Decimal("-35000"), "return", sku_ref="3000030:0"),
        ),
        net=Decimal("113412.0"),
        revision="2",
        raw=RawRef(18),
        line_gross=(("3000040:9000040", Decimal("120000.0")),),
    ),
    WalletMovement(
        platform="shopee",
        shop_ref="880000101",
        movement_ref="W1",
        kind=WalletMovementKind.WITHDRAWAL,
        amount=Decimal("-113412"),
        occurred_at=datetime(2026, 1, 6, tzinfo=UTC),
        currency="IDR",
        revision="1",
        raw=RawRef(19, "W1"),
        bank_reference=None,
        balance_after=Decimal("0"),
    ),
    StockLevel(
        platform="shopee",
        shop_ref="880000101",
        sku_ref="3000040:9000040",
        seller_sku="KOP-001",
        location="default",
        available=12,
        reserved=0,
        observed_at=datetime(2026, 1, 6, 8, tzinfo=UTC),
        raw=RawRef(20),
    ),
]


def _reference(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(type(value).__name__)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_the_text_is_the_stored_one(record: Any) -> None:
    assert to_json(record) == json.dumps(asdict(record), default=_reference, sort_keys=True)


def test_an_order_round_trips_and_its_status_can_be_searched_for() -> None:
    text = to_json(ORDER)
    assert order_from_json(text) == ORDER
    assert '"status": "SHIPPED"' in text
