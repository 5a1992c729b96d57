"""Store an imported bank statement idempotently. Importing posts nothing to the ledger: money moves only
when a withdrawal is matched to a bank credit (``reconciliation.bank_match``).

A line's identity is ``account|date|amount|reference|n`` where ``n`` counts identical lines (same date,
amount and reference) within the file, so two real transfers of the same amount on the same day stay two
lines, while the same file (or an overlapping statement) imported again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from reconciliation.bank_csv import Statement
from reconciliation.models import BankFile, BankLine


@dataclass(frozen=True, slots=True)
class ImportSummary:
    account: str
    lines_read: int
    lines_new: int
    skipped: dict[str, int]
    first_date: date | None
    last_date: date | None
    already_imported_at: datetime | None = None  # the identical file was imported before

    @property
    def duplicates(self) -> int:
        return self.lines_read - self.lines_new


def line_key(account: str, booked_on: date, amount: int, reference: str, seq: int) -> str:
    return f"{account}|{booked_on.isoformat()}|{amount}|{reference}|{seq}"


def store_statement(
    session: Session, account: str, file_name: str, data: bytes, statement: Statement, layout_name: str
) -> ImportSummary:
    """Record the file and insert its new lines, in the caller's transaction."""
    digest = hashlib.sha256(data).hexdigest()
    dates = [line.booked_on for line in statement.lines]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    earlier = session.scalar(
        select(BankFile.imported_at).where(BankFile.account == account, BankFile.sha256 == digest).limit(1)
    )
    if earlier is not None:
        return ImportSummary(account, len(statement.lines), 0, dict(statement.skipped), first, last, earlier)
    bank_file = BankFile(
        account=account,
        file_name=file_name[-255:],
        sha256=digest,
        layout=layout_name,
        imported_at=datetime.now(UTC),
        lines_read=len(statement.lines),
        lines_new=0,
        first_date=first,
        last_date=last,
    )
    session.add(bank_file)
    session.flush()
    seen: Counter[tuple[date, int, str]] = Counter()
    rows = []
    for line in statement.lines:
        identity = (line.booked_on, line.amount, line.reference)
        seen[identity] += 1
        rows.append(
            {
                "account": account,
                "line_key": line_key(account, line.booked_on, line.amount, line.reference, seen[identity]),
                "booked_on": line.booked_on,
                "amount": line.amount,
                "reference": line.reference,
                "description": line.description,
                "seq": seen[identity],
                "file_id": bank_file.id,
                "file_line": line.file_line,
            }
        )
    new = 0
    if rows:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement_sql = insert(BankLine).on_conflict_do_nothing(index_elements=["line_key"]).returning(BankLine.id)
        for start in range(0, len(rows), 1000):
            new += len(session.execute(statement_sql.values(rows[start : start + 1000])).all())
    bank_file.lines_new = new
    return ImportSummary(account, len(rows), new, dict(statement.skipped), first, last)
