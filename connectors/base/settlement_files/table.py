"""Read a CSV or XLSX report into a header and numbered rows, exactly (no float for amounts).

Row numbers are the spreadsheet's: the header is row 1, so the first data row is row 2 — the number an
operator sees when opening the file. Header names are normalised (trimmed, lower case, spaces → ``_``);
fully blank rows (Excel leaves them at the end) are skipped; empty cells read as ``None``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

Cell = str | int | Decimal | datetime | None


class UnreadableFile(ValueError):
    """The bytes are not a readable CSV/XLSX table."""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Cell]], ...]


def normalise(name: Any) -> str:
    return "_".join(str(name or "").strip().lower().split())


def read_table(body: bytes, kind: str) -> Table:
    if kind.endswith("_xlsx"):
        return _xlsx(body)
    if kind.endswith("_csv"):
        return _csv(body)
    raise UnreadableFile(f"unknown report kind {kind!r}")


def _csv(body: bytes) -> Table:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("CSV is not UTF-8 text") from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count)  # Indonesian Excel writes ';' where ',' is a decimal mark
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        raise UnreadableFile(f"CSV is malformed: {error}") from None
    return _table([[cell.strip() or None for cell in line] for line in lines])


def _xlsx(body: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as error:
        raise UnreadableFile(f"not an XLSX workbook ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        lines = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(lines)


def _cell(value: Any) -> Cell:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return Decimal(str(value))  # Excel stores numbers as doubles; str() gives the shortest exact form
    if isinstance(value, int | Decimal | datetime) or value is None:
        return value
    return str(value)


def _table(lines: list[list[Cell]]) -> Table:
    if not lines or not any(cell is not None for cell in lines[0]):
        raise UnreadableFile("the first row must be the header")
    columns = tuple(normalise(name) for name in lines[0])
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if all(cell is None for cell in line):
            continue
        if len(line) > len(columns) and any(cell is not None for cell in line[len(columns) :]):
            raise UnreadableFile(f"row {number} has more cells than the header")
        rows.append((number, {column: (line[i] if i < len(line) else None) for i, column in enumerate(columns)}))
    return Table(columns, tuple(rows))


def write_table(columns: list[str], rows: list[list[Cell]], kind: str) -> bytes:
    """The inverse of ``read_table`` (for sandboxes and tests): a CSV or single-sheet XLSX report."""
    if kind.endswith("_csv"):
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
        return out.getvalue().encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Settlement"
    sheet.append(columns)
    for row in rows:
        sheet.append(
            [int(cell) if isinstance(cell, Decimal) and cell == cell.to_integral_value() else cell for cell in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
