"""Alembic environment: one migration history for every omnikop table."""

from __future__ import annotations

from alembic import context

from foundation.db import make_engine
from omnikop.schema import metadata

config = context.config


def run_migrations() -> None:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if not url:  # omnikop.migrate always sets database_url; there is no alembic.ini to give sqlalchemy.url
        raise RuntimeError("no database URL for the migrations: run them through omnikop.migrate")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run `omnikop db upgrade` against a database")
run_migrations()
