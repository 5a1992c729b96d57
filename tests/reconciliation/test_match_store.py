"""The store level's pure matching: which bank credits are an outlet's, and which day a credit belongs to."""

from __future__ import annotations

from datetime import date

import pandas as pd

from reconciliation.match_store import classify, match_store, qris_fee
from reconciliation.sources import BANK_COLUMNS, MATCH_COLUMNS, SETTLEMENT_COLUMNS, frame


def line(number: int, day: int, amount: int, description: str) -> dict[str, object]:
    return {
        "bank_line_id": number,
        "account": "ops",
        "line_key": f"k{number}",
        "booked_on": date(2026, 1, day),
        "amount": amount,
        "reference": "",
        "description": description,
        "file_line": number,
    }


def receipt(ref: str, day: int, amount: int, tender: str, outlet: str = "GERAI-01") -> dict[str, object]:
    return {
        "platform": "store",
        "shop_ref": outlet,
        "settlement_ref": ref,
        "order_ref": ref,
        "released_at": pd.Timestamp(f"2026-01-{day:02d}T03:00:00Z"),
        "released_on": date(2026, 1, day),
        "settled_gross": amount,
        "settled_net": amount,
        "payout_ref": None,
        "tender": tender,
        "settlement_page": 1,
    }


def test_a_credit_is_an_outlets_only_when_it_names_that_outlet_as_a_word():
    lines = frame(
        [
            line(1, 6, 100, "SETORAN TUNAI GERAI-01"),
            line(2, 6, 100, "SETORAN TUNAI GERAI-010"),  # another outlet, not GERAI-01
            line(3, 6, 100, "KR OTOMATIS QRIS gerai-01 050126"),
            line(4, 6, 100, "TRSF VA GERAI-01"),
            line(5, 6, 100, "SETORAN PIHAK LAIN"),
            line(6, 6, -100, "TARIK TUNAI GERAI-01"),  # a debit is never takings
            line(7, 6, 100, "SETORAN GERAI-01 GERAI-02"),  # two outlets: ambiguous, left to level 3
        ],
        BANK_COLUMNS,
    )
    got = classify(lines, ["GERAI-01", "GERAI-02"])
    assert list(zip(got["bank_line_id"], got["outlet"], got["kind"], strict=True)) == [
        (1, "GERAI-01", "cash"),
        (3, "GERAI-01", "qris"),
        (4, "GERAI-01", "transfer"),
    ]


def test_a_short_deposit_finds_its_own_day_and_the_next_days_exact_deposit_is_not_taken():
    # Mon 87 000 cash, Tue 90 000 cash. Tue 6 Jan: 82 000 deposited (Monday's, 5 000 short); Wed 7 Jan: 90 000.
    settlements = frame(
        [receipt("R1", 5, 50_000, "cash"), receipt("R2", 5, 37_000, "cash"), receipt("R3", 6, 90_000, "cash")],
        SETTLEMENT_COLUMNS,
    )
    lines = frame([line(1, 6, 82_000, "SETORAN TUNAI GERAI-01"), line(2, 7, 90_000, "SETOR GERAI-01")], BANK_COLUMNS)
    result = match_store(settlements, lines, frame([], MATCH_COLUMNS), window_days=3, mdr_bps=0)
    assert [(m["movement_ref"], m["bank_line_id"], m["amount"]) for m in result.new_matches] == [
        ("cash:2026-01-06", 2, 90_000),
        ("cash:2026-01-05", 1, 82_000),
    ]
    assert [(d.category, d.refs, d.expected, d.actual, d.difference) for d in result.drafts] == [
        ("store_cash_short", ("cash", "2026-01-05"), 87_000, 82_000, -5_000)
    ]


def test_a_day_within_the_window_is_awaiting_and_past_it_unsettled():
    settlements = frame([receipt("R1", 5, 10_000, "qris"), receipt("R2", 9, 20_000, "qris")], SETTLEMENT_COLUMNS)
    lines = frame([line(1, 10, -10_000, "BIAYA ADM")], BANK_COLUMNS)  # the statement reaches 10 January
    result = match_store(settlements, lines, frame([], MATCH_COLUMNS), window_days=3, mdr_bps=70)
    assert list(result.items["result"]) == ["store_qris_unsettled", "awaiting bank statement"]
    # Nothing settled means nothing deducted: the whole takings are missing, not takings − MDR.
    assert [(d.expected, d.actual) for d in result.drafts] == [(10_000, 0)]


def test_the_mdr_is_rounded_half_up_to_whole_rupiah():
    assert [qris_fee(takings, 70) for takings in (104_000, 50, 71, 72, 0)] == [728, 0, 0, 1, 0]
    assert (qris_fee(100, 50), qris_fee(300, 50)) == (1, 2)  # exactly half a rupiah: 0.5 → 1, 1.5 → 2
