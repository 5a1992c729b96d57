"""What the books say for a financial year: the income statement (S), member volumes and capital bases.

Every figure is re-derived from journal lines, never from a cache, so a computation can be repeated and
checked against the frozen snapshot at posting time. Amounts are integer rupiah, credit positive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from ledger.models import Account, JournalEntry, JournalLine
from shu.accounts import CAPITAL_ACCOUNTS, SHU_CLOSE_SOURCE, VOLUME_TAGS
from shu.eligibility import year_bounds

NET_CREDIT = func.coalesce(func.sum(case((JournalLine.side == "C", JournalLine.amount), else_=-JournalLine.amount)), 0)
CHUNK = 500


def income_statement(session: Session, year: int) -> dict[str, int]:
    """Net credit per revenue and expense account for the year (revenue positive, expense negative).

    The sum is the year's result: SHU after tax once income tax (6-9000) is booked, since tax is an expense.
    The SHU closing entries are left out, so closing the books does not make the year's surplus vanish.
    """
    start, end = year_bounds(year)
    query = (
        select(JournalLine.account_code, NET_CREDIT)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.code == JournalLine.account_code)
        .where(
            Account.type.in_(("REVENUE", "EXPENSE")),
            JournalEntry.effective_date.between(start, end),
            or_(JournalEntry.source_type.is_(None), JournalEntry.source_type != SHU_CLOSE_SOURCE),
        )
        .group_by(JournalLine.account_code)
        .order_by(JournalLine.account_code)
    )
    return {code: int(net) for code, net in session.execute(query) if net}


def member_volumes(session: Session, start: date, end: date, members: Collection[str] | None = None) -> dict[str, int]:
    """Each member's net transaction volume (credits − debits over the volume-tagged lines) dated in the span."""
    conditions = [JournalLine.tag.in_(VOLUME_TAGS), JournalLine.member_no.is_not(None)]
    return _per_member(session, conditions, start, end, members)


def capital_balances(session: Session, through: date, members: Collection[str] | None = None) -> dict[str, int]:
    """Simpanan pokok + wajib per member at the end of ``through``."""
    return _per_member(session, [JournalLine.account_code.in_(CAPITAL_ACCOUNTS)], None, through, members)


def capital_changes(session: Session, start: date, end: date) -> dict[str, dict[date, int]]:
    """Net change of pokok + wajib per member per day within the span (for time-weighted capital)."""
    query = (
        select(JournalLine.member_no, JournalEntry.effective_date, NET_CREDIT)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.account_code.in_(CAPITAL_ACCOUNTS),
            JournalLine.member_no.is_not(None),
            JournalEntry.effective_date.between(start, end),
        )
        .group_by(JournalLine.member_no, JournalEntry.effective_date)
    )
    changes: dict[str, dict[date, int]] = defaultdict(dict)
    for member_no, day, net in session.execute(query):
        if net:
            changes[member_no][day] = int(net)
    return changes


def rupiah_days(opening: int, changes: dict[date, int], start: date, end: date) -> int:
    """Σ over each day of [start, end] of the balance at the end of that day: a time-weighted capital weight.

    Integer and exact; dividing by the number of days would give the average balance, but the allocation only
    needs the ratios, so the sum itself is the weight (Fineract's share-days idea, without its floats).
    """
    total, balance, day = 0, opening, start
    for moment in sorted(d for d in changes if start <= d <= end):
        total += balance * (moment - day).days
        balance += changes[moment]
        day = moment
    return total + balance * ((end - day).days + 1)


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def _per_member(
    session: Session, conditions: list[Any], start: date | None, end: date, members: Collection[str] | None
) -> dict[str, int]:
    result: dict[str, int] = {}
    for chunk in _chunks(members):
        query = (
            select(JournalLine.member_no, NET_CREDIT)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(*conditions, JournalEntry.effective_date <= end)
            .group_by(JournalLine.member_no)
        )
        if start is not None:
            query = query.where(JournalEntry.effective_date >= start)
        if chunk is not None:
            query = query.where(JournalLine.member_no.in_(chunk))
        result.update({member_no: int(net) for member_no, net in session.execute(query) if member_no is not None})
    return result


def _chunks(members: Collection[str] | None) -> Iterator[list[str] | None]:
    if members is None:
        yield None
        return
    ordered = sorted(members)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
