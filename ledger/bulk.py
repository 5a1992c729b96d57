"""One INSERT statement for many rows, cheap to build: ``unnest`` of column arrays on PostgreSQL.

A multi-row ``INSERT … VALUES (…), (…)`` with thousands of rows is compiled afresh by SQLAlchemy and parsed
afresh by psycopg every time (a different number of parameters each time): profiling the sync showed more
time spent building such statements than PostgreSQL spent running them. ``INSERT … SELECT * FROM
unnest(:col1, :col2, …)`` has one parameter per *column*, so its text is the same for every batch, and it is
still a single statement — which the ledger needs, because PostgreSQL's balance trigger on journal lines
checks each statement (an entry's lines must arrive together). SQLite keeps the multi-row VALUES form.

The same holds for reading and updating many rows by key: ``any_of`` is ``column = ANY(:array)`` on PostgreSQL
(one parameter, an index scan however many keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

SQLITE_ROWS_PER_STATEMENT = 1000  # stays well under SQLite's bound-parameter limit
KEYS_PER_STATEMENT = 5000  # keys looked up per ``any_of``: one statement per batch, under SQLite's limit too


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    skip_conflicts_on: str | None = None,
    skip_any_conflict: bool = False,
    returning: tuple[str, ...] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (all with the same keys) as one statement on PostgreSQL; return the ``returning`` columns
    of inserted rows. ``skip_conflicts_on`` names a unique column: rows clashing on it are skipped silently;
    ``skip_any_conflict`` skips rows clashing on any unique constraint."""
    if not rows:
        return []
    columns = tuple(rows[0])
    if session.get_bind().dialect.name == "postgresql":
        conflict = "" if skip_any_conflict else skip_conflicts_on
        statement = _unnest_insert(table, columns, conflict, returning)
        params = {f"c{index}": [row[name] for row in rows] for index, name in enumerate(columns)}
        result = session.execute(statement, params)
        return [tuple(row) for row in result] if returning else []
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
        statement = sqlite.insert(table).values(list(rows[start : start + SQLITE_ROWS_PER_STATEMENT]))
        if skip_conflicts_on or skip_any_conflict:
            elements = [skip_conflicts_on] if skip_conflicts_on else None
            statement = statement.on_conflict_do_nothing(index_elements=elements)
        if returning:
            out.extend(tuple(row) for row in session.execute(statement.returning(*(table.c[c] for c in returning))))
        else:
            session.execute(statement)
    return out


def any_of(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``: one array parameter on PostgreSQL, whose text (and plan) is the same for any number
    of values; SQLite, which has no arrays, gets the ``IN (…)`` list."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(list(values))


def update_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *, key: str) -> None:
    """Set the other columns of ``rows`` (all with the same keys) on the rows matching their ``key`` column, as
    one executemany (psycopg pipelines it). Not an ``UPDATE … FROM unnest``: psycopg escapes text arrays in
    Python, and for JSON payloads that cost four times what the executemany does. Not for ledger rows."""
    if not rows:
        return
    statement = (
        update(table)
        .where(table.c[key] == bindparam(f"p_{key}"))
        .values({name: bindparam(f"p_{name}") for name in rows[0] if name != key})
    )
    session.execute(statement, [{f"p_{name}": value for name, value in row.items()} for row in rows])


@lru_cache(maxsize=64)
def _unnest_insert(table: Table, columns: tuple[str, ...], conflict: str | None, returning: tuple[str, ...]) -> Any:
    # Identifiers come from the table's metadata (``table.c[name]`` refuses any other name), values are bound.
    dialect = postgresql.dialect()
    arrays = ", ".join(
        f"CAST(:c{index} AS {table.c[name].type.compile(dialect=dialect)}[])" for index, name in enumerate(columns)
    )
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"  # noqa: S608
    if conflict is not None:
        sql += f" ON CONFLICT ({conflict}) DO NOTHING" if conflict else " ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    return text(sql)
