"""``omnikop connector new NAME``: a new connector folder that works from the first minute.

The generated folder is the whole platform: the connector pulls orders and settlements from its generated
sandbox (a simple JSON API rendering the sandbox world), and ``platform.py`` declares what the rest of omnikop
needs (the Airflow connection form, the receivable account and its chart row), so a shop on it can be
configured and synced into the ledger with no edit outside the folder. It passes the structural conformance
tests and carries TODO markers for everything the real platform needs (its auth and signing, every stream,
its error table). Its full conformance test is skipped with a reason until the TODOs are done.

It is built the way the real connectors are, so that finishing it means declaring, not writing loops: its streams
are ``Stream``/``Part``/``Endpoint`` declarations (``streams.py``) run by ``StreamRunner``, its errors a table for
``StatusLadder`` (``errors.py``), its auth the shared ``AuthSigner`` with ``BearerTokenAuth``. It has no page
loop, interpreter or signer of its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from string import Template

import connectors
from connectors.base.platform_info import RECEIVABLE_CODE
from connectors.base.registry import platforms

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
    values = {
        "name": name,
        "Name": "".join(part.capitalize() for part in name.split("_")),
        "receivable_code": free_receivable_code(),
    }
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


def free_receivable_code() -> str:
    """The first receivable account no discovered platform declares. Round codes (1-1310, 1-1320, …) are
    skipped: the chart gives those to marketplaces it names itself (1-1330 Lazada has no connector yet)."""
    taken = {info.receivable.code for info in platforms()}
    for number in range(1301, 1350):
        code = f"1-{number}"
        if number % 10 and code not in taken and RECEIVABLE_CODE.match(code):
            return code
    raise ScaffoldError("every receivable account 1-1301…1-1349 is taken; give the new platform one by hand")


def _tidy(paths: list[Path]) -> None:
    """Sort imports and format the generated Python (their order depends on the name) when ruff is at hand."""
    ruff = Path(sys.executable).with_name("ruff")
    python = [str(path) for path in paths if path.suffix == ".py"]
    if ruff.exists() and python:
        subprocess.run([str(ruff), "check", "--fix", "--quiet", "--select", "I", *python], check=False)
        subprocess.run([str(ruff), "format", "--quiet", *python], check=False)
