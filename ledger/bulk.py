"""One statement for many rows, cheap to build: on PostgreSQL the rows travel as one JSON parameter.

A multi-row ``INSERT … VALUES (…), (…)`` with thousands of rows is compiled afresh by SQLAlchemy and parsed
afresh by psycopg every time (a different number of parameters each time): profiling the sync showed more
time spent building such statements than PostgreSQL spent running them. ``INSERT … SELECT … FROM
json_populate_recordset(NULL::table, :rows)`` has one parameter, so its text is the same for every batch, and
it is still a single statement — which the ledger needs, because PostgreSQL's balance trigger on journal lines
checks each statement (an entry's lines must arrive together). The rows are rendered by ``json.dumps`` (C);
the earlier ``unnest`` of one array per column spent more time in psycopg's array quoting (Python, a regular
expression per text element) than PostgreSQL spent inserting. SQLite gets an executemany of one statement.

The same holds for reading and updating many rows by key: ``any_of`` is ``column = ANY(ARRAY(SELECT
json_array_elements_text(:keys)))`` on PostgreSQL (one parameter, an index scan however many keys; the keys as
one JSON text because psycopg quotes a text array element by element in Python, a regular expression each,
which profiling put at a quarter of a second per 5 000 orders) and ``update_rows`` one ``UPDATE … FROM
json_populate_recordset``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, Table, Text, any_, bindparam, cast, func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

T = TypeVar("T")
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
        result = session.execute(_json_insert(table, columns, conflict, returning), {"rows": _as_json(rows)})
        return [tuple(row) for row in result.fetchall()] if returning else []
    # SQLite: one cached statement and the rows as an executemany (SQLAlchemy's "insertmanyvalues" batches them
    # into multi-row VALUES itself, also with RETURNING). Building ``.values(rows)`` instead compiled every row
    # into a new statement, superlinear in its rows: 0.3 ms a row at 250 rows, 0.7 ms at 1 000 (issue 22).
    statement = sqlite.insert(table)
    if skip_conflicts_on or skip_any_conflict:
        statement = statement.on_conflict_do_nothing(index_elements=[skip_conflicts_on] if skip_conflicts_on else None)
    if not returning:
        session.execute(statement, list(rows))
        return []
    with_returning = statement.returning(*(table.c[c] for c in returning))
    return [tuple(row) for row in session.execute(with_returning, list(rows))]


def key_chunks(keys: Sequence[T]) -> Iterator[Sequence[T]]:
    """``keys`` in slices of ``KEYS_PER_STATEMENT``: one ``any_of`` statement each."""
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        yield keys[start : start + KEYS_PER_STATEMENT]


def any_of(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN values`` for a text column: one JSON parameter on PostgreSQL, whose statement text (and plan)
    is the same for any number of values; SQLite, which has no arrays, gets the ``IN (…)`` list."""
    if session.get_bind().dialect.name == "postgresql":
        keys = bindparam(None, json.dumps(list(values)), type_=Text)
        return column == any_(func.array(select(func.json_array_elements_text(cast(keys, JSON))).scalar_subquery()))
    return column.in_(list(values))


def update_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *, key: str) -> None:
    """Set the other columns of ``rows`` (all with the same keys) on the rows matching their ``key`` column: one
    statement on PostgreSQL, an executemany on SQLite. Not for ledger rows, which never change."""
    if not rows:
        return
    columns = tuple(rows[0])
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_json_update(table, columns, key), {"rows": _as_json(rows)})
        return
    statement = (
        update(table)
        .where(table.c[key] == bindparam(f"p_{key}"))
        .values({name: bindparam(f"p_{name}") for name in columns if name != key})
    )
    session.execute(statement, [{f"p_{name}": value for name, value in row.items()} for row in rows])


def _as_json(rows: Sequence[dict[str, Any]]) -> str:
    """Dates and times as their ISO text (``str``), which PostgreSQL reads back exactly."""
    return json.dumps(rows, default=str)


# Identifiers in the statements below come from the table's metadata (``table.c[name]`` refuses any other
# name); values are bound.


@lru_cache(maxsize=64)
def _json_insert(table: Table, columns: tuple[str, ...], conflict: str | None, returning: tuple[str, ...]) -> Any:
    names = ", ".join(table.c[name].name for name in columns)
    sql = (
        f"INSERT INTO {table.name} ({names}) SELECT {names}"  # noqa: S608
        f" FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json))"
    )
    if conflict is not None:
        sql += f" ON CONFLICT ({table.c[conflict].name}) DO NOTHING" if conflict else " ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(table.c[name].name for name in returning)}"
    return text(sql)


@lru_cache(maxsize=16)
def _json_update(table: Table, columns: tuple[str, ...], key: str) -> Any:
    assignments = ", ".join(f"{table.c[name].name} = u.{name}" for name in columns if name != key)
    sql = (
        f"UPDATE {table.name} SET {assignments}"  # noqa: S608
        f" FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json)) AS u"
        f" WHERE {table.name}.{table.c[key].name} = u.{key}"
    )
    return text(sql)
