"""A canonical hash of the books: two ledgers with the same fingerprint hold the same entries, lines,
goods movements and balances (database ids and recording times aside)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import GoodsMovement, JournalEntry
from ledger.reports import trial_balance


def ledger_fingerprint(session: Session) -> str:
    digest = hashlib.sha256()
    for key, content, day in session.execute(
        select(JournalEntry.idempotency_key, JournalEntry.content_hash, JournalEntry.effective_date).order_by(
            JournalEntry.idempotency_key
        )
    ):
        digest.update(f"E|{key}|{content}|{day}\n".encode())
    for key, content in session.execute(
        select(GoodsMovement.idempotency_key, GoodsMovement.content_hash).order_by(GoodsMovement.idempotency_key)
    ):
        digest.update(f"G|{key}|{content}\n".encode())
    for row in trial_balance(session):
        digest.update(f"B|{row.code}|{row.debits}|{row.credits}\n".encode())
    return digest.hexdigest()
