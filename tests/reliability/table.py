"""The fault-matrix table printed at the end of every run (``.ci/run`` included): fault × connector →
reference-equal / duplicates / lost / quarantined, each cell as computed by a test and carried on its report
(so it reaches the controller when pytest-xdist runs the tests in worker processes)."""

from __future__ import annotations

import pytest

from tests.reliability.faults import FAULTS
from tests.reliability.matrix import Cell

CELL_PROPERTY = "fault_matrix_cell"


def reported_cells(terminalreporter: pytest.TerminalReporter) -> list[Cell]:
    cells = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == CELL_PROPERTY and getattr(report, "when", "") == "call":
                    cells.append(Cell(**{**value, "violations": tuple(value["violations"])}))
    return cells


def write_table(terminalreporter: pytest.TerminalReporter) -> None:
    cells = reported_cells(terminalreporter)
    if not cells:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fault matrix: fault × connector → reference-equal / duplicates / lost / quarantined")
    columns = sorted({(cell.platform, cell.database) for cell in cells}, key=_column_order)
    headers = [f"{platform}" + ("" if database == "sqlite" else f" ({database})") for platform, database in columns]
    order = [fault.name for fault in FAULTS]
    faults = sorted({cell.fault for cell in cells}, key=lambda name: (order.index(name) if name in order else 99, name))
    width = max(len(fault) for fault in faults) + 2
    write("".ljust(width) + "".join(header.ljust(24) for header in headers))
    by_key = {(cell.fault, cell.platform, cell.database): cell for cell in cells}
    for fault in faults:
        row = fault.ljust(width)
        for platform, database in columns:
            cell = by_key.get((fault, platform, database))
            text = "-" if cell is None else _render(cell)
            row += text.ljust(24)
        write(row)
    failed = [cell for cell in cells if not cell.passed]
    write(f"{len(cells)} cells, {len(failed)} not equal/0/0 (or fault not observed)")


def _render(cell) -> str:  # type: ignore[no-untyped-def]
    verdict = "equal" if cell.equal and not cell.violations else "DIFFERS"
    mark = "" if cell.evidence > 0 else " (fault not seen!)"
    return f"{verdict}/{cell.duplicates}/{cell.lost}/{cell.quarantined}{mark}"


def _column_order(column: tuple[str, str]) -> tuple[int, bool]:
    platforms = ["shopee", "tokopedia", "gojek", "grab", "whatsapp"]
    platform, database = column
    return (platforms.index(platform) if platform in platforms else 99, database != "sqlite")
