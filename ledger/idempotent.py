"""Insert-if-absent by idempotency key, shared by journal entries and goods movements.

``INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING`` lets two processes race on the same key:
PostgreSQL makes the second wait on the unique index and then skip, so exactly one row exists. Rows that were
skipped are read back with their content hash so the caller can tell ``exists`` from a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ledger.bulk import any_of, insert_rows, key_chunks
from ledger.staged import insert_absent_staged, uses_staging

ROWS_PER_STATEMENT = 5000
RETURNING = ("idempotency_key", "id")


def content_hash(payload: Any) -> str:
    """SHA-256 of a canonical JSON rendering (sorted keys, no whitespace)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def insert_absent(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert rows whose ``idempotency_key`` is new; return ``{key: id}`` for the rows actually inserted.

    PostgreSQL on the default posting path: through ``COPY`` staging (``ledger.staged``), one statement."""
    if uses_staging(session):
        return insert_absent_staged(session, table, rows)
    created: dict[str, int] = {}
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        inserted = insert_rows(session, table, chunk, skip_conflicts_on="idempotency_key", returning=RETURNING)
        created.update({key: row_id for key, row_id in inserted})
    return created


def existing_by_key(session: Session, table: Table, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
    """``{key: (id, content_hash)}`` for keys already present."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in key_chunks(keys):
        query = select(table.c.idempotency_key, table.c.id, table.c.content_hash).where(
            any_of(session, table.c.idempotency_key, chunk)
        )
        found.update({key: (row_id, digest) for key, row_id, digest in session.execute(query)})
    return found
