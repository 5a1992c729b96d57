"""``omnikop sandbox``: serve a platform simulator on loopback for trying omnikop without partner access."""

from __future__ import annotations

from pathlib import Path

import typer

from omnikop.cli.common import console

app = typer.Typer(help="Local simulators of the partner APIs (loopback only).", no_args_is_help=True)


@app.command("serve")
def serve(
    platform: str = typer.Option(..., "--platform", help="a connector name (shopee, tokopedia, gojek, grab, …)"),
    port: int = typer.Option(8801, "--port", help="TCP port"),
    host: str = typer.Option("127.0.0.1", "--host", help="interface to listen on (loopback by default)"),
    seed: int = typer.Option(7, "--seed", help="world seed: the same seed gives the same shops, orders and money"),
    days: int = typer.Option(10, "--days", help="days of order history in the world"),
    orders_per_day: int = typer.Option(6, "--orders-per-day", help="orders per shop per day"),
    state_dir: Path = typer.Option(
        None, "--state-dir", help="keep issued keys and tokens here across restarts (default: in memory)"
    ),
) -> None:
    """Serve one platform's sandbox in the foreground until Ctrl-C."""
    from connectors.base.sandbox.catalog import sandbox_class
    from connectors.base.sandbox.server import serve_foreground
    from connectors.base.sandbox.world import World, WorldConfig, world_platforms

    config = WorldConfig(seed=seed, days=days, orders_per_day=orders_per_day, platforms=world_platforms(platform))
    world = World.generate(config)
    options = {"state_path": state_dir / f"{platform}.json"} if state_dir else {}
    sandbox = sandbox_class(platform)(world, **options)
    url = f"http://{host}:{port}"
    for line in sandbox.banner(url):
        console.print(line, soft_wrap=True)
    console.print("Press Ctrl-C to stop.")
    serve_foreground(sandbox.app, port, host)
    console.print(f"{platform} sandbox stopped.")
