"""``omnikop ledger``: verify, report and export the cooperative ledger."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from foundation.db import transaction
from ledger.check import check_ledger
from ledger.export_beancount import write_beancount
from ledger.export_csv import write_journal_csv
from ledger.money import format_idr
from ledger.reports import trial_balance
from omnikop.cli.common import console, engine, errors

app = typer.Typer(help="Check, report and export the ledger.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Verify every ledger invariant; exit 0 with a one-line summary, or 1 with the list of violations."""
    with transaction(engine()) as session:
        report = check_ledger(session)
    if report.ok:
        console.print(report.summary())
        return
    for violation in report.violations:
        errors.print(f"[red]✗[/red] {violation.check}: {violation.message}")
    errors.print(report.summary())
    raise typer.Exit(1)


@app.command("trial-balance")
def trial_balance_command(
    as_of: str = typer.Option(None, "--as-of", help="include entries up to this date (YYYY-MM-DD)"),
) -> None:
    """Print debits, credits and balance per account; the totals must be equal."""
    with transaction(engine()) as session:
        rows = trial_balance(session, date.fromisoformat(as_of) if as_of else None)
    console.print(render_trial_balance(rows))


def render_trial_balance(rows) -> Table:  # type: ignore[no-untyped-def]
    table = Table(title="Neraca saldo (trial balance)")
    for heading in ("Akun", "Nama", "Debit", "Kredit"):
        table.add_column(heading, justify="right" if heading in ("Debit", "Kredit") else "left")
    total_debit = total_credit = 0
    for row in rows:
        net = row.net_debit
        debit, credit = (net, 0) if net >= 0 else (0, -net)
        total_debit += debit
        total_credit += credit
        table.add_row(row.code, row.name, format_idr(debit) if debit else "", format_idr(credit) if credit else "")
    table.add_section()
    table.add_row("", "Jumlah", format_idr(total_debit), format_idr(total_credit))
    return table


class ExportFormat(StrEnum):
    beancount = "beancount"
    csv = "csv"


@app.command("export")
def export(
    format: ExportFormat = typer.Option(..., "--format", help="beancount (for bean-check / Fava) or csv"),
    out: Path = typer.Option(..., "--out", help="file to write", dir_okay=False),
) -> None:
    """Export the whole journal."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with transaction(engine()) as session, out.open("w", encoding="utf-8", newline="") as handle:
        if format is ExportFormat.beancount:
            count = write_beancount(session, handle)
            what = "transactions"
        else:
            count = write_journal_csv(session, handle)
            what = "lines"
    console.print(f"wrote {count} {what} to {out}")
