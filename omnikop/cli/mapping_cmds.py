"""``omnikop members`` and ``omnikop mappings``: the member register, SKU ownership, statements."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from foundation.db import transaction
from omnikop.cli.common import config, console, engine

members = typer.Typer(help="Members: import/export the register, statements, remittances.", no_args_is_help=True)
mappings = typer.Typer(help="Which member owns each shop and SKU (CSV import/export).", no_args_is_help=True)


@members.command("import")
def import_members(file: Path = typer.Argument(..., help="CSV: member_no,name,join_date[,status,exit_date]")) -> None:
    """Add or update members; a file with any bad row imports nothing and lists every problem."""
    from foundation.csv_import import read_file
    from members.csv_io import import_members as run

    with read_file(file) as handle, transaction(engine()) as session:
        result = run(session, handle, str(file))
    console.print(f"members: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    for note in result.notes:
        console.print(note)


@members.command("export")
def export_members(out: Path = typer.Option(None, "--out", help="file to write (default: standard output)")) -> None:
    """Write the member register as CSV."""
    from members.csv_io import export_members as run

    with transaction(engine()) as session:
        if out is None:
            run(session, sys.stdout)
            return
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = run(session, handle)
    console.print(f"wrote {count} members to {out}")


@members.command("statement")
def statement(
    member_no: str = typer.Argument(..., help="the member number"),
    period: str = typer.Option(..., "--period", help="YYYY-MM, or YYYY for a whole year"),
    out: Path = typer.Option(..., "--out", help="HTML file to write"),
) -> None:
    """The member's gross sales per channel, fees, PPh 22, commission, net owed, paid out and balance, and their
    goods in the store (on hand, reserved, available, offered per channel)."""
    from members.statement import member_statement, render_html
    from omnikop.stock_report import member_goods

    start, end = period_bounds(period)
    with transaction(engine()) as session:
        figures = member_statement(session, member_no, start, end)
        figures.goods = member_goods(session, config(), member_no)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(figures), encoding="utf-8")
    console.print(f"statement for member {member_no}, {start} – {end}: net owed {figures.total.net}, written to {out}")


@members.command("pay")
def pay(
    member_no: str = typer.Argument(...),
    amount: int = typer.Option(..., "--amount", help="whole rupiah"),
    reference: str = typer.Option(..., "--reference", help="bank transfer reference (makes the payment idempotent)"),
    day: str = typer.Option(None, "--date", help="YYYY-MM-DD (default today)"),
) -> None:
    """Record a remittance to a member (Dr consignment payable / Cr bank), once per reference."""
    from ledger.members import remit_to_member
    from ledger.posting import business_today

    with transaction(engine()) as session:
        entry = remit_to_member(
            session, member_no, amount, date.fromisoformat(day) if day else business_today(), reference
        )
    console.print(f"remittance to member {member_no} recorded as entry {entry}")


@mappings.command("import")
def import_mappings(
    file: Path = typer.Argument(..., help="CSV: kind,platform,shop_ref,sku_ref,seller_sku,product_ref,..."),
) -> None:
    """Add or correct shop and SKU mappings; a file with any bad row imports nothing."""
    from core_mapping.csv_io import import_mappings as run
    from foundation.csv_import import read_file

    with read_file(file) as handle, transaction(engine()) as session:
        result = run(session, handle, str(file))
    console.print(f"mappings: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    console.print("run `omnikop quarantine replay` to post records that were waiting for these mappings")


@mappings.command("export")
def export_mappings(out: Path = typer.Option(None, "--out", help="file to write (default: standard output)")) -> None:
    """Write every shop and SKU mapping as CSV (the import format)."""
    from core_mapping.csv_io import export_mappings as run

    with transaction(engine()) as session:
        if out is None:
            run(session, sys.stdout)
            return
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = run(session, handle)
    console.print(f"wrote {count} mappings to {out}")


def period_bounds(period: str) -> tuple[date, date]:
    """``YYYY-MM`` → that month; ``YYYY`` → that year."""
    try:
        if len(period) == 4:
            year = int(period)
            return date(year, 1, 1), date(year, 12, 31)
        year, month = (int(part) for part in period.split("-"))
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), date.fromordinal(following.toordinal() - 1)
    except ValueError:
        raise typer.BadParameter(f"period {period!r} must be YYYY-MM or YYYY") from None
