"""Balances read from the journal: trial balance and per-dimension balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger.models import Account, JournalEntry, JournalLine

DEBITS = func.coalesce(func.sum(case((JournalLine.side == "D", JournalLine.amount), else_=0)), 0)
CREDITS = func.coalesce(func.sum(case((JournalLine.side == "C", JournalLine.amount), else_=0)), 0)


@dataclass(frozen=True, slots=True)
class BalanceRow:
    code: str
    name: str
    type: str
    normal_side: str
    debits: int
    credits: int

    @property
    def balance(self) -> int:
        """Balance in the account's normal direction (positive = normal)."""
        return self.debits - self.credits if self.normal_side == "D" else self.credits - self.debits

    @property
    def net_debit(self) -> int:
        return self.debits - self.credits


def trial_balance(session: Session, as_of: date | None = None) -> list[BalanceRow]:
    """Every account with postings, with total debits and credits up to ``as_of`` (inclusive)."""
    query = (
        select(Account.code, Account.name, Account.type, Account.normal_side, DEBITS, CREDITS)
        .join(JournalLine, JournalLine.account_code == Account.code)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .group_by(Account.code, Account.name, Account.type, Account.normal_side)
        .order_by(Account.code)
    )
    if as_of is not None:
        query = query.where(JournalEntry.effective_date <= as_of)
    return [BalanceRow(*row) for row in session.execute(query)]


def balances_by(
    session: Session,
    dimension: str,
    *,
    account: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict[tuple[str, str | None], int]:
    """Net debit (debits − credits) per ``(account, member_no|shop_ref)``, optionally for one account and span."""
    column = {"member": JournalLine.member_no, "shop": JournalLine.shop_ref}[dimension]
    query = (
        select(JournalLine.account_code, column, DEBITS - CREDITS)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .group_by(JournalLine.account_code, column)
    )
    if account is not None:
        query = query.where(JournalLine.account_code == account)
    if date_from is not None:
        query = query.where(JournalEntry.effective_date >= date_from)
    if date_to is not None:
        query = query.where(JournalEntry.effective_date <= date_to)
    return {(code, key): int(net) for code, key, net in session.execute(query)}
