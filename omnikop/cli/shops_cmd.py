"""``omnikop shops``: connect a real shop (the seller's authorisation) and watch authorisations that end soon."""

from __future__ import annotations

import secrets
import webbrowser

import typer

from omnikop.cli.common import config, console, engine, errors

app = typer.Typer(
    help="Connect real shops: the seller's authorisation, and authorisations that end soon.", no_args_is_help=True
)


@app.command("authorize")
def authorize(
    platform: str = typer.Argument(..., help="shopee or tokopedia (TikTok Shop flavor)"),
    shop: str = typer.Option(..., "--shop", help="the platform's shop id (Shopee shop_id, TikTok Shop shop id)"),
    conn_id: str = typer.Option(
        None,
        "--conn-id",
        help="Airflow Connection with the partner credentials (host, login, password); default: the shop's"
        " conn_id in omnikop.yaml, else <platform>_default",
    ),
    code: str = typer.Option(
        None, "--code", help="an authorisation code you already have (skips the link and the callback)"
    ),
    no_browser: bool = typer.Option(False, "--no-browser", help="only print the link (headless machines, tests)"),
    callback_port: int = typer.Option(
        0, "--callback-port", help="port of the loopback callback (default: any free port)"
    ),
    timeout: float = typer.Option(600, "--timeout", help="seconds to wait for the seller's consent"),
) -> None:
    """Authorise one shop for omnikop and store its tokens where the sync reads them.

    Prints the platform's authorisation link (opened in a browser unless --no-browser); the seller logs in and
    confirms; the platform redirects to a callback on 127.0.0.1 with a one-time code, which is exchanged for the
    shop's tokens (kept in the database, table connector_tokens, never printed). A first API call proves the
    authorisation, then the lines to put in omnikop.yaml are printed. Run it again to re-authorise a shop.
    """
    from connectors.base.authorize import LoopbackCallback, authorizer_class
    from connectors.base.connection import load_connection
    from foundation.config import ConfigError

    settings = config()
    try:
        configured = settings.shop(platform, shop)
    except ConfigError:
        configured = None
    if configured is not None and configured.flavor == "legacy":
        errors.print(f"[red]error:[/red] {platform}:{shop} is a legacy shop: client credentials, no seller consent")
        raise typer.Exit(2)
    conn_id = conn_id or (configured.conn_id if configured else f"{platform}_default")
    authorizer = authorizer_class(platform)(load_connection(conn_id), shop, engine())
    if code is None:
        state = secrets.token_urlsafe(16)
        with LoopbackCallback(callback_port) as callback:
            link = authorizer.authorize_url(callback.url, state)
            console.print(f"Open this link and authorise as the seller of {platform} shop {shop}:")
            console.print(link, soft_wrap=True, markup=False)
            note = authorizer.redirect_note(callback.url)
            if note:
                console.print(f"note: {note}", markup=False)
            console.print(f"waiting for the callback on {callback.url} (up to {timeout:.0f} s)…", markup=False)
            if not no_browser:
                webbrowser.open(link)
            code = authorizer.code_from(callback.wait(timeout), state)
    done = authorizer.exchange(code)
    name = f" ({done.shop_name})" if done.shop_name else ""
    console.print(f"authorised {platform} shop {shop}{name}; tokens stored in connector_tokens", markup=False)
    if done.refresh_expires_at:
        console.print(f"  refresh token ends {done.refresh_expires_at:%Y-%m-%d %H:%M} UTC (renewed by each sync)")
    if done.authorization_expires_at:
        console.print(f"  authorisation ends {done.authorization_expires_at:%Y-%m-%d} UTC: authorise again before")
    if configured is None:
        console.print("Add the shop to omnikop.yaml:", markup=False)
        console.print(yaml_snippet(platform, shop, conn_id), markup=False)
    else:
        console.print(f"omnikop.yaml already lists {platform}:{shop} (conn_id {conn_id}); nothing to add.")


def yaml_snippet(platform: str, shop: str, conn_id: str) -> str:
    flavor = "\n    flavor: tiktok" if platform == "tokopedia" else ""
    return f'shops:\n  - platform: {platform}\n    shop_ref: "{shop}"\n    conn_id: {conn_id}{flavor}'


@app.command("expiring")
def expiring(
    days: int = typer.Option(14, "--days", min=0, help="list what ends within this many days (or has ended)"),
    all_shops: bool = typer.Option(
        False, "--all", help="also shops with stored tokens that omnikop.yaml no longer lists"
    ),
) -> None:
    """Shops whose refresh token or seller authorisation ends within --days; exit 1 if there are any.

    Past that date syncs fail until the seller authorises again (`omnikop shops authorize`). The ledger-check
    DAG runs the same check (task `authorisations`)."""
    from datetime import UTC, datetime

    from omnikop.authorizations import configured_shops, expiring_authorisations

    now = datetime.now(UTC)
    found = expiring_authorisations(engine(), days, now, None if all_shops else configured_shops(config()))
    if not found:
        console.print(f"no authorisation or refresh token ends within {days} days")
        return
    for expiry in found:
        console.print(expiry.describe(now), markup=False)
    raise typer.Exit(1)
