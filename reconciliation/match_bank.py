"""Level 3, wallet withdrawal ↔ bank credit. Pure: frames in, matches and variances out.

A withdrawal matches a bank credit of exactly its amount booked from the day before the withdrawal to
``bank_window_days`` after it; a credit carrying the withdrawal's reference (in its reference column or its
description) wins over one that only fits by amount and date, then the closest date, then the earlier line.
Each withdrawal and each bank line is matched at most once; earlier matches are kept as they are.

- a withdrawal older than the window when the bank statements already reach past it →
  ``withdrawal_not_in_bank`` (otherwise *awaiting bank statement*);
- a bank credit no withdrawal explains → ``bank_line_unmatched``;
- bank debits are listed but not reconciled here (they are the cooperative's own payments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from reconciliation.categories import VarianceDraft

WITHDRAWAL_COLUMNS = [
    "platform",
    "shop_ref",
    "movement_ref",
    "occurred_on",
    "amount",
    "bank_reference",
    "bank_account",
    "booked_on",
    "bank_line",
    "method",
    "result",
]
LINE_COLUMNS = [
    "account",
    "booked_on",
    "amount",
    "reference",
    "description",
    "line_key",
    "file_line",
    "matched_to",
    "result",
]


@dataclass
class BankMatching:
    new_matches: list[dict[str, Any]] = field(default_factory=list)
    withdrawals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WITHDRAWAL_COLUMNS))
    lines: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LINE_COLUMNS))
    drafts: list[VarianceDraft] = field(default_factory=list)


def withdrawals_of(wallet: pd.DataFrame) -> pd.DataFrame:
    out = wallet[(wallet["kind"] == "WITHDRAWAL") & wallet["status"].isin(["COMPLETED", ""])]
    return out.assign(amount=-out["amount"], bank_reference=out["bank_reference"].fillna(""))


def candidates(withdrawals: pd.DataFrame, credits: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Every (withdrawal, credit) pair of equal amount inside the date window, best pairs first."""
    pairs = withdrawals.merge(credits, on="amount", suffixes=("", "_line"))
    if pairs.empty:
        return pairs.assign(ref_match=pd.Series(dtype=bool), distance=pd.Series(dtype="int64"))
    lag = (pd.to_datetime(pairs["booked_on"]) - pd.to_datetime(pairs["occurred_on"])).dt.days.astype("int64")
    pairs = pairs.assign(distance=lag.abs(), lag=lag)
    pairs = pairs[(pairs["lag"] >= -1) & (pairs["lag"] <= window_days)]
    reference = pairs["bank_reference"].str.upper()
    ref_match = (reference != "") & (
        (pairs["reference"].str.upper() == reference)
        | pd.Series(
            [ref in text for ref, text in zip(reference, pairs["description"].str.upper(), strict=True)],
            index=pairs.index,
            dtype=bool,
        )
    )
    pairs = pairs.assign(ref_match=ref_match)
    return pairs.sort_values(
        ["ref_match", "distance", "occurred_on", "bank_line_id"], ascending=[False, True, True, True], kind="stable"
    )


def match_bank(
    wallet: pd.DataFrame, bank_lines: pd.DataFrame, matches: pd.DataFrame, *, window_days: int
) -> BankMatching:
    withdrawals = withdrawals_of(wallet)
    done_w = set(zip(matches["platform"], matches["shop_ref"], matches["movement_ref"], strict=True))
    done_l = set(matches["bank_line_id"])
    key = zip(withdrawals["platform"], withdrawals["shop_ref"], withdrawals["movement_ref"], strict=True)
    open_w = withdrawals[pd.Series([k not in done_w for k in key], index=withdrawals.index, dtype=bool)]
    credits = bank_lines[(bank_lines["amount"] > 0) & ~bank_lines["bank_line_id"].isin(done_l)]
    used_w: set[tuple[str, str, str]] = set()
    used_l: set[int] = set()
    result = BankMatching()
    for pair in candidates(open_w, credits, window_days).to_dict("records"):
        w = (pair["platform"], pair["shop_ref"], pair["movement_ref"])
        if w in used_w or pair["bank_line_id"] in used_l:
            continue
        used_w.add(w)
        used_l.add(pair["bank_line_id"])
        result.new_matches.append(
            {
                "bank_line_id": int(pair["bank_line_id"]),
                "platform": pair["platform"],
                "shop_ref": pair["shop_ref"],
                "movement_ref": pair["movement_ref"],
                "amount": int(pair["amount"]),
                "method": "reference" if pair["ref_match"] else "amount_date",
                "booked_on": pair["booked_on"],
                "account": pair["account"],
            }
        )
    all_matches = [*matches.to_dict("records"), *result.new_matches]
    coverage_end = max(bank_lines["booked_on"], default=None)
    result.withdrawals = _withdrawal_items(withdrawals, bank_lines, all_matches, window_days, coverage_end)
    result.lines = _line_items(bank_lines, all_matches)
    result.drafts = _drafts(result.withdrawals, result.lines, withdrawals)
    return result


def _withdrawal_items(
    withdrawals: pd.DataFrame,
    lines: pd.DataFrame,
    matches: list[dict[str, Any]],
    window_days: int,
    coverage_end: date | None,
) -> pd.DataFrame:
    by_withdrawal = {(m["platform"], m["shop_ref"], m["movement_ref"]): m for m in matches}
    line_by_id = {row["bank_line_id"]: row for row in lines.to_dict("records")}
    rows = []
    for w in withdrawals.to_dict("records"):
        match = by_withdrawal.get((w["platform"], w["shop_ref"], w["movement_ref"]))
        line = line_by_id.get(match["bank_line_id"]) if match else None
        if line is not None:
            result = "matched"
        elif coverage_end is not None and w["occurred_on"] + timedelta(days=window_days) < coverage_end:
            result = "withdrawal_not_in_bank"
        else:
            result = "awaiting bank statement"
        rows.append(
            {
                "platform": w["platform"],
                "shop_ref": w["shop_ref"],
                "movement_ref": w["movement_ref"],
                "occurred_on": w["occurred_on"],
                "amount": int(w["amount"]),
                "bank_reference": w["bank_reference"],
                "bank_account": line["account"] if line else "",
                "booked_on": line["booked_on"] if line else None,
                "bank_line": line["line_key"] if line else "",
                "method": match["method"] if match and line else "",
                "result": result,
            }
        )
    return pd.DataFrame(rows, columns=WITHDRAWAL_COLUMNS).astype({"amount": "int64"})


def _line_items(lines: pd.DataFrame, matches: list[dict[str, Any]]) -> pd.DataFrame:
    by_line = {m["bank_line_id"]: m for m in matches}
    rows = []
    for line in lines.to_dict("records"):
        match = by_line.get(line["bank_line_id"])
        if match is not None:
            result, matched_to = "matched", f"{match['platform']}:{match['shop_ref']} {match['movement_ref']}"
        else:
            result = "bank_line_unmatched" if line["amount"] > 0 else "debit (not a marketplace payout)"
            matched_to = ""
        rows.append({**{c: line[c] for c in LINE_COLUMNS[:7]}, "matched_to": matched_to, "result": result})
    return pd.DataFrame(rows, columns=LINE_COLUMNS).astype({"amount": "int64", "file_line": "int64"})


def _drafts(withdrawal_items: pd.DataFrame, line_items: pd.DataFrame, withdrawals: pd.DataFrame) -> list[VarianceDraft]:
    drafts = []
    pages = {
        (w["platform"], w["shop_ref"], w["movement_ref"]): int(w["wallet_page"]) for w in withdrawals.to_dict("records")
    }
    for w in withdrawal_items[withdrawal_items["result"] == "withdrawal_not_in_bank"].to_dict("records"):
        page = pages[(w["platform"], w["shop_ref"], w["movement_ref"])]
        drafts.append(
            VarianceDraft(
                category="withdrawal_not_in_bank",
                platform=w["platform"],
                shop_ref=w["shop_ref"],
                refs=(w["movement_ref"],),
                subject=f"withdrawal {w['movement_ref']} ({w['bank_reference'] or 'no reference'})",
                occurred_on=w["occurred_on"],
                expected=w["amount"],
                actual=0,
                links={"documents": [{"type": "wallet", "ref": w["movement_ref"], "raw_page": page}]},
                detail=f"withdrawn {w['amount']} on {w['occurred_on']}; no bank credit of that amount in the window",
            )
        )
    for line in line_items[line_items["result"] == "bank_line_unmatched"].to_dict("records"):
        drafts.append(
            VarianceDraft(
                category="bank_line_unmatched",
                platform=None,
                shop_ref=None,
                bank_account=line["account"],
                refs=(line["line_key"],),
                subject=f"bank {line['account']} {line['booked_on']} {line['reference'] or line['description']}",
                occurred_on=line["booked_on"],
                expected=0,
                actual=int(line["amount"]),
                links={"bank_lines": [{"line_key": line["line_key"], "file_line": line["file_line"]}]},
                detail=f"credit {line['amount']} '{line['description']}' matches no withdrawal",
            )
        )
    return drafts
