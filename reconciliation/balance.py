"""External balance assertion (coop_accounting.md §3.1 item 11): the shop's marketplace receivable in the
ledger against the wallet balance the platform reports, Beancount-style, at the end of the business day of
the platform's latest reported balance.

The two differ by exactly the level-2 items not yet corrected in the ledger (a short payout leaves the
receivable higher than the wallet until someone adjusts or writes it off). So the assertion is
``ledger − wallet + Σ (difference − already corrected) of the level-2 items = 0``; any residual is a
``balance_mismatch``: money neither side's item-level matching explains (for example a settlement stuck in
quarantine, which the platform paid but the ledger never booked).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd

from reconciliation.categories import VarianceDraft, variance_id

ITEM_COLUMNS = [
    "platform",
    "shop_ref",
    "balance_on",
    "ledger_receivable",
    "wallet_balance",
    "explained",
    "residual",
    "result",
]


def reported_balances(wallet: pd.DataFrame) -> pd.DataFrame:
    """Per shop, the platform's running balance after its latest movement that reports one. Movements at the
    same second keep the order the platform listed them in (the frame's order), which is its balance order."""
    known = wallet[wallet["balance_after"].notna()].sort_values("occurred_at", kind="stable")
    latest = known.groupby(["platform", "shop_ref"], as_index=False).tail(1)
    return latest[["platform", "shop_ref", "occurred_on", "balance_after"]].rename(
        columns={"occurred_on": "balance_on", "balance_after": "wallet_balance"}
    )


def assert_balances(
    wallet: pd.DataFrame,
    level2: pd.DataFrame,
    ledger_receivable: Callable[[str, str, date], int],
    corrected: Mapping[str, list[tuple[date, int]]],
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    """``ledger_receivable(platform, shop, day)`` is the ledger's receivable through ``day``; ``corrected``
    maps variance ids to the dated amounts reconciliation adjustments moved on the receivable (debit +).
    Both sides are taken through the same day, so a correction posted later does not unbalance an
    assertion about an earlier day."""
    rows, drafts = [], []
    for record in reported_balances(wallet).to_dict("records"):
        platform, shop, day = record["platform"], record["shop_ref"], record["balance_on"]
        explained = _explained(level2, platform, shop, day, corrected)
        ledger, reported = ledger_receivable(platform, shop, day), int(record["wallet_balance"])
        residual = ledger - reported + explained
        item = {
            "platform": platform,
            "shop_ref": shop,
            "balance_on": day,
            "ledger_receivable": ledger,
            "wallet_balance": reported,
            "explained": explained,
            "residual": residual,
            "result": "balance_mismatch" if residual else "matched",
        }
        rows.append(item)
        if residual:
            drafts.append(_draft(item))
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS).astype(
        {column: "int64" for column in ("ledger_receivable", "wallet_balance", "explained", "residual")}
    )
    return items, drafts


def _explained(
    level2: pd.DataFrame, platform: str, shop: str, day: date, corrected: Mapping[str, list[tuple[date, int]]]
) -> int:
    """Σ over the shop's open level-2 differences up to ``day`` of the part the ledger has not absorbed."""
    mine = level2[(level2["platform"] == platform) & (level2["shop_ref"] == shop) & (level2["result"] != "matched")]
    total = 0
    for record in mine[mine["occurred_on"] <= day].to_dict("records"):
        ident = variance_id(record["result"], platform, shop, (record["ref"],))
        absorbed = sum(amount for when, amount in corrected.get(ident, []) if when <= day)
        total += int(record["difference"]) - absorbed
    return total


def _draft(item: dict[str, Any]) -> VarianceDraft:
    expected = item["ledger_receivable"] + item["explained"]
    return VarianceDraft(
        category="balance_mismatch",
        platform=item["platform"],
        shop_ref=item["shop_ref"],
        refs=("wallet-balance",),
        subject=f"wallet balance on {item['balance_on']}",
        occurred_on=item["balance_on"],
        expected=expected,
        actual=item["wallet_balance"],
        links={"ledger_receivable": item["ledger_receivable"], "explained_by_items": item["explained"]},
        detail=f"ledger receivable {item['ledger_receivable']} + open item differences {item['explained']}"
        f" should equal the reported wallet balance {item['wallet_balance']}",
    )
