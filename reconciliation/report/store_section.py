"""The report's store part (Toko / Store: cash & QRIS): the period's takings per outlet, day and tender, a
matched tile and the store's matched amount in the matched-vs-open chart. Its open variances join the chart
through ``LEVEL_GROUP``, like every level's."""

from __future__ import annotations

from datetime import date

import pandas as pd

from reconciliation.match_store import PLATFORM

LEVEL_GROUP = "Toko · takings ↔ bank"


def store_items(items: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The outlet days of the period (the frame keeps its columns when none are)."""
    inside = pd.Series([start <= day <= end for day in items["business_day"]], index=items.index, dtype=bool)
    return items[inside].reset_index(drop=True)


def summarise_store(tables: dict[str, pd.DataFrame], tiles: list[tuple[str, str, int | None]]) -> pd.DataFrame:
    """Append the store's matched tile to ``tiles``; return its matched row(s) for the by-platform chart."""
    items = tables["store"]
    matched = items[items["result"] == "matched"]
    amount = int(matched["bank_amount"].fillna(0).astype("int64").sum())
    tiles.append((f"Matched · {LEVEL_GROUP}", f"{len(matched)} of {len(items)} outlet days", amount))
    rows = [{"platform": PLATFORM, "level": LEVEL_GROUP, "matched": amount, "open": 0}] if amount else []
    return pd.DataFrame(rows, columns=["platform", "level", "matched", "open"])
