"""Platform stock ↔ unit ledger, per SKU: the available quantity the platform reports against the unit
ledger's quantity of the SKU's product at the shop (location ``<platform>:<shop_ref>``).

The unit ledger records goods leaving and coming back (sales shipped, returns); it can only be compared
with the platform's count once it holds an opening count for the product there (``CONSIGNMENT_RECEIVED`` or
``STOCK_COUNT_ADJUSTMENT``). Until then the SKU is listed as *not comparable* with both figures, never as a
variance and never silently left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from reconciliation.categories import VarianceDraft

ITEM_COLUMNS = [
    "platform",
    "shop_ref",
    "sku_ref",
    "seller_sku",
    "product_ref",
    "observed_on",
    "platform_available",
    "ledger_quantity",
    "difference",
    "result",
]

ProductOf = Callable[[str, str, str, str | None], str | None]  # (platform, shop, sku_ref, seller_sku) → product


def check_stock(
    stock: pd.DataFrame, goods: pd.DataFrame, product_of: ProductOf
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    ledger = {(row["location"], row["product_ref"]): row for row in goods.to_dict("records")}
    per_sku = stock.groupby(["platform", "shop_ref", "sku_ref"], as_index=False).agg(
        seller_sku=("seller_sku", "first"),
        available=("available", "sum"),
        observed_on=("observed_on", "max"),
        stock_page=("stock_page", "max"),
    )
    rows, drafts = [], []
    for record in per_sku.to_dict("records"):
        seller_sku = record["seller_sku"] if isinstance(record["seller_sku"], str) else None
        product = product_of(record["platform"], record["shop_ref"], record["sku_ref"], seller_sku)
        held = ledger.get((f"{record['platform']}:{record['shop_ref']}", product)) if product else None
        quantity = int(held["quantity"]) if held else 0
        available = int(record["available"])
        if product is None:
            result = "not comparable: SKU not mapped"
        elif held is None or not held["has_opening"]:
            result = "not comparable: no opening count in the unit ledger"
        else:
            result = "matched" if available == quantity else "stock_mismatch"
        item = {
            "platform": record["platform"],
            "shop_ref": record["shop_ref"],
            "sku_ref": record["sku_ref"],
            "seller_sku": seller_sku or "",
            "product_ref": product or "",
            "observed_on": record["observed_on"],
            "platform_available": available,
            "ledger_quantity": quantity,
            "difference": available - quantity,
            "result": result,
        }
        rows.append(item)
        if result == "stock_mismatch":
            drafts.append(_draft(item, int(record["stock_page"])))
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS).astype(
        {"platform_available": "int64", "ledger_quantity": "int64", "difference": "int64"}
    )
    return items, drafts


def _draft(item: dict[str, Any], page: int) -> VarianceDraft:
    return VarianceDraft(
        category="stock_mismatch",
        platform=item["platform"],
        shop_ref=item["shop_ref"],
        refs=(item["sku_ref"],),
        subject=f"SKU {item['sku_ref']} ({item['product_ref']})",
        occurred_on=item["observed_on"],
        expected=item["ledger_quantity"],
        actual=item["platform_available"],
        unit="pcs",
        links={
            "documents": [{"type": "stock", "ref": item["sku_ref"], "raw_page": page}],
            "product": item["product_ref"],
        },
        detail=f"platform reports {item['platform_available']} available;"
        f" the unit ledger holds {item['ledger_quantity']}",
    )
