"""Store level, an outlet's POS takings ↔ the bank. Pure: frames in, matches and variances out.

Per outlet, business day and tender, the receipts booked (the store's settlements: cash to the till 1-1100,
QRIS and transfer to the clearing 1-1305) are compared with one bank credit that names the outlet:

- ``qris``: the acquirer settles the day's QRIS takings on a later day, less its merchant discount rate.
  The design fixes no MDR, so it is configuration (``reconciliation.store_qris_mdr_bps``, default 0): the
  bank should credit takings − round-half-up(takings × bps / 10 000); any other amount is ``store_qris_fee``
  (with the default 0 bp every deduction shows there, for finance to see rather than omnikop to guess);
- ``transfer``: the buyers' transfers of the day, expected in full (``store_transfer_mismatch`` otherwise);
- ``cash``: the till's cash, deposited at the bank (``store_cash_short`` / ``store_cash_over``).

A bank credit belongs to an outlet when its reference or description names the outlet id as a word; it is
QRIS when it says ``QRIS``, a cash deposit when it says ``SETOR``/``TUNAI``/``CASH`` (a deposit slip), and a
transfer otherwise. A day's takings match the credit of its outlet and kind booked from that day to
``window_days`` after it: the credit closest to the expected amount first (exact, then the smallest
difference, so a short deposit still finds its day), then the closest date, then the earlier line;
each day and each line at most once, earlier matches kept as they are. When the statements reach past the
window and no credit came: ``store_qris_unsettled`` / ``store_transfer_unsettled`` /
``store_cash_not_deposited`` (otherwise *awaiting bank statement*). A credit no day claims is left to level 3,
which lists it as ``bank_line_unmatched``. One credit per outlet, day and tender: a day deposited in two
slips, or two days in one, shows as a difference for finance to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from reconciliation.categories import VarianceDraft

PLATFORM = "store"
TENDERS = ("cash", "qris", "transfer")
METHODS = {"cash": "store_cash", "qris": "store_qris", "transfer": "store_transfer"}
CASH_WORDS = re.compile(r"SETOR|TUNAI|CASH")
ITEM_COLUMNS = [
    "outlet",
    "business_day",
    "tender",
    "receipts",
    "takings",
    "fee",
    "expected",
    "bank_account",
    "booked_on",
    "bank_amount",
    "bank_line",
    "difference",
    "result",
]
TAKINGS_COLUMNS = {
    "outlet": "object",
    "business_day": "object",
    "tender": "object",
    "receipts": "int64",
    "takings": "int64",
    "pages": "object",
    "fee": "int64",
    "expected": "int64",
}
MISMATCH = {"qris": "store_qris_fee", "transfer": "store_transfer_mismatch"}
MISSING = {"cash": "store_cash_not_deposited", "qris": "store_qris_unsettled", "transfer": "store_transfer_unsettled"}


@dataclass
class StoreMatching:
    new_matches: list[dict[str, Any]] = field(default_factory=list)  # for ``store_clearing.post_store_matches``
    items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ITEM_COLUMNS))
    drafts: list[VarianceDraft] = field(default_factory=list)


def qris_fee(takings: int, mdr_bps: int) -> int:
    """The acquirer's deduction on a day's QRIS takings, whole rupiah, half up."""
    return int((Decimal(takings) * mdr_bps / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def movement_ref(tender: str, day: date) -> str:
    """The identity of one outlet's takings of one tender and day (a ``BankMatch.movement_ref``)."""
    return f"{tender}:{day.isoformat()}"


def takings_of(settlements: pd.DataFrame, mdr_bps: int) -> pd.DataFrame:
    """Per outlet, business day and tender: receipts, takings (Σ settled net), fee and expected bank credit."""
    store = settlements[(settlements["platform"] == PLATFORM) & settlements["tender"].isin(TENDERS)]
    if store.empty:
        return pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in TAKINGS_COLUMNS.items()})
    grouped = store.groupby(["shop_ref", "released_on", "tender"], as_index=False).agg(
        receipts=("settlement_ref", "size"),
        takings=("settled_net", "sum"),
        pages=("settlement_page", lambda pages: sorted({int(page) for page in pages})),
    )
    grouped = grouped.rename(columns={"shop_ref": "outlet", "released_on": "business_day"})
    fees = [
        qris_fee(int(t), mdr_bps) if tender == "qris" else 0
        for t, tender in zip(grouped["takings"], grouped["tender"], strict=True)
    ]
    return grouped.assign(fee=pd.Series(fees, index=grouped.index, dtype="int64")).assign(
        expected=lambda g: g["takings"].astype("int64") - g["fee"]
    )


def classify(bank_lines: pd.DataFrame, outlets: Iterable[str]) -> pd.DataFrame:
    """The credits that name an outlet, with ``outlet`` and ``kind`` (cash, qris, transfer)."""
    patterns = {outlet: re.compile(rf"(?<![A-Z0-9]){re.escape(outlet.upper())}(?![A-Z0-9])") for outlet in outlets}
    rows = []
    for line in bank_lines[bank_lines["amount"] > 0].to_dict("records"):
        text = f"{line['reference']} {line['description']}".upper()
        named = [outlet for outlet, pattern in patterns.items() if pattern.search(text)]
        if len(named) != 1:  # none, or ambiguous: not the store's, level 3 lists it
            continue
        kind = "qris" if "QRIS" in text else "cash" if CASH_WORDS.search(text) else "transfer"
        rows.append({**line, "outlet": named[0], "kind": kind})
    return pd.DataFrame(rows, columns=[*bank_lines.columns, "outlet", "kind"])


def match_store(
    settlements: pd.DataFrame,
    bank_lines: pd.DataFrame,
    matches: pd.DataFrame,
    *,
    window_days: int,
    mdr_bps: int,
) -> StoreMatching:
    takings = takings_of(settlements, mdr_bps)
    earlier = matches[matches["platform"] == PLATFORM]
    done_days = set(zip(earlier["shop_ref"], earlier["movement_ref"], strict=True))
    done_lines = set(matches["bank_line_id"])
    keys = zip(takings["outlet"], takings["tender"], takings["business_day"], strict=True)
    still_open = [(outlet, movement_ref(tender, day)) not in done_days for outlet, tender, day in keys]
    open_days = takings[pd.Series(still_open, index=takings.index, dtype=bool)]
    credits = classify(bank_lines[~bank_lines["bank_line_id"].isin(done_lines)], set(takings["outlet"]))
    result = StoreMatching()
    used_days: set[tuple[str, str]] = set()
    used_lines: set[int] = set()
    for pair in _candidates(open_days, credits, window_days).to_dict("records"):
        key = (pair["outlet"], movement_ref(pair["tender"], pair["business_day"]))
        if key in used_days or pair["bank_line_id"] in used_lines:
            continue
        used_days.add(key)
        used_lines.add(pair["bank_line_id"])
        result.new_matches.append(
            {
                "bank_line_id": int(pair["bank_line_id"]),
                "platform": PLATFORM,
                "shop_ref": pair["outlet"],
                "movement_ref": key[1],
                "tender": pair["tender"],
                "amount": int(pair["amount"]),
                "fee": int(pair["fee"]),
                "method": METHODS[pair["tender"]],
                "booked_on": pair["booked_on"],
                "account": pair["account"],
            }
        )
    all_matches = [*earlier.to_dict("records"), *result.new_matches]
    coverage_end = max(bank_lines["booked_on"], default=None)
    result.items = _items(takings, bank_lines, all_matches, window_days, coverage_end)
    result.drafts = _drafts(result.items, takings)
    return result


def _candidates(days: pd.DataFrame, credits: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Every (day's takings, credit) pair of the same outlet and kind inside the window, best pairs first."""
    pairs = days.merge(credits, left_on=["outlet", "tender"], right_on=["outlet", "kind"], suffixes=("", "_line"))
    if pairs.empty:
        return pairs
    lag = (pd.to_datetime(pairs["booked_on"]) - pd.to_datetime(pairs["business_day"])).dt.days.astype("int64")
    pairs = pairs.assign(lag=lag, gap=(pairs["amount"] - pairs["expected"]).abs())
    pairs = pairs[(pairs["lag"] >= 0) & (pairs["lag"] <= window_days)]
    return pairs.sort_values(["gap", "lag", "business_day", "bank_line_id"], kind="stable")


def _items(
    takings: pd.DataFrame,
    lines: pd.DataFrame,
    matches: list[dict[str, Any]],
    window_days: int,
    coverage_end: date | None,
) -> pd.DataFrame:
    by_day = {(m["shop_ref"], m["movement_ref"]): m for m in matches}
    line_by_id = {row["bank_line_id"]: row for row in lines.to_dict("records")}
    rows = []
    for day in takings.to_dict("records"):
        match = by_day.get((day["outlet"], movement_ref(day["tender"], day["business_day"])))
        line = line_by_id.get(match["bank_line_id"]) if match else None
        expected = int(day["expected"])
        if line is not None:
            bank_amount: int | None = int(line["amount"])
            difference = int(line["amount"]) - expected
            result = "matched" if difference == 0 else _mismatch(day["tender"], difference)
        else:
            bank_amount, expected = None, int(day["takings"])  # nothing settled: no fee taken either
            difference = -expected
            late = coverage_end is not None and day["business_day"] + timedelta(days=window_days) < coverage_end
            result = MISSING[day["tender"]] if late else "awaiting bank statement"
        rows.append(
            {
                "outlet": day["outlet"],
                "business_day": day["business_day"],
                "tender": day["tender"],
                "receipts": int(day["receipts"]),
                "takings": int(day["takings"]),
                "fee": int(day["fee"]) if line is not None else 0,
                "expected": expected,
                "bank_account": line["account"] if line else "",
                "booked_on": line["booked_on"] if line else None,
                "bank_amount": bank_amount,
                "bank_line": line["line_key"] if line else "",
                "difference": difference,
                "result": result,
            }
        )
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    return frame.astype({"receipts": "int64", "takings": "int64", "fee": "int64", "expected": "int64"}).astype(
        {"bank_amount": "Int64", "difference": "int64"}
    )


def _mismatch(tender: str, difference: int) -> str:
    if tender == "cash":
        return "store_cash_short" if difference < 0 else "store_cash_over"
    return MISMATCH[tender]


def _drafts(items: pd.DataFrame, takings: pd.DataFrame) -> list[VarianceDraft]:
    pages = {(t["outlet"], t["business_day"], t["tender"]): t["pages"] for t in takings.to_dict("records")}
    drafts = []
    for item in items[~items["result"].isin(["matched", "awaiting bank statement"])].to_dict("records"):
        day, tender, outlet = item["business_day"], item["tender"], item["outlet"]
        actual = 0 if pd.isna(item["bank_amount"]) else int(item["bank_amount"])
        links: dict[str, Any] = {
            "documents": [
                {
                    "type": "pos receipts",
                    "ref": f"{item['receipts']} {tender}",
                    "raw_pages": pages[(outlet, day, tender)],
                }
            ]
        }
        if item["bank_line"]:
            links["bank_lines"] = [{"line_key": item["bank_line"]}]
        fee = f", less MDR {item['fee']}" if item["fee"] else ""
        seen = f"bank {item['bank_account']} {item['booked_on']}: {actual}" if item["bank_line"] else "no bank credit"
        drafts.append(
            VarianceDraft(
                category=item["result"],
                platform=PLATFORM,
                shop_ref=outlet,
                refs=(tender, day.isoformat()),
                subject=f"{outlet} {day} {tender} takings ({item['receipts']} receipts)",
                occurred_on=day,
                expected=int(item["expected"]),
                actual=actual,
                bank_account=item["bank_account"] or None,
                links=links,
                detail=f"{tender} takings {item['takings']}{fee}; {seen}",
            )
        )
    return drafts
