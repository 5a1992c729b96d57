"""Drop the run's database connection in the middle of posting, once.

On PostgreSQL the server really terminates the backend (``pg_terminate_backend`` from a second connection), so
the next statement fails as it would after a failover or an idle-session kill. SQLite has no server to lose;
there the DBAPI connection is closed under the running transaction, which fails the statement the same way
(and SQLAlchemy invalidates the connection as a disconnect). Either way the run dies with its batch
uncommitted and the re-run has to finish the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

TRIGGER = "INSERT INTO journal_entries"


class Dropper:
    """Counts how often it fired (a cell whose drop never happened proves nothing)."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.fired = engine, 0
        self.admin = create_engine(engine.url, isolation_level="AUTOCOMMIT") if _is_pg(engine) else None

    def before_execute(self, connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.fired or not statement.lstrip().upper().startswith(TRIGGER.upper()):
            return
        self.fired += 1
        dbapi = connection.connection.dbapi_connection
        if self.admin is not None:
            with self.admin.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dbapi.info.backend_pid})
        else:
            dbapi.close()


@contextmanager
def dropped_once(engine: Engine) -> Iterator[Dropper]:
    dropper = Dropper(engine)
    event.listen(engine, "before_cursor_execute", dropper.before_execute)
    try:
        yield dropper
    finally:
        event.remove(engine, "before_cursor_execute", dropper.before_execute)
        if dropper.admin is not None:
            dropper.admin.dispose()


def _is_pg(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
