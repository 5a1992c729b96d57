"""``omnikop connector new NAME``: a new connector folder that works from the first minute.

The generated connector pulls orders from its generated sandbox (a simple JSON API rendering the sandbox
world), passes the structural conformance tests, and carries TODO markers for everything the real platform
needs (its auth and signing, every stream, its error table). Its full conformance test is skipped with a
reason until the TODOs are done.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from string import Template

import connectors

TEMPLATES = Path(__file__).parent / "templates"
NAME = re.compile(r"^[a-z][a-z0-9]{1,19}$")


class ScaffoldError(ValueError):
    pass


def scaffold(name: str, *, connectors_root: Path | None = None, tests_root: Path | None = None) -> list[Path]:
    """Write ``connectors/<name>/`` and ``tests/connectors/<name>/``; refuse to overwrite anything."""
    if not NAME.match(name):
        raise ScaffoldError(f"connector name {name!r} must be 2-20 lowercase letters or digits, starting with a letter")
    connectors_root = connectors_root or Path(connectors.__file__).parent
    tests_root = tests_root or connectors_root.parent / "tests" / "connectors"
    targets = {connectors_root / name: "connector", tests_root / name: "tests"}
    for folder in targets:
        if folder.exists():
            raise ScaffoldError(f"{folder} already exists; choose another name or remove it")
    values = {"name": name, "Name": "".join(part.capitalize() for part in name.split("_"))}
    written: list[Path] = []
    for folder, template_set in targets.items():
        for template in sorted((TEMPLATES / template_set).rglob("*.tmpl")):
            relative = template.relative_to(TEMPLATES / template_set).with_suffix("")
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(Template(template.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
            written.append(path)
    _tidy(written)
    return written


def _tidy(paths: list[Path]) -> None:
    """Sort imports and format the generated Python (their order depends on the name) when ruff is at hand."""
    ruff = Path(sys.executable).with_name("ruff")
    python = [str(path) for path in paths if path.suffix == ".py"]
    if ruff.exists() and python:
        subprocess.run([str(ruff), "check", "--fix", "--quiet", "--select", "I", *python], check=False)
        subprocess.run([str(ruff), "format", "--quiet", *python], check=False)
