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


def remit_to_member(
    session: Session, member_no: str, amount: int, day: date, reference: str, *, bank_account: str = "1-1200"
) -> int:
    """Pay a member what the cooperative owes them on consignment (Dr 2-1200 member / Cr bank), once per reference."""
    from ledger.posting import EntryDraft, credit, debit, post_entry

    if amount <= 0:
        raise LedgerError(f"a remittance must be a positive amount, got {amount}")
    draft = EntryDraft(
        idempotency_key=f"member-payout:{reference}",
        effective_date=day,
        lines=(
            debit("2-1200", amount, member_no=member_no, tag="member_payout"),
            credit(bank_account, amount),
        ),
        description=f"Remittance to member {member_no} ({reference})",
        source_type="member_payout",
        source_ref=f"member-payout:{reference}",
    )
    result = post_entry(session, draft)
    assert result.entry_id is not None
    return result.entry_id
