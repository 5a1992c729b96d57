"""Import a bank statement: ``omnikop import bank FILE --account NAME``.

Kept in its own module exposing the ``bank`` command function, so it can be wired under the ``import``
group next to the settlement-file importers.
"""

from __future__ import annotations

from pathlib import Path

import typer

from foundation.db import transaction
from omnikop.cli.common import config, console, engine, errors


def bank(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="the bank's CSV export"),
    account: str = typer.Option(..., "--account", help="a bank account named under reconciliation.bank_accounts"),
) -> None:
    """Import a bank statement CSV into reconciliation. Idempotent: the same lines imported again add nothing.

    Nothing is posted by the import; matching a withdrawal to a bank credit posts Dr bank / Cr in transit.
    """
    from reconciliation.bank_csv import StatementRejected, parse_statement
    from reconciliation.bank_store import store_statement

    settings = config().bank_account(account)
    data = file.read_bytes()
    try:
        statement = parse_statement(data, settings.layout(), source=str(file))
    except StatementRejected as rejected:
        errors.print(f"[red]error:[/red] {rejected}")
        raise typer.Exit(2) from None
    with transaction(engine()) as session:
        summary = store_statement(session, account, file.name, data, statement, settings.preset or "custom")
    span = f"{summary.first_date} … {summary.last_date}" if summary.first_date else "no lines"
    skipped = ", ".join(f"{count} {kind}" for kind, count in sorted(summary.skipped.items())) or "none"
    console.print(
        f"bank {account}: {summary.lines_read} line(s) read ({span}), {summary.lines_new} new,"
        f" {summary.duplicates} already imported; rows skipped: {skipped}"
    )
    if summary.already_imported_at is not None:
        console.print(f"this exact file was imported on {summary.already_imported_at:%Y-%m-%d %H:%M} UTC")
