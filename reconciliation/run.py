"""One reconciliation run: read, match the three levels and the store's takings, assert balances, check
stock, post the bank matches, and merge the variances. ``omnikop recon run``, ``omnikop recon report`` and
the reconciliation DAG all call ``run_reconciliation``; it works in the caller's transaction and is safe to
repeat.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from core_mapping.policy import RECEIVABLE
from core_mapping.resolve import MappingIndex
from foundation.config import OmnikopConfig
from ledger.models import JournalEntry, JournalLine
from ledger.posting import business_today
from ledger.reports import balances_by
from reconciliation.actions import variance_source_ref
from reconciliation.balance import assert_balances
from reconciliation.categories import VarianceDraft
from reconciliation.clearing import payment_match_draft, post_bank_matches
from reconciliation.coverage import shop_bases
from reconciliation.match_bank import match_bank
from reconciliation.match_orders import match_orders
from reconciliation.match_payments import match_payments
from reconciliation.match_store import match_store
from reconciliation.match_wallet import match_wallet
from reconciliation.models import Variance
from reconciliation.sources import MATCH_COLUMNS, frame, load_sources
from reconciliation.stock_check import check_stock
from reconciliation.store_clearing import post_store_matches
from reconciliation.variance_store import SaveSummary, save_variances

PREFIX = variance_source_ref("")


@dataclass
class ReconResult:
    as_of: date
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # the matched items of each level
    drafts: list[VarianceDraft] = field(default_factory=list)
    saved: SaveSummary = field(default_factory=SaveSummary)
    matches_posted: int = 0

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for draft in self.drafts:
            found[draft.category] += 1
        return dict(found)


def run_reconciliation(session: Session, config: OmnikopConfig, as_of: date | None = None) -> ReconResult:
    as_of = as_of or business_today()
    settings = config.reconciliation
    sources = load_sources(session, as_of)
    result = ReconResult(as_of)
    orders, found = match_orders(
        sources.orders,
        sources.settlements,
        as_of=as_of,
        due_days=settings.settlement_due_days,
        tolerance=settings.net_tolerance,
    )
    result.tables["orders"], result.drafts = orders, found
    wallet, found = match_wallet(
        sources.settlements, sources.wallet, as_of=as_of, grace_days=settings.wallet_grace_days
    )
    result.tables["wallet"] = wallet
    result.drafts += found
    balances, found = assert_balances(sources.wallet, wallet, _receivable(session), _receivable_corrections(session))
    result.tables["balances"] = balances
    result.drafts += found
    ledger_accounts = {name: account.ledger_account for name, account in settings.bank_accounts.items()}
    store = match_store(
        sources.settlements,
        sources.bank_lines,
        sources.matches,
        window_days=settings.store_window_days,
        mdr_bps=settings.store_qris_mdr_bps,
    )
    store_matches = post_store_matches(session, store.new_matches, ledger_accounts)
    result.matches_posted = len(store_matches)
    result.tables["store"] = store.items
    result.drafts += store.drafts
    matches = pd.concat([sources.matches, frame(store_matches, MATCH_COLUMNS)], ignore_index=True)
    payments = match_payments(sources.settlements, sources.bank_lines, matches, window_days=settings.bank_window_days)
    payment_matches = post_bank_matches(session, payments.new_matches, ledger_accounts, payment_match_draft)
    result.matches_posted += len(payment_matches)
    result.tables["payments"] = payments.items
    result.drafts += payments.drafts
    # The store's and the direct payments' credits are claimed first, so level 3 lists them as matched rather
    # than unexplained.
    matches = pd.concat([matches, frame(payment_matches, MATCH_COLUMNS)], ignore_index=True)
    bank = match_bank(sources.wallet, sources.bank_lines, matches, window_days=settings.bank_window_days)
    result.matches_posted += len(post_bank_matches(session, bank.new_matches, ledger_accounts))
    result.tables["withdrawals"], result.tables["bank_lines"] = bank.withdrawals, bank.lines
    result.drafts += bank.drafts
    stock, found = check_stock(sources.stock, sources.goods, _product_lookup(session, as_of))
    result.tables["stock"] = stock
    result.drafts += found
    result.tables["bases"] = shop_bases(sources.orders, sources.settlements, sources.wallet)
    result.saved = save_variances(session, result.drafts, as_of)
    return result


def open_amount(session: Session) -> int:
    """Σ |difference| of open money variances: what the alert compares with ``alert_open_amount``."""
    query = select(Variance.difference).where(Variance.status == "open", Variance.unit == "IDR")
    return sum(abs(int(value)) for value in session.scalars(query))


def _receivable(session: Session):  # type: ignore[no-untyped-def]
    def through(platform: str, shop_ref: str, day: date) -> int:
        account = RECEIVABLE[platform]
        balances = balances_by(session, "shop", account=account, date_to=day)
        return balances.get((account, f"{platform}:{shop_ref}"), 0)

    return through


def _receivable_corrections(session: Session) -> dict[str, list[tuple[date, int]]]:
    """Per variance id: (date, signed amount) of every reconciliation adjustment on a marketplace receivable."""
    signed = case((JournalLine.side == "D", JournalLine.amount), else_=-JournalLine.amount)
    query = (
        select(JournalEntry.source_ref, JournalEntry.effective_date, signed)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .where(JournalEntry.source_ref.like(f"{PREFIX}%"), JournalLine.account_code.in_(RECEIVABLE.values()))
    )
    corrections: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for source_ref, day, amount in session.execute(query):
        corrections[source_ref.removeprefix(PREFIX)].append((day, int(amount)))
    return dict(corrections)


def _product_lookup(session: Session, as_of: date):  # type: ignore[no-untyped-def]
    """The product a platform SKU is booked as, exactly as core mapping resolves it (or None if unmapped)."""
    indexes: dict[tuple[str, str], MappingIndex] = {}

    def product_of(platform: str, shop_ref: str, sku_ref: str, seller_sku: str | None) -> str | None:
        index = indexes.setdefault((platform, shop_ref), MappingIndex(session, platform, shop_ref))
        owner = index.owner(sku_ref, seller_sku, as_of)
        if owner is None:
            return None
        return owner.product_ref or f"{platform}:{shop_ref}:{sku_ref}"

    return product_of
