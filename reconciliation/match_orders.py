"""Level 1, order ↔ settlement, per platform and shop.

- a completed order with no settlement ``settlement_due_days`` after completion → ``settlement_missing``
  (expected: the order's merchandise amount, since fees are only known once settled); younger ones are
  listed as *awaiting settlement* in their aging bucket, not as variances;
- a settlement naming an order the cooperative never saw → ``settlement_without_order``;
- a cancelled order that was settled with money → ``cancelled_order_settled``;
- a settlement whose merchandise amount differs from the order's by more than ``net_tolerance``
  → ``net_mismatch``; the net expected from the order is the settled net plus that difference (the fees and
  refunds are the platform's own itemised figures, checked at parse time: gross + Σ components = net).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from ledger.posting import BUSINESS_TIMEZONE
from reconciliation.categories import VarianceDraft, aging_bucket
from reconciliation.grouping import collect

ITEM_COLUMNS = [
    "platform",
    "shop_ref",
    "order_ref",
    "status",
    "order_on",
    "completed_on",
    "order_gross",
    "settlement_ref",
    "released_on",
    "settled_gross",
    "settled_net",
    "expected_net",
    "difference",
    "age_days",
    "aging",
    "result",
]
CATEGORIES_HERE = ("settlement_missing", "settlement_without_order", "cancelled_order_settled", "net_mismatch")
MONEY = ("order_gross", "settled_gross", "settled_net", "expected_net", "difference")


def match_orders(
    orders: pd.DataFrame, settlements: pd.DataFrame, *, as_of: date, due_days: int, tolerance: int
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    """One row per order and per orphan settlement, with its result; the variances among them."""
    named = settlements.dropna(subset=["order_ref"])
    keys = ["platform", "shop_ref", "order_ref"]
    joined = collect(
        named,
        keys,
        {
            "settlement_ref": ("settlement_ref", lambda refs: ",".join(sorted(refs))),
            "released_on": ("released_on", max),  # dates (objects): pandas' max is per-group Python
        },
    )
    by_order = (
        named.groupby(keys, as_index=False)
        .agg(
            settled_gross=("settled_gross", "sum"),
            settled_net=("settled_net", "sum"),
            settlement_page=("settlement_page", "max"),
        )
        .astype({"settled_gross": "Int64", "settled_net": "Int64", "settlement_page": "Int64"})
        .merge(joined, on=keys)
    )
    orders = orders.astype({"order_gross": "Int64", "order_page": "Int64"})
    merged = orders.merge(by_order, on=["platform", "shop_ref", "order_ref"], how="outer", indicator=True)
    rows, drafts = [], []
    for record in merged.to_dict("records"):
        item = _classify(record, as_of, due_days, tolerance)
        rows.append(item)
        if item["result"] in CATEGORIES_HERE:
            drafts.append(_draft(record, item))
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS).astype({column: "int64" for column in (*MONEY, "age_days")})
    return items.sort_values(["platform", "shop_ref", "order_on", "order_ref"], ignore_index=True), drafts


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _classify(record: dict[str, Any], as_of: date, due_days: int, tolerance: int) -> dict[str, Any]:
    has_order = record["_merge"] in ("left_only", "both")
    has_settlement = record["_merge"] in ("right_only", "both")
    order_gross, settled_gross = _int(record["order_gross"]), _int(record["settled_gross"])
    settled_net = _int(record["settled_net"])
    status = record["status"] if has_order else ""
    since: date = record["order_on"] if has_order else record["released_on"]
    completed_on = record["updated_at"].astimezone(BUSINESS_TIMEZONE).date() if status == "COMPLETED" else since
    age = max(0, (as_of - completed_on).days)
    expected_net, result = settled_net, "matched"
    if not has_settlement:
        expected_net = order_gross if status == "COMPLETED" else 0
        if status in ("CANCELLED", "RETURNED"):
            result = "no settlement expected"
        elif status != "COMPLETED":
            result = "not due yet (order not completed)"
        else:
            result = "settlement_missing" if age > due_days else "awaiting settlement"
    elif not has_order:
        expected_net, result = 0, "settlement_without_order"
    elif status == "CANCELLED" and settled_net != 0:
        expected_net, result = 0, "cancelled_order_settled"
    elif abs(order_gross - settled_gross) > tolerance:
        expected_net, result = settled_net + (order_gross - settled_gross), "net_mismatch"
    difference = (settled_net if has_settlement else 0) - expected_net
    return {
        "platform": record["platform"],
        "shop_ref": record["shop_ref"],
        "order_ref": record["order_ref"],
        "status": status or "(unknown)",
        "order_on": since,
        "completed_on": completed_on,
        "order_gross": order_gross,
        "settlement_ref": record["settlement_ref"] if has_settlement else "",
        "released_on": record["released_on"] if has_settlement else None,
        "settled_gross": settled_gross,
        "settled_net": settled_net,
        "expected_net": expected_net,
        "difference": 0 if result == "awaiting settlement" else difference,
        "age_days": age,
        "aging": aging_bucket(age),
        "result": result,
    }


def _draft(record: dict[str, Any], item: dict[str, Any]) -> VarianceDraft:
    documents = []
    if item["status"] != "(unknown)":
        documents.append({"type": "order", "ref": item["order_ref"], "raw_page": _int(record["order_page"])})
    if item["settlement_ref"]:
        documents.append(
            {"type": "settlement", "ref": item["settlement_ref"], "raw_page": _int(record["settlement_page"])}
        )
    return VarianceDraft(
        category=item["result"],
        platform=item["platform"],
        shop_ref=item["shop_ref"],
        refs=(item["order_ref"],),
        subject=f"order {item['order_ref']}",
        occurred_on=item["completed_on"],
        expected=item["expected_net"],
        actual=item["settled_net"] if item["settlement_ref"] else 0,
        links={"documents": documents},
        detail=f"order {item['status']}, gross {item['order_gross']}; settled gross {item['settled_gross']},"
        f" net {item['settled_net']}",
    )
