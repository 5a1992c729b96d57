"""GoBiz events: signature over the raw bytes, personal data stripped by allowlist, state machine ordering."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from decimal import Decimal

from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderStatus, Rejected
from connectors.base.testing.truth import parsed_summary
from connectors.gojek import events, parse
from connectors.gojek.webhooks import verify

EVENT = {
    "header": {"event_name": "gofood.order.merchant_accepted", "event_id": "e-1", "timestamp": "2026-01-02T03:04:05Z",
               "version": 1},
    "body": {
        "service_type": "gofood",
        "outlet": {"id": "G000000001", "external_outlet_id": "coop-1"},
        "customer": {"id": "c-77", "name": "Siti"},
        "driver": {"name": "Joko"},
        "order": {
            "order_number": "F-1",
            "status": "MERCHANT_ACCEPTED",
            "pin": "8762",
            "currency": "IDR",
            "created_at": "2026-01-02T03:00:00+07:00",
            "cutlery_requested": False,
            "takeaway_charges": 0,
            "applied_promotions": [{"id": "promo-1"}],
            "order_total": 54000,  # (25 000 + 3 000) × 2 − a 2 000 promotion
            "order_items": [
                {"id": "510", "external_id": "M0001-001", "name": "Nasi", "quantity": 2, "price": 28000,
                 "notes": "no chili", "variants": [{"id": "v1", "external_id": "V-1", "name": "Telur"}]},
            ],
        },
    },
}  # fmt: skip


def event(name: str, timestamp: str, **order: object) -> dict:
    copy = json.loads(json.dumps(EVENT))
    copy["header"].update(event_name=name, event_id=f"{name}@{timestamp}", timestamp=timestamp)
    copy["body"]["order"].update(order)
    return copy


def landed(payload: dict, page_id: int = 1) -> LandedPage:
    prepared = events.prepare(json.dumps(payload).encode())
    return LandedPage(
        page_id, "gojek", "G000000001", prepared.stream, prepared.kind, {}, prepared.body, datetime.now(UTC)
    )


def test_signature_is_hmac_sha256_of_the_raw_bytes_and_reserialised_json_does_not_verify():
    body = json.dumps(EVENT).encode()
    signature = hmac.new(b"notif-secret", body, hashlib.sha256).hexdigest()
    assert verify("notif-secret", body, signature) and verify("notif-secret", body, signature.upper())
    assert not verify("notif-secret", json.dumps(EVENT, separators=(",", ":")).encode(), signature)
    assert not verify("other-secret", body, signature) and not verify("notif-secret", body, None)
    assert not verify("", body, hmac.new(b"", body, hashlib.sha256).hexdigest())  # an unset secret never verifies


def test_personal_data_is_stripped_and_the_rest_kept_exactly():
    prepared = events.prepare(json.dumps(EVENT).encode())
    kept = json.loads(prepared.body)
    assert (prepared.outlet_id, prepared.event_id, prepared.stream) == ("G000000001", "e-1", "orders")
    assert "customer" not in kept["body"] and "driver" not in kept["body"]
    assert "notes" not in kept["body"]["order"]["order_items"][0] and "pin" not in kept["body"]["order"]
    for personal in (b"Siti", b"c-77", b"Joko", b"no chili", b"8762"):
        assert personal not in prepared.body
    assert kept["body"]["order"]["order_items"][0]["price"] == 28000
    again = events.prepare(json.dumps(EVENT, indent=2).encode())  # a re-delivery formatted differently
    assert again.body == prepared.body, "identical events must land as identical pages"


def test_an_order_event_parses_exactly_with_its_promotion_as_the_line_discount():
    (order,) = parse.parse_page(landed(EVENT))
    assert isinstance(order, Order) and order.status is OrderStatus.PAID
    (line,) = order.lines
    assert (line.sku_ref, line.seller_sku, line.quantity) == ("510", "M0001-001", 2)
    assert line.unit_price == Decimal(28000) and line.discount == Decimal(2000) and order.gross == Decimal(54000)
    assert order.created_at == datetime(2026, 1, 1, 20, 0, tzinfo=UTC)


def test_the_money_fields_are_landed_and_the_invented_line_discount_is_not_read():
    """``takeaway_charges`` and ``applied_promotions`` are money: the receiver keeps them; ``merchant_discount``
    is no GoBiz field, so a payload carrying it changes nothing."""
    kept = json.loads(events.prepare(json.dumps(EVENT).encode()).body)["body"]["order"]
    assert kept["takeaway_charges"] == 0 and kept["applied_promotions"] == [{"id": "promo-1"}]
    assert kept["order_total"] == 54000
    invented = event("gofood.order.merchant_accepted", "2026-01-02T03:04:05Z")
    invented["body"]["order"]["order_items"][0]["merchant_discount"] = 9000
    (order,) = parse.parse_page(landed(invented))
    assert isinstance(order, Order) and order.gross == Decimal(54000)
    assert "merchant_discount" not in events.prepare(json.dumps(invented).encode()).body.decode()


def test_promotions_spread_over_the_lines_exactly_and_unexplained_money_is_quarantined():
    two_lines = event("gofood.order.completed", "2026-01-02T04:00:00Z", order_total=59999)
    two_lines["body"]["order"]["order_items"].append(
        {"id": "511", "external_id": "M0001-002", "name": "Teh", "quantity": 1, "price": 10000, "variants": []}
    )
    (order,) = parse.parse_page(landed(two_lines))  # 56 000 + 10 000 − 59 999 = 6 001 of promotions
    assert isinstance(order, Order) and order.gross == Decimal(59999)
    assert sum(line.discount for line in order.lines) == Decimal(6001)
    assert all(line.discount == line.discount.to_integral_value() for line in order.lines)
    (packed,) = parse.parse_page(landed(event("gofood.order.completed", "2026-01-02T04:00:00Z",
                                              takeaway_charges=2000, order_total=58000)))  # fmt: skip
    # 56 000 of items + 2 000 of takeaway charges = the 58 000 the eater paid: the charge is in the order's gross.
    assert isinstance(packed, Order) and (packed.charges, packed.gross) == (Decimal(2000), Decimal(58000))
    assert sum(line.amount for line in packed.lines) == Decimal(56000)
    cases = {
        "unexplained_discount": event("gofood.order.completed", "2026-01-02T04:00:00Z", applied_promotions=[]),
        "order_total_mismatch": event("gofood.order.completed", "2026-01-02T04:00:00Z", order_total=60000),
        "missing_amount": event("gofood.order.completed", "2026-01-02T04:00:00Z", order_total=None),
    }  # fmt: skip
    for reason, payload in cases.items():
        (record,) = parse.parse_page(landed(payload))
        assert isinstance(record, Rejected) and (record.reason, record.record_key) == (reason, "F-1"), record


def test_out_of_order_and_duplicate_events_keep_the_latest_state():
    sequence = [
        event("gofood.order.awaiting_merchant_acceptance", "2026-01-02T03:00:00Z"),
        event("gofood.order.merchant_accepted", "2026-01-02T03:01:00Z"),
        event("gofood.order.placed", "2026-01-02T03:30:00Z"),
        event("gofood.order.completed", "2026-01-02T04:00:00Z"),
    ]
    arrived = [sequence[3], sequence[0], sequence[2], sequence[3], sequence[1]]
    records = [r for i, payload in enumerate(arrived) for r in parse.parse_page(landed(payload, i))]
    assert parsed_summary(records, "orders") == {"F-1": ("COMPLETED", 54000)}
    latest = max(records, key=lambda r: r.revision)  # type: ignore[union-attr]
    assert latest.status is OrderStatus.COMPLETED  # type: ignore[union-attr]
    same_second = [event("gofood.order.driver_arrived", "2026-01-02T03:20:00Z"),
                   event("gofood.order.placed", "2026-01-02T03:20:00Z")]  # fmt: skip
    ranked = sorted((r for p in same_second for r in parse.parse_page(landed(p))), key=lambda r: r.revision)
    assert [r.status for r in ranked] == [OrderStatus.READY, OrderStatus.SHIPPED]  # type: ignore[union-attr]


def test_unknown_states_webhook_errors_and_malformed_events_are_quarantined_with_a_reason():
    unknown = list(parse.parse_page(landed(event("gofood.order.teleported", "2026-01-02T03:00:00Z"))))
    failed = list(parse.parse_page(landed(event("gofood.order.webhook_error", "2026-01-02T03:00:00Z"))))
    bad_qty = event("gofood.order.completed", "2026-01-02T03:00:00Z")
    bad_qty["body"]["order"]["order_items"][0]["quantity"] = 0
    broken = list(parse.parse_page(landed(bad_qty)))
    garbage = events.prepare(b"not json at all")
    page = LandedPage(9, "gojek", garbage.outlet_id, garbage.stream, garbage.kind, {}, garbage.body, datetime.now(UTC))
    malformed = list(parse.parse_page(page))
    reasons = [r.reason for r in unknown + failed + broken + malformed if isinstance(r, Rejected)]
    assert reasons == ["unknown_status", "platform_error", "invalid_quantity", "malformed_event"]
    assert unknown[0].record_key == "F-1" and garbage.outlet_id == events.UNROUTED


def test_settlement_and_catalog_events_land_but_parse_to_nothing():
    transaction = {"order_number": "F-1", "gross_amount": 54000}
    settlement = {
        "header": {"event_name": "payment.transaction.settlement", "event_id": "s-1"},
        "body": {"outlet": {"id": "G1"}, "transaction": transaction},
    }
    prepared = events.prepare(json.dumps(settlement).encode())
    assert (prepared.stream, prepared.kind) == ("settlements", "settlement_event")
    assert list(parse.parse_page(landed(settlement))) == []
    assert events.classify("gofood.catalog.menu_mapping_updated") == ("stock", "catalog_event")
