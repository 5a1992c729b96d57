"""Which level could be checked for which shop, on what basis, and, where one cannot, why.

A level a shop's data cannot support must say so, not just show no rows: an empty table reads as "all
matched". The basis comes from the data the platform gave (``shop_bases``, per run): wallet credits naming
orders, settlements naming their payout, a running balance, withdrawals. The figures are the report's
items for the period (``coverage_table``). Platform-neutral: the reasons name what is missing, not who.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from reconciliation.categories import LEVELS
from reconciliation.match_store import PLATFORM as STORE
from reconciliation.match_wallet import per_order_shops, per_payout_shops

BASIS_COLUMNS = ["platform", "shop_ref", "level", "basis", "reason"]
COVERAGE_COLUMNS = [
    "platform",
    "shop_ref",
    "level",
    "checked",
    "basis",
    "items",
    "not_matched",
    "expected",
    "actual",
    "difference",
    "note",
]
NO_WALLET = "no wallet movements were read for this shop (the platform offers no wallet omnikop can read)"


def shop_bases(orders: pd.DataFrame, settlements: pd.DataFrame, wallet: pd.DataFrame) -> pd.DataFrame:
    """Per shop seen in any document and per money level: the basis it is checked on ('' = cannot be) and
    the reason when it cannot."""
    shops = sorted(
        {
            (platform, shop)
            for frame in (orders, settlements, wallet)
            for platform, shop in zip(frame["platform"], frame["shop_ref"], strict=True)
        }
    )
    by_order, by_payout = per_order_shops(wallet), per_payout_shops(settlements, wallet)
    with_wallet = set(zip(wallet["platform"], wallet["shop_ref"], strict=True))
    known = wallet[wallet["balance_after"].notna()]
    with_balance = set(zip(known["platform"], known["shop_ref"], strict=True))
    out = wallet[wallet["kind"] == "WITHDRAWAL"]
    with_withdrawals = set(zip(out["platform"], out["shop_ref"], strict=True))
    rows = []
    for key in shops:
        if key[0] == STORE:
            rows += _store_levels(key)
            continue
        wallet_basis, wallet_reason = _wallet_level(key, by_order, by_payout, with_wallet, with_balance)
        balance_basis, balance_reason = _balance_level(key, by_payout, with_wallet, with_balance)
        bank_basis, bank_reason = _bank_level(key, by_payout, with_wallet, with_withdrawals)
        for level, basis, reason in (
            ("order_settlement", "per order (settlements name the order)", ""),
            ("settlement_wallet", wallet_basis, wallet_reason),
            ("wallet_balance", balance_basis, balance_reason),
            ("wallet_bank", bank_basis, bank_reason),
        ):
            rows.append({"platform": key[0], "shop_ref": key[1], "level": level, "basis": basis, "reason": reason})
    return pd.DataFrame(rows, columns=BASIS_COLUMNS)


Shop = tuple[str, str]


def _store_levels(key: Shop) -> list[dict[str, str]]:
    """An outlet has no wallet: its receipts settle at the till, and the store level takes their money to the
    bank instead of levels 2 and 3."""
    instead = "not applicable: an outlet has no wallet; its takings are checked against the bank at the store level"
    levels = [
        ("order_settlement", "per receipt (each receipt is its own settlement)", ""),
        *((level, "", instead) for level in ("settlement_wallet", "wallet_balance", "wallet_bank")),
        ("store", "bank credits naming the outlet, per business day and tender", ""),
    ]
    return [{"platform": key[0], "shop_ref": key[1], "level": lv, "basis": b, "reason": r} for lv, b, r in levels]


def _wallet_level(
    key: Shop, by_order: set[Shop], by_payout: set[Shop], with_wallet: set[Shop], with_balance: set[Shop]
) -> tuple[str, str]:
    if key in by_order:
        return "per order (wallet credits name the order)", ""
    if key in by_payout:
        return "per payout (settlements name the payout that pays them)", ""
    if key not in with_wallet:
        return "", f"cannot be checked: {NO_WALLET}"
    also = "; the balance assertion checks the settlements in aggregate" if key in with_balance else ""
    return "", f"cannot be checked item by item: wallet credits name no order and settlements name no payout{also}"


def _balance_level(key: Shop, by_payout: set[Shop], with_wallet: set[Shop], with_balance: set[Shop]) -> tuple[str, str]:
    if key in with_balance:
        return "running balance reported with the wallet movements", ""
    if key not in with_wallet:
        return "", f"cannot be checked: {NO_WALLET}"
    instead = "; every payout is checked against its settlements instead (level 2)" if key in by_payout else ""
    return "", f"cannot be checked: the platform reports no running wallet balance{instead}"


def _bank_level(
    key: Shop, by_payout: set[Shop], with_wallet: set[Shop], with_withdrawals: set[Shop]
) -> tuple[str, str]:
    if key in with_withdrawals:
        unlinked = (
            "; payouts name no withdrawal, so payout ↔ withdrawal cannot be checked by reference"
            if key in by_payout
            else ""
        )
        return "bank statement lines (by reference, else amount and date)", unlinked.removeprefix("; ")
    if key not in with_wallet:
        return "", f"cannot be checked: {NO_WALLET}"
    return "", "cannot be checked: no withdrawals were read for this shop"


def coverage_table(bases: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per shop and level: checked or not, the period's figures, and the note (the reason)."""
    rows = []
    for record in bases.to_dict("records"):
        key = (record["platform"], record["shop_ref"])
        items, not_matched, expected, actual, note = _figures(record["level"], key, tables)
        checked = bool(record["basis"]) and (items > 0 or record["level"] != "wallet_balance")
        rows.append(
            {
                "platform": key[0],
                "shop_ref": key[1],
                "level": LEVELS[record["level"]],
                "checked": "yes" if checked else "no",
                "basis": record["basis"],
                "items": items,
                "not_matched": not_matched,
                "expected": expected,
                "actual": actual,
                "difference": actual - expected,
                "note": "; ".join(part for part in (note, record["reason"]) if part),
            }
        )
    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    return frame.astype({column: "int64" for column in ("items", "not_matched", "expected", "actual", "difference")})


def _figures(level: str, key: Shop, tables: Mapping[str, pd.DataFrame]) -> tuple[int, int, int, int, str]:
    """(items, not matched, expected, actual, note) of the shop's items at ``level``."""
    if level == "order_settlement":
        mine = _of(tables["orders"], key)
        settled = mine["settled_net"].fillna(0)
        unmatched = ~mine["result"].isin(["matched", "no settlement expected"])
        return len(mine), int(unmatched.sum()), int(mine["expected_net"].fillna(0).sum()), int(settled.sum()), ""
    if level == "settlement_wallet":
        mine = _of(tables["wallet"], key)
        unmatched = int((mine["result"] != "matched").sum())
        return len(mine), unmatched, int(mine["settled_net"].sum()), int(mine["credited"].sum()), ""
    if level == "wallet_balance":
        mine = _of(tables["balances"], key)
        if not len(mine):
            return 0, 0, 0, 0, ""
        row = mine.iloc[-1]
        expected = int(row["ledger_receivable"]) + int(row["explained"])
        note = f"ledger receivable + open item differences at end of {row['balance_on']}"
        return 1, int(row["result"] != "matched"), expected, int(row["wallet_balance"]), note
    if level == "store":
        days = tables["store"][tables["store"]["outlet"] == key[1]]
        unmatched = int((days["result"] != "matched").sum())
        credited = int(days["bank_amount"].fillna(0).astype("int64").sum())
        return len(days), unmatched, int(days["expected"].sum()), credited, "outlet days (cash, QRIS, transfer)"
    mine = _of(tables["withdrawals"], key)
    matched = mine["result"] == "matched"
    return len(mine), int((~matched).sum()), int(mine["amount"].sum()), int(mine["amount"][matched].sum()), ""


def _of(frame: pd.DataFrame, key: Shop) -> pd.DataFrame:
    return frame[(frame["platform"] == key[0]) & (frame["shop_ref"] == key[1])]
