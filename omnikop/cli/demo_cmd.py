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

    from omnikop.demo.run import run_demo

    if log_level:
        logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger().setLevel(log_level.upper())  # Airflow's import may have configured the root already
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
