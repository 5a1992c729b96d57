"""``omnikop demo`` (the README's main command) and ``omnikop airflow standalone`` (``make airflow``)."""

from __future__ import annotations

import os
import subprocess
from contextlib import ExitStack
from pathlib import Path

import typer

from omnikop.cli.common import console, errors

airflow_app = typer.Typer(help="Run Airflow with the omnikop DAGs on embedded defaults.", no_args_is_help=True)


def demo(
    out: Path = typer.Option(Path("out"), "--out", help="folder for the outputs"),
    log_level: str = typer.Option(
        None,
        "--log-level",
        envvar="OMNIKOP_DEMO_LOG_LEVEL",
        help="log level of the demo and its DAG runs (default: the DAG runs log warnings and errors)",
    ),
    connections_file: Path = typer.Option(
        None,
        "--connections-file",
        envvar="OMNIKOP_DEMO_CONNECTIONS_FILE",
        help="also write the sandboxes' Airflow Connections (AIRFLOW_CONN_* → JSON) here, e.g. for a secrets scan",
    ),
) -> None:
    """Run the main job on embedded defaults: sandboxes, demo members, the real DAGs, outputs in out/."""
    import logging

    from omnikop.demo.run import run_demo  # imports Airflow, which configures the root logger at INFO

    if log_level:
        logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The console shows the demo's steps; log records below the chosen level (default WARNING) stay out of it.
    root = logging.getLogger()
    root.setLevel((log_level or "WARNING").upper())
    for handler in root.handlers:
        handler.setLevel(logging.NOTSET)
    try:
        result = run_demo(
            console, out=out, log_level=(log_level or "WARNING").upper(), connections_file=connections_file
        )
    except KeyboardInterrupt:
        errors.print("demo interrupted; the sandboxes have been stopped")
        raise typer.Exit(130) from None
    except RuntimeError as error:
        errors.print(f"[red]demo failed:[/red] {error}")
        raise typer.Exit(1) from None
    if not result.bean_check.startswith(("passed", "skipped")):
        raise typer.Exit(1)


@airflow_app.command("standalone")
def standalone() -> None:
    """`airflow standalone` (UI on http://localhost:8080) with the omnikop DAGs, demo config and sandboxes."""

    from omnikop.demo.run import STATE, DemoPaths, demo_platforms, demo_world, prepare, start_sandboxes
    from omnikop.orchestration.airflow_env import AirflowHome, airflow_bin

    paths, world, platforms = DemoPaths(STATE, Path("out")), demo_world(), demo_platforms()
    with ExitStack() as stack:
        connections = start_sandboxes(stack, world, platforms, console).connections
        prepare(paths, world, platforms).dispose()
        home = AirflowHome(paths.airflow, paths.config, connections)
        home.migrate()
        home.set_pools(platforms)
        console.print(
            "starting `airflow standalone`; the UI is on http://localhost:8080 (credentials are printed below)"
        )
        env = {**home.env(), "AIRFLOW__CORE__EXECUTOR": "LocalExecutor", "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO"}
        try:
            subprocess.run([airflow_bin(), "standalone"], env=env, cwd=os.getcwd(), check=False)
        except KeyboardInterrupt:
            console.print("stopped")


@airflow_app.command("setup")
def setup() -> None:
    """Prepare a deployment (the compose init job): Airflow's metadata database, every cooperative's ledger
    database, and one pool per cooperative and platform. Safe to run again after adding a tenant or shop."""
    from foundation.config import ConfigError, load_config
    from foundation.db import make_engine
    from foundation.tenants import Tenant, tenants
    from omnikop import migrate
    from omnikop.orchestration.airflow_env import airflow_bin, import_pools

    def run_airflow(*args: str, log: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([airflow_bin(), *args], capture_output=True, text=True, check=False)

    try:
        result = run_airflow("db", "migrate")
        if result.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{result.stderr[-3000:]}")
        console.print("airflow metadata database: migrated")
        platforms_by_tenant: dict[Tenant, list[str]] = {}
        for tenant in tenants():
            with tenant.active():
                try:
                    config = load_config()
                except ConfigError as error:
                    raise RuntimeError(f"cooperative {tenant.name or '(default)'}: {error}") from None
                engine = make_engine(config.database_url)
                migrate.upgrade(engine)
                engine.dispose()
            platforms_by_tenant[tenant] = sorted({shop.platform for shop in config.shops})
            console.print(
                f"cooperative {tenant.name or '(default)'}: ledger migrated, "
                f"{len(config.shops)} shops on {', '.join(platforms_by_tenant[tenant]) or 'no platforms yet'}"
            )
        home = Path(os.environ.get("AIRFLOW_HOME", ".")).resolve()
        pools = import_pools(platforms_by_tenant, home / "omnikop_pools.json", run_airflow)
    except RuntimeError as error:
        errors.print(f"[red]setup failed:[/red] {error}")
        raise typer.Exit(1) from None
    console.print(f"pools: {', '.join(f'{name}={slots}' for name, slots in pools.items()) or 'none'}")
