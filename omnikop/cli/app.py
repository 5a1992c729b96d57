"""The ``omnikop`` command line: every operation the DAGs run is also a command here."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import DBAPIError

from connectors.base.errors import ConnectorError
from foundation.config import ConfigError
from foundation.csv_import import ImportRejected
from ledger.errors import LedgerError
from omnikop.cli import (
    bank_cmd,
    connector_cmd,
    db_cmd,
    demo_cmd,
    import_cmd,
    ledger_cmd,
    mapping_cmds,
    orders_cmd,
    recon_cmd,
    sandbox_cmd,
    shops_cmd,
    shu_cmd,
    stock_cmd,
    sync_cmd,
    webhooks_cmd,
)
from omnikop.cli.common import config, errors

app = typer.Typer(
    name="omnikop",
    help="omnikop: marketplace and delivery-platform integration for a koperasi's double-entry ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(ledger_cmd.app, name="ledger")
app.add_typer(sandbox_cmd.app, name="sandbox")
app.add_typer(connector_cmd.app, name="connector")
app.add_typer(mapping_cmds.members, name="members")
app.add_typer(mapping_cmds.mappings, name="mappings")
app.add_typer(sync_cmd.quarantine_app, name="quarantine")
app.command("sync")(sync_cmd.sync)
app.add_typer(webhooks_cmd.app, name="webhooks")
app.add_typer(import_cmd.app, name="import")
app.add_typer(recon_cmd.app, name="recon")
import_cmd.app.command("bank")(bank_cmd.bank)
app.command("demo")(demo_cmd.demo)
app.add_typer(demo_cmd.airflow_app, name="airflow")
app.add_typer(shu_cmd.savings, name="savings")
app.add_typer(shu_cmd.shu, name="shu")
app.add_typer(shops_cmd.app, name="shops")
app.add_typer(stock_cmd.app, name="stock")
app.add_typer(orders_cmd.app, name="orders")


def main() -> None:
    """Entry point: known, actionable errors print one clear line and exit 2 instead of a traceback."""
    try:
        app()
    except (ConfigError, LedgerError, ConnectorError, ImportRejected, LookupError) as error:
        errors.print(f"[red]error:[/red] {error}")
        sys.exit(2)
    except DBAPIError as error:
        errors.print(f"[red]error:[/red] {describe_database_error(error)}")
        sys.exit(2)


def describe_database_error(error: DBAPIError) -> str:
    """Say what to do about the two database errors a user meets first."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    if "no such table" in detail or ("relation" in detail and "does not exist" in detail):
        return f"the database has no omnikop schema yet ({detail}); run `omnikop db upgrade` first"
    if error.connection_invalidated or "connect" in detail.lower():
        url = config().database_url.split("@")[-1]
        return f"cannot reach the database ({url}): {detail}. Is it running? Check OMNIKOP_DATABASE_URL."
    return f"database error: {detail}"


if __name__ == "__main__":
    main()
