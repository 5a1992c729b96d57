"""``omnikop db``: create or migrate the database.

Alembic is imported by these two commands only: at the top it cost every other ``omnikop`` command a fifth of a
second of start-up (the test suite runs hundreds of them)."""

from __future__ import annotations

import typer

from omnikop.cli.common import console, engine, redacted_url

app = typer.Typer(help="Create and migrate the omnikop database (Alembic).", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the latest schema and seed the chart of accounts (safe to repeat)."""
    from omnikop import migrate

    db = engine()
    added = migrate.upgrade(db)
    console.print(
        f"database {redacted_url(db)} is at revision {migrate.current_revision(db)}"
        f" ({added} account(s) added to the chart)"
    )


@app.command("current")
def current() -> None:
    """Show the database's schema revision and the latest available one."""
    from omnikop import migrate

    db = engine()
    console.print(f"current: {migrate.current_revision(db) or '(empty database)'}  head: {migrate.head_revision(db)}")
