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

    The import posts no bank matches (``omnikop recon run`` does). A credit whose note names exactly one unpaid
    WhatsApp order code for its gross confirms that order's payment, as ``omnikop orders confirm`` would.
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
    _confirm_payments(statement.lines)


def _confirm_payments(lines) -> None:  # type: ignore[no-untyped-def]
    """Orders the statement's credits pay (``omnikop.payments_from_bank``), confirmed, then posted per shop."""
    from omnikop.cli.orders_cmd import parsing_connector
    from omnikop.cli.sync_cmd import render_summary
    from omnikop.payments_from_bank import confirm_from_bank
    from sync.pipeline import process_shop

    db, settings = engine(), config()
    confirmed = confirm_from_bank(db, lines, [(shop.platform, shop.shop_ref) for shop in settings.shops])
    for c in confirmed:
        state = "confirmed" if c.new else "already confirmed"
        console.print(f"{c.platform} order {c.order_ref} ({c.shop_ref}): paid {c.amount} by bank credit, {state}")
    for platform, shop in sorted({(c.platform, c.shop_ref) for c in confirmed if c.new}):
        console.print(render_summary(process_shop(db, settings, parsing_connector(db, platform, shop))))
