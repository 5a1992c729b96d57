"""Variance categories, the level each belongs to, and the ledger account each one leaves out of line.

The clearing account says which balance a variance makes disagree with the outside world, and so what an
``adjust`` or ``write-off`` corrects: the shop's marketplace receivable (1-13xx), money in transit (1-1350),
the bank, the unit ledger, the settlements held in suspense (2-1700: the posting rules hold there the money
of a cancelled order the platform paid for, never booking it as a member's sale), or an outlet's cash (1-1100;
a store's QRIS/transfer clearing 1-1305 and WhatsApp's 1-1306 are their "receivable"). The other level-1 variances
leave no balance out of line: the ledger books settlements (settlement-first, design §5), so what was never
settled was never booked; they are accepted or fixed at the source. Plain data, no pandas.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Clearing = Literal["receivable", "in_transit", "bank", "goods", "held", "cash"]

LEVELS: dict[str, str] = {
    "order_settlement": "1 · Order ↔ settlement",
    "settlement_wallet": "2 · Settlement ↔ wallet",
    "wallet_balance": "2 · Ledger receivable ↔ wallet balance",
    "wallet_bank": "3 · Withdrawal ↔ bank",
    "stock": "Stock ↔ unit ledger",
    "store": "Toko · POS takings ↔ bank",
    "payments": "Direct payments (WhatsApp) ↔ bank",
}


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    level: str
    label: str
    clearing: Clearing | None


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("settlement_missing", "order_settlement", "completed order not settled", None),
        Category("settlement_without_order", "order_settlement", "settlement for an unknown order", None),
        Category("cancelled_order_settled", "order_settlement", "cancelled order was settled", "held"),
        Category("net_mismatch", "order_settlement", "settled amount differs from the order", None),
        Category("wallet_credit_missing", "settlement_wallet", "settlement never credited to the wallet", "receivable"),
        Category("short_payout", "settlement_wallet", "wallet credited less than settled", "receivable"),
        Category("duplicate_wallet_credit", "settlement_wallet", "settlement credited twice", "receivable"),
        Category("excess_wallet_credit", "settlement_wallet", "wallet credited more than settled", "receivable"),
        Category(
            "wallet_credit_without_settlement",
            "settlement_wallet",
            "wallet movement no settlement explains",
            "receivable",
        ),
        Category("balance_mismatch", "wallet_balance", "ledger receivable ≠ wallet balance, unexplained", "receivable"),
        Category("withdrawal_not_in_bank", "wallet_bank", "withdrawal never reached the bank", "in_transit"),
        Category("bank_line_unmatched", "wallet_bank", "bank credit no withdrawal explains", "bank"),
        Category("stock_mismatch", "stock", "platform stock ≠ unit ledger", "goods"),
        Category("store_cash_short", "store", "cash deposited less than the till's cash takings", "cash"),
        Category("store_cash_over", "store", "cash deposited more than the till's cash takings", "cash"),
        Category("store_cash_not_deposited", "store", "the till's cash takings never deposited", "cash"),
        Category("store_qris_unsettled", "store", "QRIS takings never credited by the bank", "receivable"),
        Category("store_qris_fee", "store", "QRIS credit ≠ takings less the configured MDR", "receivable"),
        Category("store_transfer_unsettled", "store", "transfer takings never credited by the bank", "receivable"),
        Category("store_transfer_mismatch", "store", "transfer credit ≠ the transfer takings", "receivable"),
        Category("payment_unsettled", "payments", "confirmed transfer/QRIS payment never credited", "receivable"),
        Category("payment_amount_mismatch", "payments", "bank credit ≠ the confirmed payment", "receivable"),
    )
}

AGING_BUCKETS: tuple[tuple[int, str], ...] = ((7, "0–7 d"), (30, "8–30 d"), (60, "31–60 d"), (90, "61–90 d"))
OLDEST_BUCKET = "> 90 d"
BUCKET_ORDER = (*(label for _, label in AGING_BUCKETS), OLDEST_BUCKET)


def aging_bucket(age_days: int) -> str:
    for limit, label in AGING_BUCKETS:
        if age_days <= limit:
            return label
    return OLDEST_BUCKET


def aging_buckets(ages: Any) -> list[str]:
    """``aging_bucket`` of each age in a column (computed once per distinct age)."""
    labels = {age: aging_bucket(age) for age in set(ages.tolist())}
    return [labels[age] for age in ages.tolist()]


def variance_id(category: str, platform: str | None, shop_ref: str | None, refs: tuple[str, ...]) -> str:
    """Deterministic from what the variance is about (never from its amounts, which may change)."""
    text = "|".join((category, platform or "", shop_ref or "", *refs))
    return "V" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12].upper()


@dataclass(frozen=True)
class VarianceDraft:
    """A variance as one matching run found it; ``reconciliation.variance_store`` turns drafts into rows."""

    category: str
    platform: str | None
    shop_ref: str | None
    refs: tuple[str, ...]  # identity: the document refs the variance is about
    subject: str
    occurred_on: date
    expected: int
    actual: int
    unit: Literal["IDR", "pcs"] = "IDR"
    bank_account: str | None = None
    links: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown variance category {self.category!r}")
        for name in ("expected", "actual"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int of whole units, got {type(value).__name__}")

    @property
    def id(self) -> str:
        return variance_id(self.category, self.platform, self.shop_ref, self.refs)

    @property
    def level(self) -> str:
        return CATEGORIES[self.category].level

    @property
    def difference(self) -> int:
        return self.actual - self.expected
