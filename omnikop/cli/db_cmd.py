"""``omnikop db``: create or migrate the database."""

from __future__ import annotations

import typer

from omnikop import migrate
from omnikop.cli.common import console, engine, redacted_url

app = typer.Typer(help="Create and migrate the omnikop database (Alembic).", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the latest schema and seed the chart of accounts (safe to repeat)."""
    db = engine()
    added = migrate.upgrade(db)
    console.print(
        f"database {redacted_url(db)} is at revision {migrate.current_revision(db)}"
        f" ({added} account(s) added to the chart)"
    )


@app.command("current")
def current() -> None:
    """Show the database's schema revision and the latest available one."""
    db = engine()
    console.print(f"current: {migrate.current_revision(db) or '(empty database)'}  head: {migrate.head_revision(db)}")
