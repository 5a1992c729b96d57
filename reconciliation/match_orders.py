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

import numpy as np
import pandas as pd

from reconciliation.categories import VarianceDraft, aging_buckets
from reconciliation.grouping import JOINED, MAXIMUM, TOTAL, collect
from reconciliation.sources import business_days

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


def match_orders(
    orders: pd.DataFrame, settlements: pd.DataFrame, *, as_of: date, due_days: int, tolerance: int
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    """One row per order and per orphan settlement, with its result; the variances among them."""
    named = settlements.dropna(subset=["order_ref"])
    keys = ["platform", "shop_ref", "order_ref"]
    by_order = collect(
        named,
        keys,
        {
            "settled_gross": ("settled_gross", TOTAL),
            "settled_net": ("settled_net", TOTAL),
            "settlement_page": ("settlement_page", MAXIMUM),
            "settlement_ref": ("settlement_ref", JOINED),
            "released_on": ("released_on", MAXIMUM),
        },
    ).astype({"settled_gross": "Int64", "settled_net": "Int64", "settlement_page": "Int64"})
    orders = orders.astype({"order_gross": "Int64", "order_page": "Int64"})
    merged = orders.merge(by_order, on=keys, how="outer", indicator=True)
    items = _classify(merged, as_of, due_days, tolerance)
    variances = items["result"].isin(CATEGORIES_HERE).to_numpy()
    drafts = [
        _draft(record, item)
        for record, item in zip(merged[variances].to_dict("records"), items[variances].to_dict("records"), strict=True)
    ]
    return items.sort_values(["platform", "shop_ref", "order_on", "order_ref"], ignore_index=True), drafts


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _classify(merged: pd.DataFrame, as_of: date, due_days: int, tolerance: int) -> pd.DataFrame:
    """The result of every merged row, column by column (the rules are the module docstring's, in order)."""
    has_order = (merged["_merge"] != "right_only").to_numpy()
    has_settlement = (merged["_merge"] != "left_only").to_numpy()
    order_gross = merged["order_gross"].fillna(0).to_numpy(dtype="int64")
    settled_gross = merged["settled_gross"].fillna(0).to_numpy(dtype="int64")
    settled_net = merged["settled_net"].fillna(0).to_numpy(dtype="int64")
    status = np.where(has_order, merged["status"].to_numpy(dtype=object), "")
    since = np.where(has_order, merged["order_on"].to_numpy(dtype=object), merged["released_on"].to_numpy(dtype=object))
    completed = status == "COMPLETED"
    completed_on = since.copy()
    if completed.any():
        completed_on[completed] = business_days(merged["updated_at"][completed]).to_numpy(dtype=object)
    age = np.maximum(0, (np.datetime64(as_of, "D") - completed_on.astype("datetime64[D]")).astype("int64"))
    unsettled = ~has_settlement
    cancelled = status == "CANCELLED"
    rules = [
        (unsettled & (cancelled | (status == "RETURNED")), "no settlement expected", 0),
        (unsettled & ~completed, "not due yet (order not completed)", 0),
        (unsettled & (age > due_days), "settlement_missing", order_gross),
        (unsettled, "awaiting settlement", order_gross),
        (~has_order, "settlement_without_order", 0),
        (cancelled & (settled_net != 0), "cancelled_order_settled", 0),
        (np.abs(order_gross - settled_gross) > tolerance, "net_mismatch", settled_net + order_gross - settled_gross),
    ]
    result = np.select([rule for rule, _, _ in rules], [name for _, name, _ in rules], "matched")
    expected_net = np.select([rule for rule, _, _ in rules], [expected for _, _, expected in rules], settled_net)
    difference = np.where(has_settlement, settled_net, 0) - expected_net
    return pd.DataFrame(
        {
            "platform": merged["platform"].to_numpy(dtype=object),
            "shop_ref": merged["shop_ref"].to_numpy(dtype=object),
            "order_ref": merged["order_ref"].to_numpy(dtype=object),
            "status": np.where(status == "", "(unknown)", status),
            "order_on": since,
            "completed_on": completed_on,
            "order_gross": order_gross,
            "settlement_ref": np.where(has_settlement, merged["settlement_ref"].to_numpy(dtype=object), ""),
            "released_on": np.where(has_settlement, merged["released_on"].to_numpy(dtype=object), None),
            "settled_gross": settled_gross,
            "settled_net": settled_net,
            "expected_net": expected_net,
            "difference": np.where(result == "awaiting settlement", 0, difference),
            "age_days": age,
            "aging": aging_buckets(age),
            "result": result.astype(object),
        },
        columns=ITEM_COLUMNS,
    )


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
