"""Payments level, buyers' transfers and QRIS payments straight to the cooperative ↔ the bank. Pure: frames in,
matches and variances out.

Channels without a platform payout (WhatsApp catalog orders) book a confirmed transfer or QRIS payment to the
channel's clearing account (1-1306); the money itself arrives as a bank credit. Each such settlement is matched
with one credit that names its payment reference (``tender_ref``: the bank or QRIS reference given when the
payment was confirmed) as a word in the bank line's reference or description, booked from the payment's day to
``window_days`` after it. The amount must be the settled net; another amount is ``payment_amount_mismatch``.
When the statements reach past the window and no credit came, ``payment_unsettled`` (otherwise *awaiting bank
statement*); a payment confirmed without a reference cannot be found in the bank and says so. The store's
takings are per outlet and day (``match_store``), not here. A credit no payment claims is left to level 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from reconciliation.categories import VarianceDraft
from reconciliation.match_store import PLATFORM as STORE

TENDERS = ("qris", "transfer")
METHOD = "payment_reference"
ITEM_COLUMNS = [
    "platform",
    "shop_ref",
    "order_ref",
    "paid_on",
    "tender",
    "reference",
    "settled_net",
    "bank_account",
    "booked_on",
    "bank_amount",
    "bank_line",
    "difference",
    "result",
]


@dataclass
class PaymentMatching:
    new_matches: list[dict[str, Any]] = field(default_factory=list)  # for ``clearing.post_bank_matches``
    items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ITEM_COLUMNS))
    drafts: list[VarianceDraft] = field(default_factory=list)


def direct_payments(settlements: pd.DataFrame) -> pd.DataFrame:
    """The settlements paid by transfer or QRIS straight to the cooperative, outside the store."""
    return settlements[(settlements["platform"] != STORE) & settlements["tender"].isin(TENDERS)]


def names_reference(text: str, reference: str) -> bool:
    """Whether a bank line's text names ``reference`` as a word (case-insensitive: banks upper-case notes)."""
    return re.search(rf"(?<![A-Z0-9]){re.escape(reference.upper())}(?![A-Z0-9])", text.upper()) is not None


def match_payments(
    settlements: pd.DataFrame, bank_lines: pd.DataFrame, matches: pd.DataFrame, *, window_days: int
) -> PaymentMatching:
    payments = direct_payments(settlements)
    earlier = matches[matches["method"] == METHOD]
    done = {
        (p, s, m) for p, s, m in zip(earlier["platform"], earlier["shop_ref"], earlier["movement_ref"], strict=True)
    }
    free = bank_lines[(bank_lines["amount"] > 0) & ~bank_lines["bank_line_id"].isin(set(matches["bank_line_id"]))]
    credits = free.to_dict("records")  # once, not per payment
    result = PaymentMatching()
    used: set[int] = set()
    for payment in payments.sort_values(["released_at", "settlement_ref"], kind="stable").to_dict("records"):
        key = (payment["platform"], payment["shop_ref"], payment["settlement_ref"])
        if key in done or not payment["tender_ref"]:
            continue
        line = _credit_for(payment, credits, used, window_days)
        if line is None:
            continue
        used.add(int(line["bank_line_id"]))
        result.new_matches.append(
            {
                "bank_line_id": int(line["bank_line_id"]),
                "platform": payment["platform"],
                "shop_ref": payment["shop_ref"],
                "movement_ref": payment["settlement_ref"],
                "amount": int(line["amount"]),
                "method": METHOD,
                "booked_on": line["booked_on"],
                "account": line["account"],
                "tender": payment["tender"],
            }
        )
    all_matches = [*earlier.to_dict("records"), *result.new_matches]
    coverage_end = max(bank_lines["booked_on"], default=None)
    result.items = _items(payments, bank_lines, all_matches, window_days, coverage_end)
    result.drafts = _drafts(result.items, payments)
    return result


def _credit_for(
    payment: dict[str, Any], lines: list[dict[str, Any]], used: set[int], window_days: int
) -> dict[str, Any] | None:
    """The credit naming the payment's reference inside its window: the exact amount first, then the earliest."""
    paid_on: date = payment["released_on"]
    found = [
        line
        for line in lines
        if int(line["bank_line_id"]) not in used
        and paid_on <= line["booked_on"] <= paid_on + timedelta(days=window_days)
        and names_reference(f"{line['reference']} {line['description']}", str(payment["tender_ref"]))
    ]
    found.sort(key=lambda line: (int(line["amount"]) != int(payment["settled_net"]), line["booked_on"]))
    return found[0] if found else None


def _items(
    payments: pd.DataFrame,
    lines: pd.DataFrame,
    matches: list[dict[str, Any]],
    window_days: int,
    coverage_end: date | None,
) -> pd.DataFrame:
    by_payment = {(m["platform"], m["shop_ref"], m["movement_ref"]): m for m in matches}
    line_by_id = {row["bank_line_id"]: row for row in lines.to_dict("records")}
    rows = []
    for payment in payments.to_dict("records"):
        match = by_payment.get((payment["platform"], payment["shop_ref"], payment["settlement_ref"]))
        line = line_by_id.get(match["bank_line_id"]) if match else None
        net = int(payment["settled_net"])
        if line is not None:
            bank_amount: int | None = int(line["amount"])
            difference = int(line["amount"]) - net
            result = "matched" if difference == 0 else "payment_amount_mismatch"
        else:
            bank_amount, difference = None, -net
            late = coverage_end is not None and payment["released_on"] + timedelta(days=window_days) < coverage_end
            result = "payment_unsettled" if late else "awaiting bank statement"
        rows.append(
            {
                "platform": payment["platform"],
                "shop_ref": payment["shop_ref"],
                "order_ref": payment["order_ref"] or payment["settlement_ref"],
                "paid_on": payment["released_on"],
                "tender": payment["tender"],
                "reference": payment["tender_ref"] or "",
                "settled_net": net,
                "bank_account": line["account"] if line else "",
                "booked_on": line["booked_on"] if line else None,
                "bank_amount": bank_amount,
                "bank_line": line["line_key"] if line else "",
                "difference": difference,
                "result": result,
            }
        )
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    return frame.astype({"settled_net": "int64", "difference": "int64"}).astype({"bank_amount": "Int64"})


def _drafts(items: pd.DataFrame, payments: pd.DataFrame) -> list[VarianceDraft]:
    pages = {
        (p["platform"], p["shop_ref"], p["order_ref"] or p["settlement_ref"]): p["settlement_page"]
        for p in payments.to_dict("records")
    }
    drafts = []
    for item in items[~items["result"].isin(["matched", "awaiting bank statement"])].to_dict("records"):
        actual = 0 if pd.isna(item["bank_amount"]) else int(item["bank_amount"])
        page = int(pages[(item["platform"], item["shop_ref"], item["order_ref"])])
        links: dict[str, Any] = {"documents": [{"type": "settlement", "ref": item["order_ref"], "raw_pages": [page]}]}
        if item["bank_line"]:
            links["bank_lines"] = [{"line_key": item["bank_line"]}]
        reference = item["reference"] or "no reference given when it was confirmed"
        seen = f"bank {item['bank_account']} {item['booked_on']}: {actual}" if item["bank_line"] else "no bank credit"
        drafts.append(
            VarianceDraft(
                category=item["result"],
                platform=item["platform"],
                shop_ref=item["shop_ref"],
                refs=(item["order_ref"],),
                subject=f"{item['platform']} order {item['order_ref']} paid by {item['tender']} on {item['paid_on']}",
                occurred_on=item["paid_on"],
                expected=int(item["settled_net"]),
                actual=actual,
                bank_account=item["bank_account"] or None,
                links=links,
                detail=f"{item['tender']} {item['settled_net']}, reference {reference}; {seen}",
            )
        )
    return drafts
