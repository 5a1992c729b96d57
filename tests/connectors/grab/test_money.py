"""Grab money is integer minor units with ``currency.exponent``: converted exactly, never guessed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.base.protocol import LandedPage
from connectors.base.records import FeeKind, Order, Rejected, Settlement
from connectors.grab import parse


def grab_order(exponent: object = 2, code: str = "IDR", **price: object) -> dict:
    return {
        "orderID": "1-260101000001",
        "merchantID": "1-CYNGRUNGSBCCC1",
        "orderTime": "2026-01-01T02:00:00Z",
        "completeTime": "2026-01-01T04:00:00Z",
        "orderState": "COMPLETED",
        "currency": {"code": code, "symbol": "Rp", "exponent": exponent},
        "items": [{"id": "M0001-001", "grabItemID": "5100001", "quantity": 1, "price": 2_550_000, "modifiers": []}],
        "campaigns": [],
        "price": {"subtotal": 2_550_000, "total": 2_550_000, **price},
    }


def page(kind: str, stream: str, payload: object) -> LandedPage:
    body = json.dumps(payload).encode()
    return LandedPage(1, "grab", "1-CYNGRUNGSBCCC1", stream, kind, {}, body, datetime.now(UTC))


def test_an_idr_amount_of_2550000_minor_units_is_rp25500_not_rp2550000():
    (order,) = parse.parse_page(page("submit_order", "orders", grab_order()))
    assert isinstance(order, Order)
    assert order.lines[0].unit_price == Decimal("25500") and order.gross == Decimal("25500")
    assert order.gross != Decimal("2550000")


def test_merchant_earning_becomes_an_exact_settlement_that_adds_up():
    earning = {"revenue": 2_550_000, "commission": 637_500, "netEarning": 1_912_500, "mexFundDiscount": 0}
    listing = {"more": False, "orders": [grab_order(merchantEarning=earning)]}
    (settlement,) = parse.parse_page(page("order_list", "settlements", listing))
    assert isinstance(settlement, Settlement) and settlement.revision == "1"
    assert (settlement.gross, settlement.net) == (Decimal("25500"), Decimal("19125"))
    assert settlement.component_total(FeeKind.COMMISSION) == Decimal("-6375")
    (order,) = parse.parse_page(page("order_list", "orders", listing))  # the same page in the orders stream
    assert isinstance(order, Order) and order.status.value == "COMPLETED"


@pytest.mark.parametrize(
    ("currency", "reason"),
    [
        ({"exponent": 7}, "unknown_exponent"),
        ({"exponent": "2"}, "unknown_exponent"),
        ({"exponent": None}, "unknown_exponent"),
        ({"code": "SGD"}, "unexpected_currency"),
    ],
)
def test_an_unknown_exponent_or_a_foreign_currency_is_quarantined_with_a_reason(currency, reason):
    payload = grab_order(**currency)  # type: ignore[arg-type]
    for kind, stream, body in (
        ("submit_order", "orders", payload),
        ("order_list", "orders", {"more": False, "orders": [payload]}),
    ):
        (record,) = parse.parse_page(page(kind, stream, body))
        assert isinstance(record, Rejected), record
        assert (record.reason, record.record_key) == (reason, "1-260101000001")


def test_merchant_funded_campaigns_reduce_the_lines_they_apply_to_exactly():
    payload = grab_order()
    del payload["orderState"]
    payload["items"].append({"id": "M0001-002", "grabItemID": "5100002", "quantity": 3, "price": 1_200_000})
    payload["campaigns"] = [
        {"deductedAmount": 300_000, "appliedItemIDs": ["M0001-002"], "deductedPart": "basket_amount"},
        {"deductedAmount": 100_001, "deductedPart": "basket_amount"},  # a basket campaign: split across lines
        {"deductedAmount": 500_000, "deductedPart": "delivery_fee", "level": "delivery_fee"},  # not on the items
    ]
    (order,) = parse.parse_page(page("submit_order", "orders", payload))
    assert isinstance(order, Order) and order.status.value == "PENDING"  # a Submit Order has no state yet
    assert [line.discount for line in order.lines] == [Decimal("500.01"), Decimal("3500")]
    assert order.gross == Decimal("25500") + Decimal("36000") - Decimal("4000.01")


@pytest.mark.parametrize("part", ["merchant", None, "basket"])
def test_a_campaign_on_an_undocumented_part_is_quarantined_not_guessed(part):
    """``deductedPart`` is ``basket_amount`` or ``delivery_fee`` (SDK OrderCampaign): anything else is not read
    as an item discount (the sandbox once sent ``merchant``)."""
    payload = grab_order()
    payload["campaigns"] = [{"deductedAmount": 100_000, "deductedPart": part}]
    (record,) = parse.parse_page(page("order_list", "orders", {"more": False, "orders": [payload]}))
    assert isinstance(record, Rejected), record
    assert (record.reason, record.record_key) == ("unknown_campaign_part", "1-260101000001")
