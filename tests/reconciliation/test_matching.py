"""The matching rules, one at a time, on small hand-made frames with exact expected amounts (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from ledger.money import MoneyError, text_to_minor
from reconciliation.balance import assert_balances
from reconciliation.categories import VarianceDraft, variance_id
from reconciliation.match_bank import match_bank
from reconciliation.match_orders import match_orders
from reconciliation.match_wallet import match_wallet
from reconciliation.sources import (
    BANK_COLUMNS,
    GOODS_COLUMNS,
    MATCH_COLUMNS,
    ORDER_COLUMNS,
    SETTLEMENT_COLUMNS,
    STOCK_COLUMNS,
    WALLET_COLUMNS,
    frame,
)
from reconciliation.stock_check import check_stock

AS_OF = date(2026, 2, 20)
SHOP = {"platform": "shopee", "shop_ref": "100"}


def at(day: int, hour: int = 3) -> datetime:
    """Day ``day`` counted from 1 January 2026 (day 32 is 1 February)."""
    return datetime(2026, 1, 1, hour, tzinfo=UTC) + timedelta(days=day - 1)


def on(day: int) -> date:
    return at(day).date()


def order(ref: str, status: str, gross: int, day: int) -> dict:  # type: ignore[type-arg]
    return {**SHOP, "order_ref": ref, "status": status, "order_gross": gross, "order_on": on(day),
            "updated_at": at(day + 5), "order_page": 1}  # fmt: skip


def settlement(ref: str, gross: int, net: int, day: int, order_ref: str | None = None) -> dict:  # type: ignore[type-arg]
    return {**SHOP, "settlement_ref": ref, "order_ref": order_ref or ref, "released_at": at(day),
            "released_on": on(day), "settled_gross": gross, "settled_net": net, "settlement_page": 2}  # fmt: skip


def movement(ref: str, kind: str, amount: int, day: int, order_ref: str | None = None, **extra) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return {**SHOP, "movement_ref": ref, "kind": kind, "amount": amount, "occurred_at": at(day),
            "occurred_on": on(day), "order_ref": order_ref, "bank_reference": extra.get("reference"),
            "status": "COMPLETED", "balance_after": extra.get("balance", pd.NA), "wallet_page": 3}  # fmt: skip


def drafts_by_category(drafts: list[VarianceDraft]) -> dict[str, tuple[int, int]]:
    return {d.category: (d.expected, d.actual) for d in drafts}


def test_level_one_finds_each_order_settlement_problem_with_its_amounts():
    orders = frame(
        [
            order("A", "COMPLETED", 100_000, 1),  # settled as expected
            order("B", "COMPLETED", 50_000, 1),  # never settled, long overdue
            order("C", "COMPLETED", 70_000, 40),  # never settled, but completed only recently
            order("D", "CANCELLED", 30_000, 2),  # cancelled, yet settled
            order("E", "COMPLETED", 80_000, 3),  # settled on less merchandise than ordered
            order("F", "COMPLETED", 60_000, 3),  # settled 500 short of the order: within the tolerance
        ],
        ORDER_COLUMNS,
    )
    settlements = frame(
        [
            settlement("A", 100_000, 91_000, 6),
            settlement("D", 30_000, 27_000, 7),
            settlement("E", 75_000, 68_000, 8),
            settlement("F", 59_500, 54_000, 8),
            settlement("Z", 10_000, 9_000, 9),  # names an order nobody has seen
        ],
        SETTLEMENT_COLUMNS,
    )
    items, drafts = match_orders(orders, settlements, as_of=date(2026, 2, 14), due_days=7, tolerance=500)
    assert drafts_by_category(drafts) == {
        "settlement_missing": (50_000, 0),
        "cancelled_order_settled": (0, 27_000),
        "net_mismatch": (73_000, 68_000),
        "settlement_without_order": (0, 9_000),
    }
    results = dict(zip(items["order_ref"], items["result"], strict=True))
    assert results["A"] == results["F"] == "matched" and results["C"] == "awaiting settlement"
    assert dict(zip(items["order_ref"], items["aging"], strict=True))["B"] == "31–60 d"


def test_document_amounts_are_read_exactly_and_a_fraction_of_a_rupiah_is_refused():
    assert [text_to_minor(text) for text in ("15000", "15000.00", "-2500", "0")] == [15_000, 15_000, -2_500, 0]
    assert text_to_minor(" 7") == 7 and text_to_minor("1_000") == 1_000  # what Decimal accepts, read the same way
    with pytest.raises(MoneyError, match="fraction"):
        text_to_minor("15000.50")


def test_level_one_before_any_settlement_lists_every_order_without_failing():
    """The first morning of a new shop: orders, no settlement yet (an empty frame once failed the merge)."""
    orders = frame([order("B", "COMPLETED", 50_000, 1), order("C", "COMPLETED", 70_000, 40)], ORDER_COLUMNS)
    items, drafts = match_orders(
        orders, frame([], SETTLEMENT_COLUMNS), as_of=date(2026, 2, 14), due_days=7, tolerance=500
    )
    assert drafts_by_category(drafts) == {"settlement_missing": (50_000, 0)}
    assert list(zip(items["order_ref"], items["result"], items["difference"], strict=True)) == [
        ("B", "settlement_missing", -50_000),
        ("C", "awaiting settlement", 0),
    ]


def test_level_two_compares_settled_nets_with_wallet_credits_exactly():
    settlements = frame(
        [settlement(ref, 0, net, day) for ref, net, day in [("A", 91_000, 6), ("S", 50_000, 6), ("D", 20_000, 7),
                                                             ("X", 30_000, 7), ("M", 40_000, 8), ("N", 45_000, 32)]],
        SETTLEMENT_COLUMNS,
    )  # fmt: skip
    wallet = frame(
        [
            movement("wA", "ESCROW_CREDIT", 91_000, 6, "A"),
            movement("wS", "ESCROW_CREDIT", 42_500, 6, "S"),  # short by 7 500
            movement("wD1", "ESCROW_CREDIT", 20_000, 7, "D"),
            movement("wD2", "ESCROW_CREDIT", 20_000, 7, "D"),  # the same credit twice
            movement("wX", "ESCROW_CREDIT", 31_000, 7, "X"),  # 1 000 too much, not a repeat
            movement("wQ", "ESCROW_CREDIT", 5_000, 8, "Q"),  # no settlement for Q
            movement("wP", "ADJUSTMENT", 2_500, 9),  # names no order at all
            movement("WD1", "WITHDRAWAL", -100_000, 10, reference="TRF1"),  # level 3, not here
        ],
        WALLET_COLUMNS,
    )
    items, drafts = match_wallet(settlements, wallet, as_of=date(2026, 2, 1), grace_days=1)
    by_ref = {d.refs[0]: (d.category, d.expected, d.actual, d.difference) for d in drafts}
    assert by_ref == {
        "S": ("short_payout", 50_000, 42_500, -7_500),
        "D": ("duplicate_wallet_credit", 20_000, 40_000, 20_000),
        "X": ("excess_wallet_credit", 30_000, 31_000, 1_000),
        "M": ("wallet_credit_missing", 40_000, 0, -40_000),
        "Q": ("wallet_credit_without_settlement", 0, 5_000, 5_000),
        "wP": ("wallet_credit_without_settlement", 0, 2_500, 2_500),
    }
    assert dict(zip(items["ref"], items["result"], strict=True))["N"] == "awaiting wallet credit"  # within grace


def _withdrawal(ref: str, amount: int, day: int, reference: str) -> dict:  # type: ignore[type-arg]
    return movement(ref, "WITHDRAWAL", -amount, day, reference=reference)


def _line(line_id: int, day: int, amount: int, reference: str = "", description: str = "") -> dict:  # type: ignore[type-arg]
    return {"bank_line_id": line_id, "account": "ops", "line_key": f"k{line_id}", "booked_on": on(day),
            "amount": amount, "reference": reference, "description": description, "file_line": line_id}  # fmt: skip


def test_level_three_prefers_the_reference_keeps_to_the_window_and_matches_one_to_one():
    wallet = frame(
        [
            _withdrawal("W1", 500_000, 10, "TRF-A"),
            _withdrawal("W2", 500_000, 10, "TRF-B"),
            _withdrawal("W3", 300_000, 3, "TRF-C"),  # its credit arrives after the window
            _withdrawal("W4", 200_000, 28, "TRF-D"),  # statements do not reach past its window yet
        ],
        WALLET_COLUMNS,
    )
    lines = frame(
        [
            _line(1, 10, 500_000, description="TRSF CR TRF-B"),  # same day, but it is W2's
            _line(2, 11, 500_000, reference="TRF-A"),
            _line(3, 12, 300_000),  # 9 days after W3: outside a 3-day window
            _line(4, 13, -10_000, description="BIAYA ADM"),
            _line(5, 26, 75_000, description="SETORAN"),
        ],
        BANK_COLUMNS,
    )
    result = match_bank(wallet, lines, frame([], MATCH_COLUMNS), window_days=3)
    assert {(m["movement_ref"], m["bank_line_id"], m["method"]) for m in result.new_matches} == {
        ("W1", 2, "reference"),
        ("W2", 1, "reference"),
    }
    outcome = dict(zip(result.withdrawals["movement_ref"], result.withdrawals["result"], strict=True))
    assert outcome == {
        "W1": "matched",
        "W2": "matched",
        "W3": "withdrawal_not_in_bank",
        "W4": "awaiting bank statement",
    }
    assert {(d.category, d.expected, d.actual) for d in result.drafts} == {
        ("withdrawal_not_in_bank", 300_000, 0),
        ("bank_line_unmatched", 0, 300_000),
        ("bank_line_unmatched", 0, 75_000),
    }
    assert list(result.lines["result"])[3] == "debit (not a marketplace payout)"
    earlier = frame([{**m, "entry_id": 1} for m in result.new_matches], MATCH_COLUMNS)
    assert match_bank(wallet, lines, earlier, window_days=3).new_matches == []  # matched once, kept


def test_the_balance_assertion_is_explained_by_open_items_and_finds_what_they_do_not_explain():
    wallet = frame(
        [
            movement("wS", "ESCROW_CREDIT", 42_500, 6, "S", balance=42_500),
            movement("wT", "ESCROW_CREDIT", 10_000, 7, "T", balance=52_500),
        ],
        WALLET_COLUMNS,
    )
    settlements = frame([settlement("S", 0, 50_000, 6), settlement("T", 0, 10_000, 7)], SETTLEMENT_COLUMNS)
    level2, _ = match_wallet(settlements, wallet, as_of=AS_OF, grace_days=1)
    short = variance_id("short_payout", "shopee", "100", ("S",))

    def ledger(books: int):  # type: ignore[no-untyped-def]
        return lambda platform, shop, day: books

    explained, drafts = assert_balances(wallet, level2, ledger(60_000), {})
    assert drafts == [] and list(explained["explained"]) == [-7_500]
    corrected_later = {short: [(date(2026, 2, 1), -7_500)]}  # adjusted after the asserted day: not yet in it
    assert assert_balances(wallet, level2, ledger(60_000), corrected_later)[1] == []
    corrected_before = {short: [(date(2026, 1, 7), -7_500)]}
    assert assert_balances(wallet, level2, ledger(52_500), corrected_before)[1] == []
    _, drafts = assert_balances(wallet, level2, ledger(40_000), {})  # a 20 000 settlement the books lack
    assert [(d.category, d.expected, d.actual, d.difference) for d in drafts] == [
        ("balance_mismatch", 32_500, 52_500, 20_000)
    ]


def test_stock_is_compared_only_where_the_unit_ledger_has_an_opening_count():
    stock = frame(
        [
            {
                **SHOP,
                "sku_ref": sku,
                "seller_sku": None,
                "location": "L1",
                "available": qty,
                "observed_on": date(2026, 1, 20),
                "stock_page": 4,
            }  # fmt: skip
            for sku, qty in (("s1", 40), ("s2", 12), ("s3", 9), ("s4", 5))
        ],
        STOCK_COLUMNS,
    )
    goods = frame(
        [
            {"location": "shopee:100", "product_ref": "P1", "quantity": 40, "has_opening": True},
            {"location": "shopee:100", "product_ref": "P2", "quantity": 15, "has_opening": True},
            {"location": "shopee:100", "product_ref": "P3", "quantity": -3, "has_opening": False},
        ],
        GOODS_COLUMNS,
    )
    products = {"s1": "P1", "s2": "P2", "s3": "P3"}
    items, drafts = check_stock(stock, goods, lambda platform, shop, sku, seller: products.get(sku))
    assert [(d.category, d.refs, d.expected, d.actual, d.unit) for d in drafts] == [
        ("stock_mismatch", ("s2",), 15, 12, "pcs")
    ]
    assert list(items["result"]) == [
        "matched",
        "stock_mismatch",
        "not comparable: no opening count in the unit ledger",
        "not comparable: SKU not mapped",
    ]


def test_money_columns_stay_exact_integers_in_every_frame():
    orders = frame([order("A", "COMPLETED", 100_000, 1), order("B", "COMPLETED", 5, 1)], ORDER_COLUMNS)
    settlements = frame([settlement("A", 100_000, 91_000, 6), settlement("Z", 1, 1, 6)], SETTLEMENT_COLUMNS)
    wallet = frame([movement("wA", "ESCROW_CREDIT", 91_000, 6, "A", balance=91_000)], WALLET_COLUMNS)
    frames = [
        match_orders(orders, settlements, as_of=AS_OF, due_days=7, tolerance=0)[0],
        match_wallet(settlements, wallet, as_of=AS_OF, grace_days=1)[0],
        match_bank(wallet, frame([_line(1, 7, 5)], BANK_COLUMNS), frame([], MATCH_COLUMNS), window_days=3).lines,
    ]
    frames.append(assert_balances(wallet, frames[1], lambda *_: 91_001, {})[0])
    for result in frames:
        assert not [c for c, dtype in result.dtypes.items() if pd.api.types.is_float_dtype(dtype)], result.dtypes
    with pytest.raises(TypeError, match="expected must be an int"):
        VarianceDraft("short_payout", "shopee", "1", ("A",), "s", AS_OF, expected=1.5, actual=0)  # type: ignore[arg-type]


def test_a_variance_id_depends_on_what_it_is_about_not_on_its_amounts():
    one = VarianceDraft("short_payout", "shopee", "100", ("A",), "order A", AS_OF, 50_000, 42_500)
    same = VarianceDraft("short_payout", "shopee", "100", ("A",), "order A", AS_OF + timedelta(days=1), 50_000, 45_000)
    other_shop = VarianceDraft("short_payout", "shopee", "101", ("A",), "order A", AS_OF, 50_000, 42_500)
    assert one.id == same.id != other_shop.id and len(one.id) == 13
