"""The set-based write of ledger rows on PostgreSQL: ``COPY`` into a staging table, then one
``INSERT … SELECT … ON CONFLICT (idempotency_key) DO NOTHING`` per table; journal lines ``COPY`` straight in.

Why: profiling ``bench/throughput.py`` showed the row path's JSON round trip (``json.dumps`` of every row in
Python, ``json_populate_recordset`` in PostgreSQL) and its statement chunks costing more than the inserts
themselves. ``COPY`` carries the same rows in PostgreSQL's own text format (formatted in C by psycopg).

The guarantees are the row path's, unchanged:

- exactly-once: entries and movements still reach their table only through ``ON CONFLICT (idempotency_key) DO
  NOTHING``, so two overlapping runs racing on a key leave one row; ``RETURNING`` tells the caller which keys
  this statement created;
- balance: the lines of the created entries arrive in one ``COPY``, one statement, and PostgreSQL runs the
  balance trigger (``ledger.triggers``) on its transition table like on any ``INSERT``;
- same rows, same order: the staging rows carry their position (``ord``) and the ``INSERT … SELECT`` orders by
  it, so ids are assigned in the order the row path assigned them (identical ledger fingerprints).

``OMNIKOP_POSTING_PATH=rows`` selects the row path (``ledger.bulk.insert_rows``) instead: the reference the
benchmark and the tests compare this path with. SQLite always takes the row path (it has no ``COPY``).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from ledger.bulk import insert_rows

POSTING_PATH_ENV = "OMNIKOP_POSTING_PATH"
PATHS = ("set", "rows")


def posting_path() -> str:
    """``set`` (default) or ``rows``, from ``OMNIKOP_POSTING_PATH``; anything else is refused, not guessed."""
    value = os.environ.get(POSTING_PATH_ENV, "set").strip().lower() or "set"
    if value not in PATHS:
        raise ValueError(f"{POSTING_PATH_ENV}={value!r}: use 'set' (the default) or 'rows'")
    return value


def uses_staging(session: Session) -> bool:
    """Whether this session writes ledger rows through ``COPY`` staging (PostgreSQL, path ``set``)."""
    return session.get_bind().dialect.name == "postgresql" and posting_path() == "set"


def insert_absent_staged(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert the rows whose ``idempotency_key`` is new; ``{key: id}`` of the rows this call inserted.

    The same contract as ``ledger.idempotent.insert_absent``, as one ``COPY`` and one ``INSERT … SELECT``."""
    inserted = insert_new_staged(session, table, rows, conflict="idempotency_key", returning=("idempotency_key", "id"))
    return {key: row_id for key, row_id in inserted}


def insert_new(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, conflict: str | None, returning: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """Insert ``rows``, skipping those that clash on the unique column ``conflict`` (any unique constraint when
    None); the ``returning`` columns of the rows inserted. The one switch between the two paths for a caller
    outside the ledger (the document store): ``COPY`` staging where ``uses_staging``, else ``insert_rows``."""
    if uses_staging(session):
        return insert_new_staged(session, table, rows, conflict=conflict, returning=returning)
    return insert_rows(
        session, table, rows, skip_conflicts_on=conflict, skip_any_conflict=conflict is None, returning=returning
    )


def insert_new_staged(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, conflict: str | None, returning: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (all with the same keys) in their order, skipping those that clash on the unique column
    ``conflict`` (any unique constraint when None); the ``returning`` columns of the rows inserted.

    ``ledger.bulk.insert_rows`` with ``skip_conflicts_on``/``skip_any_conflict`` and ``returning``, as one
    ``COPY`` and one ``INSERT … SELECT`` (the document store writes through this too)."""
    if not rows:
        return []
    columns = tuple(rows[0])
    names = ", ".join(table.c[name].name for name in columns)
    # One staging table per table and column set: it is created once per connection with the columns of its
    # first use, so a later call with other columns must not find it.
    stage = f"omnikop_stage_{table.name}_{zlib.crc32(names.encode()):08x}"
    # Statements go through SQLAlchemy (its events and logging see them, as on the row path); only the COPY
    # data travels on the driver's cursor, in the same transaction. The staging table is temporary and per
    # connection, emptied at commit and here too, for a second call in the same transaction.
    connection = session.connection()
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS"  # noqa: S608
        f" AS SELECT 0::bigint AS ord, {names} FROM {table.name} WITH NO DATA"
    )
    connection.exec_driver_sql(f"TRUNCATE {stage}")
    values = _values_of(columns)
    with _driver_connection(session).cursor().copy(f"COPY {stage} (ord, {names}) FROM STDIN") as copy:
        for position, row in enumerate(rows):
            copy.write_row((position, *values(row)))
    target = f"({table.c[conflict].name}) " if conflict else ""
    inserted = connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {stage} ORDER BY ord"  # noqa: S608
        f" ON CONFLICT {target}DO NOTHING RETURNING {', '.join(table.c[name].name for name in returning)}"
    )
    return [tuple(row) for row in inserted.fetchall()]


def copy_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``COPY`` rows that cannot clash (the lines of entries this transaction just created) as one statement."""
    if not rows:
        return
    columns = tuple(rows[0])
    names = ", ".join(table.c[name].name for name in columns)
    values = _values_of(columns)
    with _driver_connection(session).cursor().copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(values(row))


def _values_of(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A row's values in ``columns`` order, as a tuple (``itemgetter`` picks them in C, a generator per row in
    Python cost more than psycopg's formatting of the row)."""
    if len(columns) == 1:
        (name,) = columns
        return lambda row: (row[name],)
    return itemgetter(*columns)


def _driver_connection(session: Session) -> Any:
    """The psycopg connection under the session, inside the session's own transaction."""
    return session.connection().connection.driver_connection
