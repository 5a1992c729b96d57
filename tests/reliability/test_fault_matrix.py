"""Nothing lost, nothing doubled: every connector's books after each fault (and a re-run) equal its clean run.

SQLite runs every cell; PostgreSQL runs the cells where a server behaves differently (a really terminated
backend, row locks between overlapping runs) and is compared with the same SQLite reference.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.base.sandbox.emitter import EmitOptions
from tests.reliability.bench import NO_API_PLATFORMS, PLATFORMS, PUSH_PLATFORMS, prepare
from tests.reliability.faults import FAULTS, FAULTS_BY_NAME, Fault
from tests.reliability.matrix import Reference, run_cell

PG_FAULTS = ("DB connection dropped", "overlapping runs")
PG_PLATFORMS = ("shopee", "grab", "whatsapp")


def _assert_clean(cell) -> None:  # type: ignore[no-untyped-def]
    assert cell.evidence > 0, f"{cell.fault} on {cell.platform}: the fault was never observed"
    assert not cell.violations, cell.violations
    assert (cell.equal, cell.duplicates, cell.lost) == (True, 0, 0), cell


def applies(fault: Fault, platform: str) -> bool:
    """A fault has a cell where it can happen: API faults where omnikop calls an API, push faults on pushes."""
    return (platform not in NO_API_PLATFORMS or not fault.needs_api) and (
        platform in PUSH_PLATFORMS or not fault.push_only
    )


CELLS = [
    pytest.param(fault, platform, id=f"{fault.name}-{platform}")
    for fault in FAULTS
    for platform in PLATFORMS
    if applies(fault, platform)
]


@pytest.mark.parametrize(("fault", "platform"), CELLS)
def test_books_after_fault_and_rerun_equal_the_reference(
    fault: Fault, platform: str, references: Callable[[str], Reference], tmp_path: Path
) -> None:
    reference = references(platform)
    database = tmp_path / "cell.db"
    shutil.copy(reference.bare if fault.starts_before_pushes else reference.template, database)
    cell = run_cell(fault, platform, reference.books, "sqlite", f"sqlite:///{database}", lambda *_: None)
    _assert_clean(cell)
    assert cell.quarantined == reference.books.quarantined


@pytest.mark.postgres
@pytest.mark.parametrize("platform", PG_PLATFORMS)
@pytest.mark.parametrize("fault_name", PG_FAULTS)
def test_books_after_fault_and_rerun_equal_the_reference_on_postgresql(
    fault_name: str, platform: str, references: Callable[[str], Reference], pg_url: str
) -> None:
    reference = references(platform)
    fault = FAULTS_BY_NAME[fault_name]
    pushes = None if fault.starts_before_pushes else EmitOptions()
    cell = run_cell(fault, platform, reference.books, "postgresql", pg_url, lambda e, i: prepare(e, i, pushes))
    _assert_clean(cell)
    assert cell.quarantined == reference.books.quarantined
