"""``omnikop savings`` and ``omnikop shu``: member savings, year-end SHU computation and its approved posting.

``shu compute`` only computes and writes tables; ``shu post`` is the approval: it names who approved, posts the
closing entries once, and refuses if the ledger no longer gives the inputs that were computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from foundation.db import transaction
from ledger.money import format_idr
from omnikop.cli.common import config, console, engine, errors
from shu.errors import ShuError

savings = typer.Typer(help="Member savings: simpanan pokok, wajib and sukarela from CSV.", no_args_is_help=True)
shu = typer.Typer(
    help="Year-end profit sharing (SHU): compute for the RAT, then post once approved.", no_args_is_help=True
)


@contextmanager
def refusals() -> Iterator[None]:
    """A refused SHU step prints one clear line and exits 2, like the other known errors of the CLI."""
    try:
        yield
    except ShuError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


@savings.command("import")
def import_savings(
    file: Path = typer.Argument(
        ..., help="CSV: member_no,kind,amount,as_of (opening balances) or member_no,kind,date,amount,reference"
    ),
) -> None:
    """Post savings balances or deposits/withdrawals; a file with any bad row imports nothing."""
    from foundation.csv_import import read_file
    from shu.savings import import_savings as run

    with refusals(), read_file(file) as handle, transaction(engine()) as session:
        result = run(session, handle, str(file))
    console.print(f"savings ({result.shape}): {result.posted} posted, {result.already_posted} already posted")


@shu.command("compute")
def compute(
    year: int = typer.Option(..., "--year", help="the financial year (tahun buku)"),
    out: Path = typer.Option(None, "--out", help="folder for the tables (default: shu.output_dir, out/shu)"),
    surplus: int = typer.Option(None, "--surplus", help="SHU after tax in rupiah (default: the income statement)"),
) -> None:
    """Compute the year's SHU per member and pool, store it with its inputs hash, write CSV + HTML. Posts nothing."""
    from shu.compute import compute_shu
    from shu.outputs import write_outputs
    from shu.snapshot import canonical_json

    with refusals(), transaction(engine()) as session:
        run = compute_shu(session, year, config().shu, surplus=surplus)
    paths = write_outputs(
        year, run.inputs_hash, canonical_json(run.inputs), run.results(), out or Path(config().shu.output_dir)
    )
    table = Table(title=f"SHU {year}: {format_idr(run.allocation.surplus)} ({run.inputs['surplus_source']})")
    for column in ("component", "bp", "pool", "to members", "to reserve"):
        table.add_column(column, justify="left" if column == "component" else "right")
    for pool in run.allocation.pools:
        table.add_row(pool.component, str(pool.bps), f"{pool.amount:,}", f"{pool.to_members:,}", f"{pool.to_reserve:,}")
    table.add_row(
        "rounding residual", "", f"{run.allocation.rounding_residual:,}", "", f"{run.allocation.rounding_residual:,}"
    )
    console.print(table)
    console.print(f"{len(run.allocation.shares)} eligible member(s); inputs hash {run.inputs_hash}")
    for path in paths:
        console.print(f"  {path}")
    console.print(f"nothing was posted; once the RAT approves: omnikop shu post --year {year} --approved-by NAME")


@shu.command("post")
def post(
    year: int = typer.Option(..., "--year", help="the financial year (tahun buku)"),
    approved_by: str = typer.Option(..., "--approved-by", help="who approved the SHU (recorded with the hash)"),
    inputs_hash: str = typer.Option(None, "--hash", help="the inputs hash that was approved (default: latest compute)"),
    day: str = typer.Option(None, "--date", help="posting date, YYYY-MM-DD (default today; after the year)"),
) -> None:
    """Post the approved SHU: year-end closing into 3-1600, then reserve, funds and member shares. Once."""
    from shu.posting import post_shu

    on = date.fromisoformat(day) if day else None
    with refusals(), transaction(engine()) as session:
        outcome = post_shu(session, year, config().shu, approved_by=approved_by, inputs_hash=inputs_hash, on=on)
    if outcome.outcome == "already_posted":
        console.print(
            f"SHU {year} was already posted on {outcome.posting_date} (approved by {outcome.approved_by},"
            f" inputs {outcome.inputs_hash}); nothing new posted"
        )
        return
    console.print(
        f"SHU {year} posted: {outcome.entries} entries dated {outcome.posting_date}, approved by"
        f" {outcome.approved_by}, inputs {outcome.inputs_hash}"
    )
