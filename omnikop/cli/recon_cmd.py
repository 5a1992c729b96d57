"""``omnikop recon``: run the matching, review variances, resolve them, write the finance report."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import partial
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from foundation.db import transaction
from ledger.money import format_idr
from omnikop.cli.common import config, console, engine, errors

app = typer.Typer(
    help="Reconciliation: orders ↔ settlements ↔ wallet ↔ bank, variances and reports.", no_args_is_help=True
)


class Action(StrEnum):
    accept = "accept"
    adjust = "adjust"
    write_off = "write-off"
    reopen = "reopen"


def _as_of(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@app.command("run")
def run(as_of: str = typer.Option(None, "--as-of", help="match as on this day (YYYY-MM-DD; default today)")) -> None:
    """Match every level, post new bank matches and update the variances; safe to repeat."""
    from reconciliation.run import open_amount, run_reconciliation

    with transaction(engine()) as session:
        result = run_reconciliation(session, config(), _as_of(as_of))
        still_open = open_amount(session)
    saved = result.saved
    console.print(
        f"reconciliation as of {result.as_of}: {len(result.drafts)} variance(s) found"
        f" ({saved.detected} new, {saved.changed} changed, {saved.reopened} reopened, {saved.cleared} cleared),"
        f" {result.matches_posted} bank match(es) posted; open {format_idr(still_open)}"
    )
    for category, count in sorted(result.counts().items()):
        console.print(f"  {category}: {count}")


@app.command("list")
def list_variances(
    only_open: bool = typer.Option(False, "--open", help="only open variances"),
    platform: str = typer.Option(None, "--platform"),
    category: str = typer.Option(None, "--category"),
) -> None:
    """Variances with their id, status, category, shop, difference and age."""
    from sqlalchemy import select

    from reconciliation.models import Variance

    query = select(Variance).order_by(Variance.level, Variance.occurred_on, Variance.id)
    if only_open:
        query = query.where(Variance.status == "open")
    if platform:
        query = query.where(Variance.platform == platform)
    if category:
        query = query.where(Variance.category == category)
    with transaction(engine()) as session:
        rows = list(session.scalars(query))
    if not rows:
        console.print("no open variances" if only_open else "no variances")
        return
    table = Table(title=f"{len(rows)} variance(s)")
    table.add_column("id", no_wrap=True, min_width=13)
    for heading in ("status", "category", "where", "subject", "difference", "age"):
        table.add_column(heading, justify="right" if heading in ("difference", "age") else "left")
    for v in rows:
        where = f"{v.platform}:{v.shop_ref}" if v.platform else f"bank {v.bank_account}"
        amount = format_idr(v.difference) if v.unit == "IDR" else f"{v.difference:+d} {v.unit}"
        status = v.status + (f" ({v.resolution})" if v.resolution and v.resolution not in v.status else "")
        table.add_row(v.id, status, v.category, where, v.subject, amount, f"{v.age_days} d")
    console.print(table)


@app.command("show")
def show(variance_id: str = typer.Argument(..., help="the variance id (from `recon list`)")) -> None:
    """One variance with its documents and its whole audit trail."""
    from sqlalchemy import select

    from reconciliation.models import AuditEntry, Variance

    with transaction(engine()) as session:
        variance = session.get(Variance, variance_id)
        if variance is None:
            raise LookupError(f"no variance {variance_id!r}; `omnikop recon list` shows the ids")
        trail = list(
            session.scalars(select(AuditEntry).where(AuditEntry.variance_id == variance_id).order_by(AuditEntry.id))
        )
    plain = partial(console.print, markup=False, highlight=False)  # notes and subjects are data, not markup
    plain(f"{variance.id} {variance.category} [{variance.status}] {variance.subject}")
    plain(
        f"  expected {variance.expected}, actual {variance.actual}, difference {variance.difference} {variance.unit};"
        f" since {variance.occurred_on} ({variance.age_days} d)"
    )
    plain(f"  {variance.detail}")
    plain(f"  links: {variance.links}")
    plain("audit trail (UTC):")
    for entry in trail:
        why = f" — why: {entry.note}" if entry.note else ""
        plain(f"  {entry.at:%Y-%m-%d %H:%M:%S} {entry.actor}: {entry.action} → {entry.outcome}: {entry.message}{why}")


@app.command("resolve")
def resolve(
    variance_id: str = typer.Argument(..., help="the variance id (from `recon list`)"),
    action: Action = typer.Option(..., "--action", help="accept, adjust, write-off or reopen"),
    note: str = typer.Option(..., "--note", help="why (kept in the audit trail)"),
    by: str = typer.Option(..., "--by", help="who (kept in the audit trail)"),
) -> None:
    """Resolve a variance. adjust / write-off post one balanced adjustment entry (once); every attempt is audited."""
    from reconciliation.actions import resolve_variance

    if not note.strip() or not by.strip():
        raise typer.BadParameter("say why (--note) and who (--by); both go into the audit trail")
    with transaction(engine()) as session:
        outcome = resolve_variance(session, config(), variance_id, action.value, note, by)
    line = f"{outcome.variance_id} {outcome.action}: {outcome.outcome} — {outcome.message} (status {outcome.status})"
    if outcome.outcome == "refused":
        errors.print(f"[red]refused:[/red] {escape(line)}")
        raise typer.Exit(1)
    console.print(line, markup=False, highlight=False)


@app.command("report")
def report(
    period: str = typer.Option(..., "--period", help="the month, YYYY-MM"),
    out: Path = typer.Option(
        ..., "--out", help="folder for the HTML page, the XLSX workbook and the CSVs", file_okay=False
    ),
    as_of: str = typer.Option(None, "--as-of", help="match as on this day (default: today)"),
) -> None:
    """Run the matching, then write the period's report: HTML (for reading), XLSX (for Excel), one CSV per table."""
    from omnikop.stock_report import stock_level_rows
    from reconciliation.report.write import write_report
    from reconciliation.run import run_reconciliation

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise typer.BadParameter(f"period {period!r} is not YYYY-MM", param_hint="--period")
    settings = config()
    with transaction(engine()) as session:
        result = run_reconciliation(session, settings, _as_of(as_of))
        files = write_report(session, settings, result, period, out, stock_level_rows(session, settings))
    console.print(f"reconciliation report for {period} written to {out}:")
    for path in files:
        console.print(f"  {path}")
