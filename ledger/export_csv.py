"""CSV journal export: one row per line, debit and credit in separate integer columns."""

from __future__ import annotations

import csv
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Account, JournalEntry, JournalLine

COLUMNS = [
    "entry_id",
    "effective_date",
    "idempotency_key",
    "kind",
    "reverses_entry_id",
    "description",
    "line_no",
    "account_code",
    "account_name",
    "member_no",
    "shop_ref",
    "tag",
    "debit",
    "credit",
    "currency",
]


def write_journal_csv(session: Session, out: TextIO) -> int:
    """Write every journal line; return the number of lines written."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    query = (
        select(JournalEntry, JournalLine, Account.name)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.code == JournalLine.account_code)
        .order_by(JournalEntry.effective_date, JournalEntry.id, JournalLine.line_no)
        .execution_options(yield_per=5000)
    )
    count = 0
    for entry, line, account_name in session.execute(query):
        writer.writerow(
            [
                entry.id,
                entry.effective_date.isoformat(),
                entry.idempotency_key,
                entry.kind,
                entry.reverses_entry_id or "",
                entry.description,
                line.line_no,
                line.account_code,
                account_name,
                line.member_no or "",
                line.shop_ref or "",
                line.tag or "",
                line.amount if line.side == "D" else 0,
                line.amount if line.side == "C" else 0,
                entry.currency,
            ]
        )
        count += 1
    return count
