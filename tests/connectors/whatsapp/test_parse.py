"""WhatsApp parsing, pure: an order message's exact money and every reason a record cannot be booked; a
confirmation page's order and settlement; pages that are not accounting parse to nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderStatus, Rejected, Settlement
from connectors.whatsapp import events, parse
from connectors.whatsapp.confirmation import KIND, confirmation_body
from tests.connectors.whatsapp.webhook_kit import SHOP, item, order_message, webhook

PAID = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


def page_of(payload: dict, page_id: int = 7) -> LandedPage:
    [prepared] = events.prepare(json.dumps(payload).encode())
    return LandedPage(page_id, "whatsapp", SHOP, prepared.stream, prepared.kind, {}, prepared.body, datetime.now(UTC))


def test_an_order_message_is_a_pending_order_with_exact_lines():
    [order] = parse.parse_page(page_of(webhook(order_message("wamid.1", [item("KRP-01", 2, 15000),
                                                                          item("SBL-01", 1, 20000.5)]))))  # fmt: skip
    assert isinstance(order, Order)
    assert (order.order_ref, order.status, order.revision, order.currency) == (
        "wamid.1",
        OrderStatus.PENDING,
        "1",
        "IDR",
    )
    assert order.created_at == datetime(2026, 10, 14, 7, 0, tzinfo=UTC)
    assert [(line.sku_ref, line.seller_sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("KRP-01", "KRP-01", 2, Decimal(15000)),
        ("SBL-01", "SBL-01", 1, Decimal("20000.5")),
    ]
    assert order.gross == Decimal("50000.5")


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        ([item("KRP-01", 1, -1)], "negative_amount"),
        ([item("KRP-01", 1, None)], "missing_amount"),
        ([item("KRP-01", 1, "lima ribu")], "invalid_amount"),
        ([item("KRP-01", 0, 1000)], "invalid_quantity"),
        ([item("KRP-01", 1, 1000), item("SBL-01", 1, 1000, currency="USD")], "unsupported_currency"),
        ([item(None, 1, 1000)], "missing_field"),  # type: ignore[arg-type]
        ([], "missing_field"),
    ],
)
def test_an_order_that_cannot_be_booked_is_rejected_with_its_reason(items, reason):
    [record] = parse.parse_page(page_of(webhook(order_message("wamid.BAD", items))))
    assert isinstance(record, Rejected) and (record.record_key, record.reason) == ("wamid.BAD", reason)


def test_a_bad_timestamp_is_rejected():
    [record] = parse.parse_page(page_of(webhook(order_message("wamid.T", [item("K", 1, 1)], timestamp="kemarin"))))
    assert isinstance(record, Rejected) and record.reason == "invalid_time"


def test_texts_statuses_and_other_fields_parse_to_nothing():
    text = {"from": "62", "id": "wamid.TX", "timestamp": "1791961260", "type": "text", "text": {"body": "halo"}}
    status = {"id": "wamid.S", "status": "read", "timestamp": "1791961300"}
    for payload in (webhook(text), webhook(statuses=[status])):
        assert list(parse.parse_page(page_of(payload))) == []
    other = {"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [{"field": "account_update",
             "value": {"event": "VERIFIED_ACCOUNT"}}]}]}  # fmt: skip
    [prepared] = events.prepare(json.dumps(other).encode())
    assert prepared.kind == "other_change" and b"VERIFIED_ACCOUNT" not in prepared.body


def test_a_confirmation_is_the_completed_order_and_its_fee_free_settlement():
    order_page = page_of(webhook(order_message("wamid.1", [item("KRP-01", 2, 15000), item("KRP-01", 1, 15000),
                                                             item("SBL-01", 1, 20000)])))  # fmt: skip
    body = confirmation_body(order_page.body, "wamid.1", "qris", "QR-77", PAID, "operator")
    page = LandedPage(9, "whatsapp", SHOP, "settlements", KIND, {}, body, datetime.now(UTC))
    order, settlement = parse.parse_page(page)
    assert isinstance(order, Order) and isinstance(settlement, Settlement)
    assert (order.status, order.revision, order.shipped_at, order.updated_at) == (
        OrderStatus.COMPLETED,
        "2",
        PAID,
        PAID,
    )
    assert (settlement.gross, settlement.net, settlement.components, settlement.tender) == (65000, 65000, (), "qris")
    assert dict(settlement.line_gross) == {"KRP-01": Decimal(45000), "SBL-01": Decimal(20000)}
    assert (settlement.settlement_ref, settlement.order_ref, settlement.released_at) == ("wamid.1", "wamid.1", PAID)
    assert confirmation_body(order_page.body, "wamid.1", "qris", "QR-77", PAID, "operator") == body


def test_a_broken_confirmation_page_is_rejected_not_dropped():
    for body in (b"{}", b"not json", json.dumps({"confirmation": {"method": "card"}, "order_page": {}}).encode()):
        page = LandedPage(9, "whatsapp", SHOP, "settlements", KIND, {}, body, datetime.now(UTC))
        [record] = parse.parse_page(page)
        assert isinstance(record, Rejected) and record.reason
