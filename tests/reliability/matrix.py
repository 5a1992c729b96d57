"""The fault matrix: per connector one clean reference run, then one cell per fault, each measured the same way.

A cell: a fresh copy of the prepared database and a fresh sandbox (same seeded world), the faulted run, every
fault cleared, the sync re-run to completion, then the books measured against the reference. ``RESULTS``
collects every computed cell for the table ``conftest.py`` prints at the end of the session.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from connectors.base.sandbox.emitter import EmitOptions
from foundation.db import make_engine
from tests.reliability.accounting import Books, measure
from tests.reliability.bench import PUSH_PLATFORMS, Instance, deliver_pushes, prepare, serve, sync
from tests.reliability.faults import CellContext, Fault


@dataclass(frozen=True)
class Cell:
    fault: str
    platform: str
    database: str
    equal: bool
    duplicates: int
    lost: int
    quarantined: int
    evidence: int
    evidence_label: str
    violations: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.equal and self.duplicates == 0 and self.lost == 0 and self.evidence > 0 and not self.violations


RESULTS: list[Cell] = []


@dataclass(frozen=True)
class Reference:
    """A connector's clean run: the prepared (pre-sync) database file to copy and the books after the sync."""

    template: Path
    bare: Path  # before any push was delivered (push platforms; the same as ``template`` for pull platforms)
    database: Path  # the reference run's database (its landed pages feed the parser fuzzing)
    books: Books


def build_reference(platform: str, migrated: Path, workdir: Path) -> Reference:
    bare, template = workdir / f"{platform}-bare.db", workdir / f"{platform}-template.db"
    shutil.copy(migrated, bare)
    with serve(platform) as instance:
        engine = make_engine(f"sqlite:///{bare}")
        prepare(engine, instance, pushes=None)
        engine.dispose()
        shutil.copy(bare, template)
        if platform in PUSH_PLATFORMS:
            engine = make_engine(f"sqlite:///{template}")
            deliver_pushes(engine, instance, EmitOptions())
            engine.dispose()
        clean = workdir / f"{platform}-reference.db"
        shutil.copy(template, clean)
        engine = make_engine(f"sqlite:///{clean}")
        sync(engine, instance)
        books = books_of(engine, instance)
        engine.dispose()
    assert books.landed and books.lost == 0 and not books.violations, books
    return Reference(template, bare, clean, books)


def books_of(engine: Engine, instance: Instance) -> Books:
    return measure(engine, lambda shop: instance.connector(engine, shop), instance.shops)


def run_cell(
    fault: Fault,
    platform: str,
    reference: Books,
    database: str,
    db_url: str,
    prepare_db: Callable[[Engine, Instance], None],
) -> Cell:
    """Fault, clear, re-run to completion, measure; the cell is recorded before any assertion is made."""
    with serve(platform) as instance:
        engine = make_engine(db_url)
        try:
            prepare_db(engine, instance)
            evidence = fault.run(CellContext(instance, engine, db_url))
            instance.sandbox.reset_faults()
            sync(engine, instance)
            books = books_of(engine, instance)
        finally:
            engine.dispose()
    cell = Cell(
        fault.name,
        platform,
        database,
        equal=books.fingerprint == reference.fingerprint,
        duplicates=books.duplicates_against(reference),
        lost=books.lost,
        quarantined=books.quarantined,
        evidence=evidence,
        evidence_label=fault.evidence,
        violations=books.violations,
    )
    RESULTS.append(cell)
    return cell
