"""Database plumbing shared by every package: the declarative base, engines and sessions.

One database holds the ledger, landing, mapping and reconciliation tables; Alembic (``omnikop.migrations``)
owns its schema. SQLite is the embedded default, PostgreSQL the production database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import BigInteger, Engine, Integer, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Deterministic constraint names so migrations can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a real 64-bit key.
BigIntKey = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; for SQLite also create the parent folder and set safe pragmas.

    SQLite runs in WAL mode with foreign keys on and a generous busy timeout, so the CLI, a DAG task and the
    webhook receiver can share the embedded database.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take control so BEGIN IMMEDIATE works.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None  # autocommit at driver level; SQLAlchemy emits BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


# Autovacuum's rule for when to ANALYZE (changed rows > threshold + scale × rows), with its default threshold and
# a scale of ½: a table that only grows is analysed again each time it has about doubled.
ANALYZE_BASE_ROWS = 50
ANALYZE_PER_ROW = 0.5
STALE_TABLES = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY(:tables)"
    " AND n_mod_since_analyze > :base + :per_row * n_live_tup"
)


def refresh_statistics(engine: Engine, tables: tuple[str, ...]) -> list[str]:
    """``ANALYZE`` those of ``tables`` that changed more than autovacuum's own threshold since they were last
    analysed (PostgreSQL; nothing on SQLite), and say which.

    A fresh database being filled by a large sync has no planner statistics until autovacuum catches up (or
    never, where autovacuum is off): PostgreSQL then plans lookups of a few hundred keys as full scans, and each
    batch gets slower as the ledger grows. Checked after every batch, this analyses a growing table each time
    it has about doubled (a logarithmic number of times in all), and for a small sync into a large ledger not at
    all. ANALYZE samples a fixed number of rows, so it costs little."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        changed = set(
            connection.execute(
                STALE_TABLES, {"tables": list(tables), "base": ANALYZE_BASE_ROWS, "per_row": ANALYZE_PER_ROW}
            ).scalars()
        )
        stale = [table for table in tables if table in changed]  # the caller's names, not the catalog's
        if stale:
            connection.exec_driver_sql(f"ANALYZE {', '.join(stale)}")
        connection.commit()
    return stale


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session
