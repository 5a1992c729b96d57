"""``omnikop webhooks``: the receiver for platforms that push (GoBiz orders, Grab orders, Shopee push hints)."""

from __future__ import annotations

import typer

from omnikop.cli.common import config, console, engine, errors

app = typer.Typer(help="Receive platform webhooks and land them (GoBiz, Grab, Shopee push).", no_args_is_help=True)


@app.command("serve")
def serve(
    port: int = typer.Option(8900, "--port", help="TCP port"),
    host: str = typer.Option("127.0.0.1", "--host", help="interface; put a TLS proxy in front for the platforms"),
    max_body: int = typer.Option(512 * 1024, "--max-body", help="largest accepted body in bytes (413 beyond)"),
) -> None:
    """Serve the receiver in the foreground until Ctrl-C. Shops and their Connections come from omnikop.yaml;
    secrets are read from each shop's Airflow Connection (AIRFLOW_CONN_<ID>) on every request."""
    import logging

    import uvicorn

    from connectors.base.webhooks import build_app, platform_routers, receiver_from_config
    from stock.menu import stock_source

    # One line per event (platform, shop, event id, outcome); no header, body or secret is ever logged.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    receiver = receiver_from_config(engine(), config(), max_body=max_body)
    receiver.stock_source = stock_source(engine(), config())  # Grab's Get Menu (connectors/grab/menu.py)
    console.print(f"omnikop webhook receiver on http://{host}:{port}")
    for platform in sorted(platform_routers()):
        shops = receiver.shops_of(platform)
        console.print(f"  POST /webhooks/{platform}  ({len(shops)} configured shop(s))")
    console.print("  GET  /webhooks/grab/menu  (Grab's Get Menu: the stock omnikop pushes)")
    if not receiver.shops:
        errors.print("[yellow]warning:[/yellow] no shops in the configuration: every delivery will be refused (401)")
    console.print("Press Ctrl-C to stop.")
    uvicorn.run(build_app(receiver), host=host, port=port, log_level="info")
    console.print("webhook receiver stopped.")
