"""``omnikop orders confirm``: an operator confirms that the buyer paid an order of a channel without a partner
settlement (WhatsApp catalog orders: transfer, QRIS or cash straight to the cooperative)."""

from __future__ import annotations

import importlib
from datetime import datetime

import typer

from omnikop.cli.common import console, engine, errors

app = typer.Typer(help="Orders of channels without a partner settlement (WhatsApp).", no_args_is_help=True)


@app.command("confirm")
def confirm(
    platform: str = typer.Option(..., "--platform", help="a channel whose payments are confirmed (whatsapp)"),
    shop: str = typer.Option(..., "--shop", help="the shop (WhatsApp: the business phone number id)"),
    order: str = typer.Option(..., "--order", help="the order (WhatsApp: its wamid, or a unique tail of it)"),
    method: str = typer.Option(..., "--method", help="transfer, qris or cash"),
    reference: str = typer.Option(None, "--reference", help="the bank or QRIS reference of the payment"),
    at: str = typer.Option(None, "--at", help="when it was paid, ISO-8601 (no offset: Jakarta time); default now"),
    post: bool = typer.Option(True, "--post/--land-only", help="map and post the confirmation right away"),
) -> None:
    """Land the payment confirmation (a page: replayable, nothing lost), then post the sale: gross = net = the
    order's gross, member share and commission as on every channel, cash to 1-1100 Kas, transfer/QRIS to the
    channel's clearing account. Confirming the same order again posts nothing; an unknown order is an error."""
    from connectors.base.registry import check_platform
    from omnikop.cli.common import config
    from omnikop.cli.sync_cmd import render_summary
    from sync.pipeline import process_shop

    check_platform(platform)
    try:
        module = importlib.import_module(f"connectors.{platform}.confirm")
    except ModuleNotFoundError:
        errors.print(f"[red]error:[/red] {platform} settles through the platform; there is nothing to confirm")
        raise typer.Exit(2) from None
    db = engine()
    try:
        confirmed = module.confirm_payment(
            db, shop, order, method.lower(), reference=reference, at=_moment(at) if at else None
        )
    except module.ConfirmationRefused as refused:
        errors.print(f"[red]error:[/red] {refused}")
        raise typer.Exit(2) from None
    state = "landed as page" if confirmed.new else "already confirmed, page"
    console.print(
        f"order {confirmed.order_ref}: {confirmed.gross} {confirmed.currency} paid by {confirmed.method},"
        f" {state} {confirmed.page_id}"
    )
    if not post:
        console.print(f"`omnikop sync {platform} --shop {shop}` posts it.")
        return
    console.print(render_summary(process_shop(db, config(), parsing_connector(db, platform, shop))))


def _moment(text: str) -> datetime:
    from connectors.base.settlement_files.layout import WIB

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not ISO-8601 (e.g. 2026-10-14T10:30)", param_hint="--at") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=WIB)


def parsing_connector(db, platform: str, shop: str):  # type: ignore[no-untyped-def]
    """A connector to parse the shop's landed pages (parsing needs no credentials)."""
    from connectors.base.connection import ConnectionSpec
    from connectors.base.protocol import ConnectorContext
    from connectors.base.registry import connector_class
    from connectors.base.tokens import TokenStore

    context = ConnectorContext(shop, ConnectionSpec(f"{platform}_{shop}", platform), TokenStore(db, platform, shop))
    return connector_class(platform)(context)
