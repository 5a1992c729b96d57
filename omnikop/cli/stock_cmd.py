"""``omnikop stock``: receipts, stock-takes and the stock of every product across channels."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from foundation.db import transaction
from omnikop.cli.common import config, console, engine

app = typer.Typer(help="One stock across every channel: receipts, counts, levels.", no_args_is_help=True)

FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="the CSV file")


@app.command()
def receive(file: Path = FILE) -> None:
    """Book goods received into the store: receipt_ref,date,product_ref,quantity[,location].

    A member consigning goods (or, for a principal-model member, goods the cooperative bought) adds a goods
    movement per line, keyed by its receipt; importing the same file again posts nothing."""
    from stock.receipts import receive as post_receipts

    with transaction(engine()) as session:
        result = post_receipts(session, file, config())
    console.print(f"receipts {file.name}: {result.posted} movement(s) posted, {result.unchanged} already booked")


@app.command()
def count(file: Path = FILE) -> None:
    """Book a stock-take: count_ref,date,product_ref,counted[,location].

    Posts counted − on hand (as of the end of the count's date) as a count adjustment; a count already booked
    is never recomputed, so rerunning the file posts nothing."""
    from stock.receipts import count as post_counts

    with transaction(engine()) as session:
        result = post_counts(session, file, config())
    console.print(f"count {file.name}: {result.posted} adjustment(s) posted, {result.unchanged} unchanged")
    for note in result.notes:
        console.print(f"  {note}")


@app.command()
def levels(member: str | None = typer.Option(None, "--member", help="only this member's goods")) -> None:
    """Stock per product and location: on hand, reserved (paid orders not shipped), buffer, available to sell,
    oversold, and what each channel is offered."""
    from stock.levels import stock_rows
    from stock.master import oversold_orders

    settings = config()
    with transaction(engine()) as session:
        rows = stock_rows(session, settings, member)
        short = oversold_orders(session, settings.stock)
    channels = sorted({channel for row in rows for channel in row.channels})
    table = Table(
        "product", "member", "location", "on hand", "reserved", "buffer", "available", "oversold", *channels, "mismatch"
    )
    for row in rows:
        p = row.position
        table.add_row(
            p.product_ref,
            row.member_no or "-",
            p.location,
            *(str(v) for v in (p.on_hand, p.reserved, p.buffer, p.available, p.oversold)),
            *(_channel_cell(row, channel) for channel in channels),
            ", ".join(row.mismatched()) or "-",
        )
    console.print(table)
    for reservation, units in short:
        console.print(
            f"[red]oversold:[/red] {reservation.platform}:{reservation.shop_ref} order {reservation.order_ref}"
            f" is {units} unit(s) of {reservation.product_ref} short"
        )


def _channel_cell(row, channel: str) -> str:  # type: ignore[no-untyped-def]
    """Offered now, and the last push: ``5 (pushed 5, acknowledged)``."""
    if channel not in row.channels:
        return "-"
    push = row.pushed.get(channel)
    last = f"pushed {push.quantity}, {push.state}" if push else "never pushed"
    return f"{row.channels[channel]} ({last})"


@app.command()
def push(
    platform: str | None = typer.Option(None, "--platform", help="only this platform's shops"),
    shop: str | None = typer.Option(None, "--shop", help="only this shop (with --platform)"),
) -> None:
    """Push each configured shop's available-to-sell (its share under ``stock.channels``) to the channel.

    Only changed quantities are pushed; quantities are absolute, so running it again (or after a failure) is
    safe. Shops of platforms without a stock push are skipped, and said so."""
    from connectors.base.stock_push import PushUnsupported
    from omnikop.orchestration.stock_tasks import pushable_shops
    from omnikop.shops import connector_for
    from stock.push import push_shop

    settings = config()
    chosen = [
        s
        for s in settings.shops
        if (platform is None or s.platform == platform) and (shop is None or s.shop_ref == shop)
    ]
    if not chosen:
        raise typer.BadParameter(
            "no configured shop matches; see 'shops' in omnikop.yaml", param_hint="--platform/--shop"
        )
    failed = 0
    for entry in chosen:
        if entry.shop_ref not in pushable_shops(entry.platform):
            console.print(f"{entry.platform}:{entry.shop_ref}: no stock push for this platform, skipped")
            continue
        console.print(f"{entry.platform}:{entry.shop_ref}: pushing …")
        try:
            summary = push_shop(engine(), settings, connector_for(settings, engine(), entry.platform, entry.shop_ref))
        except PushUnsupported as unsupported:
            console.print(f"  skipped: {unsupported}")
            continue
        console.print(f"  {summary.line()}")
        for failure in summary.failures:
            console.print(f"  [red]failed:[/red] {failure}")
        failed += summary.failed
    if failed:
        raise typer.Exit(1)
