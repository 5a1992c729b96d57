"""Closing periods: once books are closed through a date, nothing may be posted on or before it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.models import ClosedPeriod
from ledger.posting import business_today


def closed_through(session: Session) -> date | None:
    return session.scalar(select(func.max(ClosedPeriod.closed_through)))


def close_period(session: Session, through: date, closed_by: str, note: str = "", *, today: date | None = None) -> None:
    """Close the books through ``through`` (inclusive); closures only move forward and never into the future."""
    today = today or business_today()
    if through >= today:
        raise LedgerError(f"cannot close through {through}: the period has not ended yet (today is {today})")
    current = closed_through(session)
    if current is not None and through <= current:
        raise LedgerError(f"books are already closed through {current}; a closure can only move forward")
    session.add(ClosedPeriod(closed_through=through, closed_at=datetime.now(UTC), closed_by=closed_by, note=note))
    session.flush()
