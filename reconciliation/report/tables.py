"""The report's content for one month, as plain frames with raw numbers (formatting is the renderers' job).

Each level's items are those dated in the period; the variances are those of the period plus any still open
from before it (so nothing open disappears from a later month's report); ledger balances are taken at the
period's last day, straight from the journal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core_mapping.policy import IN_TRANSIT, RECEIVABLE
from foundation.config import OmnikopConfig
from ledger.models import Account, JournalEntry, JournalLine
from ledger.reports import balances_by
from reconciliation.actions import SUSPENSE
from reconciliation.categories import BUCKET_ORDER, CATEGORIES, LEVELS, aging_bucket
from reconciliation.coverage import coverage_table
from reconciliation.models import AuditEntry, Variance
from reconciliation.report.specs import SPECS
from reconciliation.report.stock_levels import StockLevelRow, stock_levels_frame
from reconciliation.report.store_section import LEVEL_GROUP as STORE_LEVEL_GROUP
from reconciliation.report.store_section import store_items, summarise_store
from reconciliation.run import ReconResult


@dataclass
class ReportData:
    period: str
    start: date
    end: date
    as_of: date
    alert_open_amount: int
    open_amount: int = 0  # Σ |difference| of the open money variances shown
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    tiles: list[tuple[str, str, int | None]] = field(default_factory=list)  # (label, sub-label, amount)
    by_platform: pd.DataFrame = field(default_factory=pd.DataFrame)  # platform, level, matched, open
    aging: pd.DataFrame = field(default_factory=pd.DataFrame)  # bucket, count, amount


def month_span(period: str) -> tuple[date, date]:
    start = date.fromisoformat(f"{period}-01")
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def build_report(
    session: Session,
    config: OmnikopConfig,
    result: ReconResult,
    period: str,
    stock_levels: Iterable[StockLevelRow] = (),
) -> ReportData:
    """The period's tables; ``stock_levels`` are the stock rows the shell computed with ``stock`` (as of now)."""
    start, end = month_span(period)
    data = ReportData(period, start, end, result.as_of, config.reconciliation.alert_open_amount)

    def within(name: str, column: str) -> pd.DataFrame:
        frame = result.tables[name]
        # A bool mask even when the frame is empty: pandas takes an empty object-dtype key for a column list.
        dated = frame[column].map(lambda d: isinstance(d, date) and start <= d <= end).astype(bool)
        return frame.loc[dated].reset_index(drop=True)

    data.tables = {
        "orders": within("orders", "order_on"),
        "wallet": within("wallet", "occurred_on"),
        "balances": result.tables["balances"],
        "withdrawals": within("withdrawals", "occurred_on"),
        "bank_lines": within("bank_lines", "booked_on"),
        "store": store_items(result.tables["store"], start, end),
        "payments": within("payments", "paid_on"),
        "stock": result.tables["stock"],
        "stock_levels": stock_levels_frame(stock_levels),
    }
    data.tables["coverage"] = coverage_table(result.tables["bases"], data.tables)
    data.tables["variances"], data.tables["audit"] = _variances(session, start, end)
    data.tables["ledger"] = _ledger(session, config, end)
    _summarise(data)
    return data


def _variances(session: Session, start: date, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    query = (
        select(Variance)
        .where(Variance.occurred_on <= end, or_(Variance.occurred_on >= start, Variance.status == "open"))
        .order_by(Variance.level, Variance.occurred_on, Variance.id)
    )
    rows = []
    for v in session.scalars(query):
        documents = json.loads(v.links).get("documents", [])
        rows.append(
            {
                "id": v.id,
                "level": LEVELS[v.level],
                "category": v.category,
                "what": CATEGORIES[v.category].label,
                "where": f"{v.platform}:{v.shop_ref}" if v.platform else f"bank {v.bank_account}",
                "subject": v.subject,
                "occurred_on": v.occurred_on,
                "unit": v.unit,
                "expected": v.expected,
                "actual": v.actual,
                "difference": v.difference,
                "age_days": v.age_days,
                "aging": aging_bucket(v.age_days),
                "status": v.status,
                "resolution": v.resolution or "",
                "documents": "; ".join(f"{d['type']} {d['ref']} (raw page {_pages(d)})" for d in documents),
            }
        )
    variances = pd.DataFrame(rows, columns=[c for c, _, _ in SPECS["variances"][1]]).astype(
        {"expected": "int64", "actual": "int64", "difference": "int64", "age_days": "int64"}
    )
    ids = list(variances["id"])
    trail = session.scalars(
        select(AuditEntry).where(AuditEntry.variance_id.in_(ids)).order_by(AuditEntry.variance_id, AuditEntry.id)
    )
    audit = pd.DataFrame(
        [
            {
                "variance_id": e.variance_id,
                "at": f"{e.at:%Y-%m-%d %H:%M:%S}",
                "actor": e.actor,
                "action": e.action,
                "note": e.note,
                "outcome": e.outcome,
                "message": e.message,
            }
            for e in trail
        ],
        columns=[c for c, _, _ in SPECS["audit"][1]],
    )
    return variances, audit


def _pages(document: dict[str, Any]) -> str:
    pages = document.get("raw_pages") or [document.get("raw_page", "-")]
    return ", ".join(str(page) for page in pages)


def _ledger(session: Session, config: OmnikopConfig, end: date) -> pd.DataFrame:
    accounts = sorted(
        {*RECEIVABLE.values(), IN_TRANSIT, SUSPENSE, "1-1200"}
        | {a.ledger_account for a in config.reconciliation.bank_accounts.values()}
    )
    names = dict(session.execute(select(Account.code, Account.name).where(Account.code.in_(accounts))).all())
    rows = []
    for account in accounts:
        for (code, shop), balance in sorted(balances_by(session, "shop", account=account, date_to=end).items()):
            if balance:
                rows.append({"account": code, "name": names.get(code, ""), "shop": shop or "", "balance": balance})
    return pd.DataFrame(rows, columns=["account", "name", "shop", "balance"]).astype({"balance": "int64"})


def bank_matched_in_ledger(session: Session, start: date, end: date) -> int:
    """Σ of the bank-match entries dated in the period (the XLSX's level-3 matched total must equal it)."""
    query = (
        select(JournalLine.amount)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalEntry.idempotency_key.like("recon:bank-match:%"),
            JournalLine.side == "D",
            JournalEntry.effective_date.between(start, end),
        )
    )
    return sum(int(amount) for amount in session.scalars(query))


PAYMENTS_LEVEL_GROUP = "direct payments ↔ bank"
LEVEL_GROUPS = {  # variance level → the chart's level group (the balance assertion is part of level 2)
    "order_settlement": "1 · order ↔ settlement",
    "settlement_wallet": "2 · settlement ↔ wallet",
    "wallet_balance": "2 · settlement ↔ wallet",
    "wallet_bank": "3 · withdrawal ↔ bank",
    "store": STORE_LEVEL_GROUP,
    "payments": PAYMENTS_LEVEL_GROUP,
}


def _summarise(data: ReportData) -> None:
    """Tiles, matched vs open per platform and level, and open amounts by age."""
    t = data.tables
    variances = t["variances"]
    money_open = variances[(variances["status"] == "open") & (variances["unit"] == "IDR")]
    sources = (
        ("1 · order ↔ settlement", t["orders"], "settled_net"),
        ("2 · settlement ↔ wallet", t["wallet"], "credited"),
        ("3 · withdrawal ↔ bank", t["withdrawals"], "amount"),
    )
    matched = {level: (frame[frame["result"] == "matched"], column, len(frame)) for level, frame, column in sources}
    alert = f"{data.alert_open_amount:,}".replace(",", ".")
    data.tiles = [
        (f"Matched · {level}", f"{len(frame)} of {total} items", int(frame[column].sum()))
        for level, (frame, column, total) in matched.items()
    ]
    data.open_amount = int(money_open["difference"].abs().sum())
    data.tiles.append(("Open variances", f"{len(money_open)} open; alert above Rp {alert}", data.open_amount))
    rows = [
        {"platform": platform, "level": level, "matched": int(total), "open": 0}
        for level, (frame, column, _) in matched.items()
        for platform, total in frame.groupby("platform")[column].sum().items()
    ]
    categories = {name: category.level for name, category in CATEGORIES.items()}
    for record in money_open.to_dict("records"):
        platform = "bank" if record["where"].startswith("bank ") else record["where"].split(":")[0]
        level = LEVEL_GROUPS[categories[record["category"]]]
        rows.append({"platform": platform, "level": level, "matched": 0, "open": abs(int(record["difference"]))})
    store = summarise_store(t, data.tiles)
    paid = t["payments"][t["payments"]["result"] == "matched"]
    data.tiles.append(
        (
            f"Matched · {PAYMENTS_LEVEL_GROUP}",
            f"{len(paid)} of {len(t['payments'])} payments",
            int(paid["settled_net"].sum()),
        )
    )
    rows += [
        {"platform": platform, "level": PAYMENTS_LEVEL_GROUP, "matched": int(total), "open": 0}
        for platform, total in paid.groupby("platform")["settled_net"].sum().items()
    ]
    frame = pd.concat(
        [pd.DataFrame(rows, columns=["platform", "level", "matched", "open"]), store], ignore_index=True
    ).astype({"matched": "int64", "open": "int64"})
    data.by_platform = frame.groupby(["platform", "level"], as_index=False)[["matched", "open"]].sum()
    grouped = money_open.assign(amount=money_open["difference"].abs()).groupby("aging")
    data.aging = pd.DataFrame(
        {
            "bucket": list(BUCKET_ORDER),
            "count": [int(grouped.size().get(bucket, 0)) for bucket in BUCKET_ORDER],
            "amount": [int(grouped["amount"].sum().get(bucket, 0)) for bucket in BUCKET_ORDER],
        }
    ).astype({"count": "int64", "amount": "int64"})
