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
    "header": {"event_name": "gofood.order.merchant_accepted", "event_id": "e-1", "timestamp": "2026-01-02T03:04:05Z"},
    "body": {
        "service_type": "gofood",
        "outlet": {"id": "G000000001"},
        "customer": {"name": "Siti", "phone": "+62811"},
        "driver": {"name": "Joko", "phone": "+62822"},
        "order": {
            "order_number": "F-1",
            "currency": "IDR",
            "created_at": "2026-01-02T03:00:00+07:00",
            "delivery_address": {"address": "Jl. Mawar 1"},
            "order_items": [
                {"id": "510", "external_id": "M0001-001", "name": "Nasi", "quantity": 2, "price": 25000,
                 "merchant_discount": 2000, "notes": "no chili",
                 "variants": [{"id": "v1", "price": 3000, "name": "Telur"}]},
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
    assert "delivery_address" not in kept["body"]["order"] and "notes" not in kept["body"]["order"]["order_items"][0]
    for personal in (b"Siti", b"+62811", b"Joko", b"Jl. Mawar", b"no chili"):
        assert personal not in prepared.body
    assert kept["body"]["order"]["order_items"][0]["price"] == 25000
    again = events.prepare(json.dumps(EVENT, indent=2).encode())  # a re-delivery formatted differently
    assert again.body == prepared.body, "identical events must land as identical pages"


def test_an_order_event_parses_exactly_with_variants_and_discount():
    (order,) = parse.parse_page(landed(EVENT))
    assert isinstance(order, Order) and order.status is OrderStatus.PAID
    (line,) = order.lines
    assert (line.sku_ref, line.seller_sku, line.quantity) == ("510", "M0001-001", 2)
    assert line.unit_price == Decimal(28000) and order.gross == Decimal(54000)  # (25 000 + 3 000) × 2 − 2 000
    assert order.created_at == datetime(2026, 1, 1, 20, 0, tzinfo=UTC)


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
