"""Level 2, settlement ↔ wallet: every released settlement is credited to the seller wallet, exactly once
and in full (Stripe's rule: what reaches the balance equals the net of what was settled).

Per platform, shop and order (or settlement, when it names no order) the settled nets are compared with the
wallet credits naming that order. Where the wallet names no order but the platform links each settlement to
the payout that pays it (TikTok Shop: a statement's ``payment_id`` is the id of a payment), the same is done
per payout: Σ settled net of the settlements naming the payout against what the payout paid. Same rules:

- credited less → ``short_payout``; nothing credited ``wallet_grace_days`` after release →
  ``wallet_credit_missing`` (younger: *awaiting wallet credit*, not a variance);
- credited more → ``duplicate_wallet_credit`` when the same credit appears twice, else ``excess_wallet_credit``;
- a wallet credit no settlement explains → ``wallet_credit_without_settlement``.

Withdrawals are level 3. Amounts are compared exactly, to the rupiah.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from reconciliation.categories import VarianceDraft
from reconciliation.grouping import COUNT, DISTINCT, IN_ORDER, JOINED, LISTED, MAXIMUM, TOTAL, collect

ITEM_COLUMNS = [
    "platform",
    "shop_ref",
    "ref",
    "settlement_ref",
    "released_on",
    "settled_net",
    "credited",
    "credits",
    "movement_refs",
    "occurred_on",
    "difference",
    "result",
    "basis",
]
KEY = ["platform", "shop_ref", "ref"]
SHOP = ["platform", "shop_ref"]
PER_ORDER, PER_PAYOUT = "order", "payout"  # the ``basis`` of an item: what its ``ref`` is


def wallet_credits(wallet: pd.DataFrame) -> pd.DataFrame:
    """Completed wallet movements other than withdrawals and payouts: money the platform put into the seller
    balance, movement by movement (a payout is the same money seen per payout, never added to these)."""
    return wallet[~wallet["kind"].isin(["WITHDRAWAL", "PAYOUT"]) & wallet["status"].isin(["COMPLETED", ""])]


def per_order_shops(wallet: pd.DataFrame) -> set[tuple[str, str]]:
    """Shops whose wallet credits name the order they pay (Shopee escrow). Other platforms report the seller
    balance in aggregate (Tokopedia saldo: checked by the balance assertion), link settlements to payouts
    (TikTok: ``per_payout_shops``) or have no readable wallet (GoBiz, Grab)."""
    credits = wallet_credits(wallet)
    named = credits[credits["order_ref"].notna()]
    return set(zip(named["platform"], named["shop_ref"], strict=True))


def per_payout_shops(settlements: pd.DataFrame, wallet: pd.DataFrame) -> set[tuple[str, str]]:
    """Shops (not matched per order) whose settlements name the payout that pays them (TikTok statements'
    ``payment_id``): their settlements are checked payout by payout."""
    linked = settlements[settlements["payout_ref"].notna()]
    return set(zip(linked["platform"], linked["shop_ref"], strict=True)) - per_order_shops(wallet)


def match_wallet(
    settlements: pd.DataFrame, wallet: pd.DataFrame, *, as_of: date, grace_days: int
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    due_by = as_of - timedelta(days=grace_days)
    items, drafts = _per_order(settlements, wallet, due_by)
    paid, found = _per_payout(settlements, wallet, due_by)
    items = pd.concat([items, paid], ignore_index=True) if len(paid) else items
    items = items.astype({"settled_net": "int64", "credited": "int64", "credits": "int64", "difference": "int64"})
    return items.sort_values(["platform", "shop_ref", "occurred_on", "ref"], ignore_index=True), drafts + found


def _per_payout(
    settlements: pd.DataFrame, wallet: pd.DataFrame, due_by: date
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    """Settlements grouped by the payout they name, against that payout. A settlement naming none yet (its
    statement not paid) is its own item: awaiting its payout, then ``wallet_credit_missing``."""
    shops = per_payout_shops(settlements, wallet)
    settlements, wallet = settlements[_rows_of(settlements, SHOP, shops)], wallet[_rows_of(wallet, SHOP, shops)]
    settlements = settlements.assign(ref=settlements["payout_ref"].fillna(settlements["settlement_ref"]))
    paid = wallet[(wallet["kind"] == "PAYOUT") & wallet["status"].isin(["COMPLETED", ""])]
    return _matched(settlements, paid.assign(ref=paid["movement_ref"]), set(), due_by, PER_PAYOUT)


def _per_order(
    settlements: pd.DataFrame, wallet: pd.DataFrame, due_by: date
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    shops = per_order_shops(wallet)
    settlements, wallet = settlements[_rows_of(settlements, SHOP, shops)], wallet[_rows_of(wallet, SHOP, shops)]
    settlements = settlements.assign(ref=settlements["order_ref"].fillna(settlements["settlement_ref"]))
    credits = wallet_credits(wallet)
    named = credits[credits["order_ref"].notna()].assign(ref=lambda frame: frame["order_ref"])
    repeated = named[named["kind"] == "ESCROW_CREDIT"].duplicated(subset=[*KEY, "amount"], keep=False)
    doubled = set(named[named["kind"] == "ESCROW_CREDIT"][repeated]["ref"])
    items, drafts = _matched(settlements, named, doubled, due_by, PER_ORDER)
    rows = []
    for record in credits[credits["order_ref"].isna()].to_dict("records"):
        item = _loose_credit(record)
        rows.append(item)
        links = {"movements": [record["movement_ref"]], "wallet_pages": [record["wallet_page"]]}
        drafts.append(_draft(item, links))
    if rows:
        items = pd.concat([items, pd.DataFrame(rows, columns=ITEM_COLUMNS)], ignore_index=True)
    return items, drafts


def _matched(
    settlements: pd.DataFrame, named: pd.DataFrame, doubled: set[str], due_by: date, basis: str
) -> tuple[pd.DataFrame, list[VarianceDraft]]:
    """Settlements and the credits naming the same ``ref``, summed per key and classified."""
    settled = collect(
        settlements,
        KEY,
        {
            "settled_net": ("settled_net", TOTAL),
            "settlement_ref": ("settlement_ref", JOINED),
            "released_on": ("released_on", MAXIMUM),
        },
    ).astype({"settled_net": "Int64"})
    credited = collect(
        named,
        KEY,
        {
            "credited": ("amount", TOTAL),
            "credits": ("amount", COUNT),
            "movement_refs": ("movement_ref", IN_ORDER),
            "credited_on": ("occurred_on", MAXIMUM),
        },
    ).astype({"credited": "Int64"})
    merged = settled.merge(credited, on=KEY, how="outer", indicator=True)
    items = _classify(merged, doubled, due_by).assign(basis=basis)
    variances = items[~items["result"].isin(["matched", "awaiting wallet credit"])].to_dict("records")
    links = _links(settlements, named, {(item["platform"], item["shop_ref"], item["ref"]) for item in variances})
    drafts = [_draft(item, links.get((item["platform"], item["shop_ref"], item["ref"]), {})) for item in variances]
    return items, drafts


def _links(
    settlements: pd.DataFrame, credits: pd.DataFrame, keys: set[tuple[str, str, str]]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """For the variances' keys only: their settlements' raw pages and their wallet credits with raw pages."""
    if not keys:
        return {}
    pages = collect(
        settlements[_rows_of(settlements, KEY, keys)], KEY, {"settlement_pages": ("settlement_page", DISTINCT)}
    )
    moves = collect(
        credits[_rows_of(credits, KEY, keys)],
        KEY,
        {"movements": ("movement_ref", LISTED), "wallet_pages": ("wallet_page", LISTED)},
    )
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for table in (pages, moves):
        for record in table.to_dict("records"):
            found.setdefault((record["platform"], record["shop_ref"], record["ref"]), {}).update(record)
    return found


def _rows_of(frame: pd.DataFrame, columns: list[str], wanted: AbstractSet[tuple[str, ...]]) -> np.ndarray:
    """Which rows have one of the ``wanted`` value tuples in ``columns``."""
    if not len(frame):
        return np.zeros(0, dtype=bool)
    return pd.MultiIndex.from_arrays([frame[column] for column in columns]).isin(list(wanted))


def _classify(merged: pd.DataFrame, doubled: set[str], due_by: date) -> pd.DataFrame:
    """The result of every merged row, column by column (the rules are the module docstring's, in order)."""
    has_settlement = (merged["_merge"] != "right_only").to_numpy()
    has_credit = (merged["_merge"] != "left_only").to_numpy()
    expected = merged["settled_net"].fillna(0).to_numpy(dtype="int64")
    actual = merged["credited"].fillna(0).to_numpy(dtype="int64")
    difference = actual - expected
    released_on = merged["released_on"].to_numpy(dtype=object)
    credited_on = merged["credited_on"].to_numpy(dtype=object)
    refs = merged["ref"].to_numpy(dtype=object)
    overdue = np.zeros(len(merged), dtype=bool)
    overdue[has_settlement] = released_on[has_settlement].astype("datetime64[D]") <= np.datetime64(due_by, "D")
    result = np.select(
        [
            difference == 0,
            ~has_credit & overdue,
            ~has_credit,
            ~has_settlement,
            difference < 0,
            np.isin(refs, list(doubled)),
        ],
        [
            "matched",
            "wallet_credit_missing",
            "awaiting wallet credit",
            "wallet_credit_without_settlement",
            "short_payout",
            "duplicate_wallet_credit",
        ],
        "excess_wallet_credit",
    )
    latest = np.where(has_credit, credited_on, released_on)  # the later of the two dates the row has
    both = has_settlement & has_credit
    latest[both] = np.maximum(released_on[both], credited_on[both])
    return pd.DataFrame(
        {
            "platform": merged["platform"].to_numpy(dtype=object),
            "shop_ref": merged["shop_ref"].to_numpy(dtype=object),
            "ref": refs,
            "settlement_ref": np.where(has_settlement, merged["settlement_ref"].to_numpy(dtype=object), ""),
            "released_on": np.where(has_settlement, released_on, None),
            "settled_net": expected,
            "credited": actual,
            "credits": merged["credits"].fillna(0).to_numpy(dtype="int64"),
            "movement_refs": merged["movement_refs"].fillna("").to_numpy(dtype=object),
            "occurred_on": latest,
            "difference": difference,
            "result": result.astype(object),
        },
        columns=ITEM_COLUMNS,
    )


def _loose_credit(record: dict[str, Any]) -> dict[str, Any]:
    """A credit naming no order (a platform adjustment, a promotion payout): no settlement explains it."""
    return {
        "platform": record["platform"],
        "shop_ref": record["shop_ref"],
        "ref": record["movement_ref"],
        "settlement_ref": "",
        "released_on": None,
        "settled_net": 0,
        "credited": int(record["amount"]),
        "credits": 1,
        "movement_refs": record["movement_ref"],
        "occurred_on": record["occurred_on"],
        "difference": int(record["amount"]),
        "result": "wallet_credit_without_settlement",
        "basis": PER_ORDER,
    }


def _draft(item: dict[str, Any], record: dict[str, Any]) -> VarianceDraft:
    documents: list[dict[str, Any]] = (
        [{"type": "settlement", "ref": item["settlement_ref"], "raw_pages": _pages(record.get("settlement_pages"))}]
        if item["settlement_ref"]
        else []
    )
    movements = record.get("movements")
    movements = movements if isinstance(movements, list) else []
    documents += [
        {"type": "wallet", "ref": ref, "raw_page": page}
        for ref, page in zip(movements, _pages(record.get("wallet_pages")), strict=False)
    ]
    return VarianceDraft(
        category=item["result"],
        platform=item["platform"],
        shop_ref=item["shop_ref"],
        refs=(item["ref"],),
        subject=_subject(item),
        occurred_on=item["occurred_on"],
        expected=item["settled_net"],
        actual=item["credited"],
        links={"documents": documents},
        detail=f"settled net {item['settled_net']}, credited {item['credited']}"
        f" in {item['credits']} wallet movement(s)"
        + (" (settlements and payout linked by the payout id)" if item["basis"] == PER_PAYOUT else ""),
    )


def _subject(item: dict[str, Any]) -> str:
    """The document a person looks up first: the order, the payout, or the lone settlement or movement."""
    if item["basis"] == PER_PAYOUT:
        return f"settlement {item['ref']}" if item["ref"] == item["settlement_ref"] else f"payout {item['ref']}"
    return f"order {item['ref']}" if item["settlement_ref"] else f"wallet {item['ref']}"


def _pages(value: Any) -> list[int]:
    return [int(page) for page in value] if isinstance(value, list) else []
