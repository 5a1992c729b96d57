"""Parsers on small hand-written payloads: exact records, and the reason a bad one is quarantined with."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.base.protocol import LandedPage
from connectors.base.records import (
    FeeKind,
    Order,
    OrderStatus,
    Parsed,
    Rejected,
    Settlement,
    WalletMovement,
    WalletMovementKind,
)
from connectors.tokopedia.connector import parse_page
from connectors.tokopedia.legacy.parse import wib_time
from connectors.tokopedia.tiktok.parse import scrub_personal_data

SHOP = "7494000101"
FETCHED = datetime(2026, 2, 1, tzinfo=UTC)


def parse(kind: str, payload: Any, stream: str = "orders", context: dict[str, Any] | None = None) -> list[Parsed]:
    request = {"method": "GET", "path": "/x", "params": {}, **({"context": context} if context else {})}
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    page = LandedPage(7, "tokopedia", SHOP, stream, kind, request, body, FETCHED)
    return list(parse_page(page))


def tts(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": 0, "message": "Success", "request_id": "r1", "data": data}


def unit(sku: str, price: str, discount: str = "0", status: str = "COMPLETED") -> dict[str, Any]:
    return {"sku_id": sku, "seller_sku": f"S-{sku}", "product_name": sku, "original_price": price,
            "seller_discount": discount, "display_status": status, "currency": "IDR"}  # fmt: skip


def tts_order(status: str, units: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "576000000000000001", "status": status, "create_time": 1767225600, "update_time": 1767312000,
            "payment": {"currency": "IDR"}, "line_items": units}  # fmt: skip


# --- TikTok orders ---------------------------------------------------------------------------------------------


def test_one_line_item_per_unit_becomes_one_order_line_per_sku_and_price():
    units = [unit("A", "10000", "1000"), unit("B", "25000"), unit("A", "10000", "1000"), unit("A", "10000", "1000")]
    [order] = parse("tts_order_detail", tts({"orders": [tts_order("COMPLETED", units)]}))
    assert isinstance(order, Order) and order.status is OrderStatus.COMPLETED
    assert [(line.sku_ref, line.quantity, line.unit_price, line.discount) for line in order.lines] == [
        ("A", 3, Decimal("10000"), Decimal("3000")),
        ("B", 1, Decimal("25000"), Decimal("0")),
    ]
    assert order.gross == Decimal("52000") and order.revision == "1767312000"


def test_units_cancelled_out_of_a_live_order_are_not_sold_but_a_cancelled_order_keeps_its_lines():
    units = [unit("A", "10000", status="AWAITING_SHIPMENT"), unit("A", "10000", status="CANCELLED")]
    [live] = parse("tts_order_detail", tts({"orders": [tts_order("AWAITING_SHIPMENT", units)]}))
    assert isinstance(live, Order) and live.lines[0].quantity == 1 and live.status is OrderStatus.PAID
    cancelled_units = [unit("A", "10000", status="CANCELLED")] * 2
    [cancelled] = parse("tts_order_detail", tts({"orders": [tts_order("CANCELLED", cancelled_units)]}))
    assert isinstance(cancelled, Order) and cancelled.lines[0].quantity == 2


def test_an_unknown_tiktok_status_or_price_is_quarantined_with_its_reason():
    rows = [tts_order("ON_FIRE", [unit("A", "1")]), {**tts_order("COMPLETED", [unit("A", "sepuluh")]), "id": "2"}]
    rejected = parse("tts_order_detail", tts({"orders": rows}))
    assert [(r.record_key, r.reason) for r in rejected if isinstance(r, Rejected)] == [
        ("576000000000000001", "unknown_status"),
        ("2", "invalid_amount"),
    ]


# --- TikTok settlements ------------------------------------------------------------------------------------------

SALE = {
    "id": "000000000001" + "01",
    "type": "ORDER",
    "order_id": "576000000000000001",
    "currency": "IDR",
    "gross_sales_amount": "100000",
    "seller_discount_amount": "-5000",
    "after_seller_discounts_subtotal_amount": "95000",
    "customer_order_refund_amount": "0",
    "platform_commission_amount": "-4500",
    "referral_fee_amount": "-1500",
    "transaction_fee_amount": "-1000",
    "adjustment_amount": "0",
    "settlement_amount": "88000",
}  # documented 202309 names only (tests/contracts/tiktok/doc_trees.json)


def test_an_order_transaction_maps_every_fee_onto_the_shared_taxonomy():
    [sale] = parse("tts_statement_transactions", tts({"statement_time": 1767225600, "statement_transactions": [SALE]}))
    assert isinstance(sale, Settlement)
    assert (sale.gross, sale.net, sale.order_ref, sale.settlement_ref) == (
        Decimal("100000"),
        Decimal("88000"),
        "576000000000000001",
        "00000000000101",
    )
    assert {c.kind: c.amount for c in sale.components} == {
        FeeKind.VOUCHER_SELLER: Decimal("-5000"),
        FeeKind.COMMISSION: Decimal("-4500"),
        FeeKind.SERVICE_FEE: Decimal("-1500"),
        FeeKind.PAYMENT_FEE: Decimal("-1000"),
    }
    assert sale.released_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_refund_after_settlement_is_its_own_gross_zero_document():
    refund = {"id": "00000000000102", "type": "ORDER", "order_id": "576000000000000001", "currency": "IDR",
              "gross_sales_amount": "0", "customer_order_refund_amount": "-25000",
              "settlement_amount": "-25000"}  # fmt: skip
    [doc] = parse("tts_statement_transactions", tts({"statement_time": 1767830400, "statement_transactions": [refund]}))
    assert isinstance(doc, Settlement) and (doc.gross, doc.net) == (Decimal(0), Decimal("-25000"))
    assert [(c.kind, c.amount) for c in doc.components] == [(FeeKind.REFUND, Decimal("-25000"))]


def test_a_fee_field_nobody_mapped_cannot_vanish_the_transaction_is_quarantined():
    with_new_fee = {**SALE, "flash_sales_service_fee_amount": "-700", "settlement_amount": "87300"}
    [rejected] = parse(
        "tts_statement_transactions", tts({"statement_time": 1767225600, "statement_transactions": [with_new_fee]})
    )
    assert isinstance(rejected, Rejected) and rejected.reason == "settlement_does_not_add_up"
    assert rejected.record_key == "576000000000000001" and rejected.details["difference"] == "700"
    assert rejected.details["settlement_ref"] == "00000000000101"


def test_balance_records_are_signed_into_the_wallet_and_a_negative_settle_is_an_adjustment():
    common = {"currency": "IDR", "status": "SUCCESS"}
    rows = [
        {"id": "ST1", "type": "SETTLE", "amount": "87500", "create_time": 1767225600, **common},
        {"id": "ST2", "type": "SETTLE", "amount": "-25000", "create_time": 1767830400, **common},
        {"id": "WD1", "type": "WITHDRAW", "amount": "62500", "create_time": 1767916800, **common},
    ]
    movements = parse("tts_withdrawals", tts({"withdrawals": rows}), "wallet")
    assert [(m.kind, m.amount) for m in movements if isinstance(m, WalletMovement)] == [
        (WalletMovementKind.ESCROW_CREDIT, Decimal("87500")),
        (WalletMovementKind.ADJUSTMENT, Decimal("-25000")),
        (WalletMovementKind.WITHDRAWAL, Decimal("-62500")),
    ]


def test_a_statements_transactions_name_the_payment_the_pull_landed_them_with():
    refund = {"id": "00000000000102", "type": "ORDER", "order_id": "576000000000000001", "currency": "IDR",
              "gross_sales_amount": "0", "customer_order_refund_amount": "-25000",
              "settlement_amount": "-25000"}  # fmt: skip
    page = tts({"statement_time": 1767830400, "statement_transactions": [refund]})
    context = {"statement": {"id": "010120260108", "payment_id": "PAY0101", "payment_status": "PAID"}}
    [paid] = parse("tts_statement_transactions", page, "settlements", context)
    [unpaid] = parse("tts_statement_transactions", page, "settlements", {"statement": {"payment_id": ""}})
    [older] = parse("tts_statement_transactions", page, "settlements")  # landed before payments were read
    assert isinstance(paid, Settlement) and paid.payout_ref == "PAY0101"
    assert isinstance(unpaid, Settlement) and isinstance(older, Settlement)
    assert unpaid.payout_ref is None and older.payout_ref is None and older.net == paid.net


def test_a_payment_is_a_payout_of_what_was_paid_and_a_bad_one_is_quarantined():
    def payment(**fields: Any) -> dict[str, Any]:
        money = {"value": "87500", "currency": "IDR"}
        return {"id": "PAY0101", "create_time": 1767225600, "paid_time": 1767229200, "status": "PAID",
                "amount": money, "settlement_amount": money, "reserve_amount": {"value": "0", "currency": "IDR"},
                **fields}  # fmt: skip

    rows = [
        payment(),
        payment(id="PAY0102", status="PROCESSING", paid_time=0),
        payment(id="PAY0103", status="REVERSED"),
        payment(id="PAY0104", amount="87500"),
    ]
    first, pending, unknown, flat = parse("tts_payments", tts({"payments": rows, "next_page_token": ""}), "wallet")
    assert isinstance(first, WalletMovement) and isinstance(pending, WalletMovement)
    assert (first.kind, first.movement_ref, first.amount, first.status) == (
        WalletMovementKind.PAYOUT,
        "PAY0101",
        Decimal("87500"),
        "COMPLETED",
    )
    assert first.occurred_at == datetime(2026, 1, 1, 1, tzinfo=UTC) and first.order_ref is None
    assert pending.status == "PENDING" and pending.occurred_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert isinstance(unknown, Rejected) and (unknown.reason, unknown.record_key) == ("unknown_status", "PAY0103")
    assert isinstance(flat, Rejected) and (flat.reason, flat.record_key) == ("missing_field", "PAY0104")


def test_an_error_envelope_or_broken_body_is_one_malformed_page():
    assert [r.reason for r in parse("tts_order_detail", {"code": 105002, "message": "expired", "data": None})] == [
        "malformed_page"
    ]
    assert [r.reason for r in parse("tts_order_detail", b'{"code": 0, "data": {"ord')] == ["malformed_page"]


def test_buyer_details_are_masked_and_every_other_byte_kept():
    body = b'{"buyer_email": "a@b.c", "recipient_address": {"name": "Budi", "phone_number": "0812"}, "sku_name": "K"}'
    assert scrub_personal_data(body) == (
        b'{"buyer_email": "***", "recipient_address": {"name": "***", "phone_number": "***"}, "sku_name": "K"}'
    )


# --- legacy ------------------------------------------------------------------------------------------------------


def fs(data: Any) -> dict[str, Any]:
    return {"header": {"process_time": 0.01, "messages": "Your request has been processed successfully"}, "data": data}


def list_row(status: int, price: int = 48000, total: int = 94000) -> dict[str, Any]:
    return {"order_id": 1100000001, "order_status": status, "create_time": 1767225600,
            "products": [{"id": 5100005, "name": "Kopi", "quantity": 2, "price": price, "total_price": total,
                          "sku": "M0002-005", "currency": "Rp"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "status"),
    [(220, OrderStatus.PAID), (450, OrderStatus.READY), (540, OrderStatus.SHIPPED), (550, OrderStatus.RETURNED),
     (601, OrderStatus.DELIVERED), (700, OrderStatus.COMPLETED), (15, OrderStatus.CANCELLED)],
)  # fmt: skip
def test_legacy_numeric_statuses_map_onto_the_canonical_set(code: int, status: OrderStatus):
    [order] = parse("fs_order_list", fs([list_row(code)]))
    assert isinstance(order, Order) and order.status is status and order.platform_status == str(code)
    assert order.revision == str(code) and order.updated_at == order.created_at  # the list has no update time


def test_legacy_fraud_review_has_no_canonical_meaning_and_is_quarantined():
    [rejected] = parse("fs_order_list", fs([list_row(690)]))
    assert isinstance(rejected, Rejected) and (rejected.record_key, rejected.reason) == ("1100000001", "unknown_status")


def test_a_legacy_line_total_below_quantity_times_price_is_a_discount_above_it_an_error():
    [order] = parse("fs_order_list", fs([list_row(700, 48000, 94000)]))
    assert isinstance(order, Order) and order.lines[0].discount == Decimal("2000") and order.gross == Decimal("94000")
    [rejected] = parse("fs_order_list", fs([list_row(700, 48000, 97000)]))
    assert isinstance(rejected, Rejected) and rejected.reason == "inconsistent_line"


SINGLE = {"order_id": 1100000001, "invoice_number": "INV/20260101/MPL/1100000001", "order_status": 700,
          "order_info": {"order_detail": [{"product_id": 5100005, "product_name": "Kopi", "product_price": 47000,
                                           "subtotal_price": 94000, "quantity": 2, "sku": "M0002-005"}]}}  # fmt: skip


def saldo(type_code: int, amount: Any, note: str = "Transaksi Penjualan Berhasil - INV/20260101/MPL/1100000001"):  # type: ignore[no-untyped-def]
    return {"deposit_id": 9200000007, "Type": type_code, "class": "Transaction", "amount": amount, "note": note,
            "create_time": "2026-01-06 07:10:00", "saldo": 81000}  # fmt: skip


def test_a_legacy_sale_credit_settles_the_order_gross_with_pph22_and_one_unitemised_fee_deduction():
    [doc] = parse("fs_saldo_order", fs(SINGLE), "settlements", {"saldo_entry": saldo(1001, 81000)})
    assert isinstance(doc, Settlement)
    assert (doc.order_ref, doc.settlement_ref, doc.gross, doc.net) == ("1100000001", "9200000007", 94000, 81000)
    # PPh 22 at the statutory 0.5 % of 94 000 (no rate landed: the default); the rest of 13 000 is fees.
    assert [(c.kind, c.amount) for c in doc.components] == [
        (FeeKind.TAX_WITHHELD_PPH22, Decimal("-470")),
        (FeeKind.OTHER, Decimal("-12530")),
    ]
    assert doc.released_at == datetime(2026, 1, 6, 0, 10, tzinfo=UTC)  # 07:10 WIB


def test_a_legacy_refund_row_is_a_gross_zero_refund_document():
    entry = saldo(1005, -47000, "Pengembalian Dana ke Pembeli - INV/20260101/MPL/1100000001")
    [doc] = parse("fs_saldo_order", fs(SINGLE), "settlements", {"saldo_entry": entry})
    assert isinstance(doc, Settlement) and (doc.gross, doc.net) == (0, -47000)
    assert [c.kind for c in doc.components] == [FeeKind.REFUND]


def test_a_legacy_saldo_row_with_a_bad_amount_or_another_invoice_is_quarantined_by_order():
    bad_amount = parse("fs_saldo_order", fs(SINGLE), "settlements", {"saldo_entry": saldo(1001, "Rp81000")})
    other = parse("fs_saldo_order", fs(SINGLE), "settlements", {"saldo_entry": saldo(1001, 1, "x - INV/1/MPL/9")})
    assert [(r.record_key, r.reason) for r in bad_amount + other if isinstance(r, Rejected)] == [
        ("1100000001", "invalid_amount"),
        ("1100000001", "invoice_mismatch"),
    ]


def test_saldo_times_are_jakarta_wall_clock():
    assert wib_time("2020-12-08 13:33:56", "create_time") == datetime(2020, 12, 8, 6, 33, 56, tzinfo=UTC)
