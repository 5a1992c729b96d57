"""Imports point one way (README "Layout"): each package may import only the packages its arrow names.

The test reads every module's import statements (``ast``, nothing is imported) and fails naming the module, the
line and the forbidden import. A platform folder never imports another platform folder. Imports inside
``if TYPE_CHECKING:`` count too: a type is a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHELL = "shell"  # dags/ and omnikop/ (the CLI, orchestration, demo, schema and migrations)
# Layer → the layers it may import (besides itself and the standard library / third-party packages).
ALLOWED: dict[str, frozenset[str]] = {
    SHELL: frozenset(
        {
            "members",
            "reconciliation",
            "stock",
            "sync",
            "shu",
            "core_mapping",
            "connectors.base",
            "connectors.platform",
            "ledger",
            "foundation",
        }
    ),  # fmt: skip
    "members": frozenset({"shu", "stock", "core_mapping", "ledger", "foundation"}),
    "stock": frozenset({"sync", "core_mapping", "connectors.base", "ledger", "foundation"}),
    "reconciliation": frozenset({"core_mapping", "ledger", "foundation"}),
    "sync": frozenset({"core_mapping", "connectors.base", "ledger", "foundation"}),
    "shu": frozenset({"ledger", "foundation"}),
    "core_mapping": frozenset({"connectors.base", "ledger", "foundation"}),
    "connectors.platform": frozenset({"connectors.base", "foundation"}),
    "connectors.base": frozenset({"foundation"}),
    "ledger": frozenset({"foundation"}),
    "foundation": frozenset(),
}
PACKAGES = ("dags", "omnikop", "members", "reconciliation", "stock", "sync", "shu", "core_mapping", "connectors", "ledger",
            "foundation")  # fmt: skip


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to (None: not one of omnikop's packages)."""
    parts = module.split(".")
    if parts[0] in ("dags", "omnikop"):
        return SHELL
    if parts[0] == "connectors":
        if len(parts) == 1:
            return "connectors.base"  # the namespace package the registry scans
        return "connectors.base" if parts[1] == "base" else "connectors.platform"
    return parts[0] if parts[0] in PACKAGES else None


def platform_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "connectors" and parts[1] != "base" else None


def imports(source: str) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every absolute import in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def violations(module: str, source: str) -> list[str]:
    """What ``module`` (dotted name) imports against the layer rules."""
    layer = layer_of(module)
    if layer is None:
        return []
    found = []
    for line, target in imports(source):
        target_layer = layer_of(target)
        if target_layer is None or target_layer == layer and layer != "connectors.platform":
            continue
        if layer == "connectors.platform" and target_layer == layer:
            if platform_of(target) != platform_of(module):
                found.append(f"{module}:{line} imports {target}: a platform folder never imports another")
            continue
        if target_layer not in ALLOWED[layer]:
            found.append(
                f"{module}:{line} imports {target}: {layer} may import only {sorted(ALLOWED[layer]) or 'nothing'}"
            )
    return found


def modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def test_every_import_points_the_allowed_way() -> None:
    found = [problem for module, path in modules() for problem in violations(module, path.read_text(encoding="utf-8"))]
    assert not found, "layer violations:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("ledger.posting", "from connectors.shopee.client import ShopeeClient\n", "ledger may import only"),
        ("core_mapping.rules", "import shu.allocation\n", "core_mapping may import only"),
        ("foundation.db", "from ledger.models import Account\n", "foundation may import only nothing"),
        ("connectors.grab.parse", "from connectors.gojek.events import prepare\n", "never imports another"),
        ("connectors.base.http", "from core_mapping.keys import DocumentKeys\n", "connectors.base may import only"),
    ],
)
def test_a_layer_violation_is_named(module: str, source: str, expected: str) -> None:
    [problem] = violations(module, source)
    assert problem.startswith(f"{module}:1 imports") and expected in problem


def test_allowed_imports_pass() -> None:
    assert violations("core_mapping.rules", "from ledger.money import allocate\nimport pandas\n") == []
    assert (
        violations("connectors.grab.parse", "from connectors.grab.events import x\nfrom connectors.base import y\n")
        == []
    )
