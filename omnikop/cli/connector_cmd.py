"""``omnikop connector``: scaffold a new platform connector."""

from __future__ import annotations

import typer

from omnikop.cli.common import console, errors

app = typer.Typer(help="Add a platform connector.", no_args_is_help=True)


@app.command("new")
def new(name: str = typer.Argument(..., help="the platform's name: lowercase letters and digits")) -> None:
    """Generate connectors/NAME/ (client, connector, parser, sandbox, harness) and tests/connectors/NAME/."""
    from connectors.base.scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(name)
    except ScaffoldError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    for path in written:
        console.print(f"  created {path}")
    console.print(
        f"connector {name!r} is registered (connectors/{name}/connector.py). Next: its README's TODO list,"
        f" then `pytest tests/connectors/{name}`."
    )
