"""The report as an Excel workbook (openpyxl): a summary sheet, one sheet per matching level, stock,
variances with their audit trail, and the ledger's clearing balances. Numbers are raw integers (rupiah)
with a thousands format, dates are real dates, so Excel users can filter, sum and pivot."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reconciliation.report.specs import SHEETS, SPECS
from reconciliation.report.tables import ReportData

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F5")
NUMBER = "#,##0"


def write_xlsx(data: ReportData, bank_matched_in_ledger: int, path: Path) -> Path:
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    _summary(summary, data, bank_matched_in_ledger)
    for sheet_name, tables in SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        row = 1
        for name in tables:
            row = _table(sheet, row, name, data.tables[name]) + 1
        sheet.freeze_panes = "A3"
    book.save(path)
    return path


def _summary(sheet: Worksheet, data: ReportData, bank_matched_in_ledger: int) -> None:
    sheet.append([f"Reconciliation {data.period}"])
    sheet["A1"].font = TITLE
    sheet.append(["Period", data.start, data.end])
    sheet.append(["Matched as of", data.as_of])
    sheet.append(["Alert above (open variances)", data.alert_open_amount])
    sheet.append([])
    _block(sheet, "Tiles", ["What", "Detail", "Amount"], [list(tile) for tile in data.tiles])
    _block(
        sheet,
        "Matched vs open by platform and level",
        ["Platform", "Level", "Matched", "Open"],
        data.by_platform[["platform", "level", "matched", "open"]].values.tolist(),
    )
    _block(sheet, "Open variances by age", ["Aging", "Count", "Amount"], data.aging.values.tolist())
    ledger = data.tables["ledger"]
    totals = ledger.groupby(["account", "name"], as_index=False)["balance"].sum()
    _block(
        sheet,
        f"Ledger clearing balances at {data.end} (journal; debit +)",
        ["Account", "Name", "Balance"],
        totals.values.tolist(),
    )
    withdrawals = data.tables["withdrawals"]
    matched = int(withdrawals.loc[withdrawals["result"] == "matched", "amount"].sum())
    _block(
        sheet,
        "Level 3: withdrawals matched to the bank in the period",
        ["Source", "Amount"],
        [["journal: bank-match entries (Dr bank)", bank_matched_in_ledger], ["withdrawals table: matched", matched]],
    )
    for column, width in zip("ABCD", (44, 34, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width


def _block(sheet: Worksheet, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for values in rows:
        sheet.append([_plain(value) for value in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, int):
                cell.number_format = NUMBER
    sheet.append([])


def _table(sheet: Worksheet, row: int, name: str, frame: pd.DataFrame) -> int:
    title, columns = SPECS[name]
    sheet.cell(row, 1, title).font = TITLE
    for index, (_, label, _) in enumerate(columns, start=1):
        cell = sheet.cell(row + 1, index, label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(label) + 6))
    current = row + 1
    for record in frame.to_dict("records"):
        current += 1
        for index, (column, _, kind) in enumerate(columns, start=1):
            cell = sheet.cell(current, index, _plain(record.get(column)))
            if kind in ("idr", "int"):
                cell.number_format = NUMBER
    return current + 1


def _plain(value: Any) -> Any:
    """openpyxl takes Python ints, strings and dates; pandas' missing values become empty cells."""
    if value is None or (not isinstance(value, str | list) and pd.isna(value)):
        return None
    if isinstance(value, bool | str | date):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
