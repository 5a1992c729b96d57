"""Member register (buku daftar anggota): immutable member numbers, exits keep history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.models import Member

STATUSES = ("active", "exited", "deceased", "extraordinary")


def register_member(session: Session, member_no: str, name: str, join_date: date, status: str = "active") -> Member:
    """Add a member; an existing ``member_no`` is never reused or overwritten."""
    if not member_no or len(member_no) > 20:
        raise LedgerError(f"member_no must be 1–20 characters, got {member_no!r}")
    if status not in STATUSES:
        raise LedgerError(f"member status must be one of {', '.join(STATUSES)}, got {status!r}")
    if session.get(Member, member_no) is not None:
        raise LedgerError(f"member {member_no} already exists; member numbers are never reused")
    member = Member(member_no=member_no, name=name, join_date=join_date, status=status, created_at=datetime.now(UTC))
    session.add(member)
    session.flush()
    return member
