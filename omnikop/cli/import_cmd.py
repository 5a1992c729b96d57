"""``omnikop import``: land files that platforms hand over instead of an API (settlement reports)."""

from __future__ import annotations

from pathlib import Path

import typer

from omnikop.cli.common import console, engine, errors

app = typer.Typer(help="Import platform files (settlement reports) into landing.", no_args_is_help=True)

PLATFORM_HELP = "gojek or grab (a platform with a settlement report layout)"


@app.command("settlements")
def settlements(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="the portal's CSV or XLSX report"),
    platform: str = typer.Option(..., "--platform", help=PLATFORM_HELP),
    shop: str = typer.Option(None, "--shop", help="the outlet/merchant id (default: the one named in the file)"),
) -> None:
    """Land one settlement report; importing the same file again lands nothing new."""
    from connectors.base.settlement_files import ImportRefused, import_settlement_file

    try:
        result = import_settlement_file(engine(), platform, file, shop)
    except ImportRefused as refused:
        errors.print(f"[red]error:[/red] {file.name} was not imported ({refused.reason}): {refused}")
        raise typer.Exit(2) from None
    if not result.new:
        console.print(f"{file.name} was already landed as page {result.page_id}; nothing new.")
        return
    console.print(
        f"landed {file.name}: {result.rows} row(s) for {platform} shop {result.shop_ref}"
        f" as page {result.page_id} (stream settlements, {result.kind})."
    )
    console.print("`omnikop sync` will parse and post it.")


@app.command("inbox")
def inbox(
    folder: Path = typer.Argument(..., exists=True, file_okay=False, help="folder the reports are dropped into"),
    platform: str = typer.Option(..., "--platform", help=PLATFORM_HELP),
    shop: str = typer.Option(None, "--shop", help="the outlet/merchant id, if every file is for one shop"),
) -> None:
    """Import every file in FOLDER: landed ones move to done/, refused ones to rejected/ with a .reason.txt."""
    from connectors.base.settlement_files import process_inbox

    outcomes = process_inbox(engine(), platform, folder, shop)
    for outcome in outcomes:
        if outcome.result is None:
            console.print(f"rejected {outcome.path.name}: {outcome.reason} (see {outcome.path.name}.reason.txt)")
        else:
            state = "landed" if outcome.result.new else "already landed"
            console.print(
                f"{state} {outcome.path.name} (page {outcome.result.page_id}, shop {outcome.result.shop_ref})"
            )
    console.print(f"{len(outcomes)} file(s) processed.")


@app.command("pos")
def pos(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="the cash register's CSV or XLSX sales export"),
    post: bool = typer.Option(True, "--post/--land-only", help="map and post the outlets' sales right away"),
) -> None:
    """Import a store's POS export (columns date, outlet, receipt_no, sku/seller_sku, quantity, unit_price,
    discount, payment_method): land it per outlet, then map and post its receipts. A file with any bad line is
    refused whole with every problem listed; importing the same or an overlapping file posts nothing twice."""
    from connectors.store.connector import outlet_connector
    from connectors.store.importer import import_pos_file
    from connectors.store.pos_file import PosFileInvalid
    from omnikop.cli.common import config
    from omnikop.cli.sync_cmd import render_summary
    from sync.pipeline import process_shop

    db = engine()
    try:
        landed = import_pos_file(db, file)
    except PosFileInvalid as invalid:
        errors.print(f"[red]error:[/red] {file.name} was not imported ({len(invalid.problems)} problem(s)):")
        errors.print(str(invalid), markup=False, highlight=False)
        errors.print("Fix the lines in the export (or the till) and import the file again.")
        raise typer.Exit(2) from None
    for outlet in landed:
        state = f"landed as page {outlet.page_id}" if outlet.new else f"already landed as page {outlet.page_id}"
        console.print(f"outlet {outlet.outlet}: {outlet.receipts} receipt(s), {outlet.lines} line(s) {state}")
    if not post:
        console.print("`omnikop import pos` without --land-only (or `omnikop sync store --shop OUTLET`) posts them.")
        return
    settings = config()
    for outlet in landed:
        summary = process_shop(db, settings, outlet_connector(db, outlet.outlet))
        console.print(render_summary(summary))
