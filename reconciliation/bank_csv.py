"""Read a bank statement CSV with a ``BankLayout`` into exact, signed lines. Pure: bytes in, lines out.

The header row is found by its date column (any preamble above it is skipped and counted); blank rows and
the layout's summary rows (``footer_labels``) are skipped and counted; every other row must parse. A row that
does not parse rejects the whole file, with every problem listed by line number, so a statement is never
half imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from foundation.bank_layouts import BankLayout
from ledger.money import MoneyError, to_minor

MAX_REFERENCE = 120
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class StatementLine:
    file_line: int
    booked_on: date
    amount: int  # signed whole rupiah: + credit into the account, − debit
    reference: str
    description: str


@dataclass
class Statement:
    lines: list[StatementLine] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # preamble, blank, summary


class StatementRejected(ValueError):
    """The file does not fit the layout; ``problems`` lists each bad line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{source}: not imported, nothing was stored:\n  " + "\n  ".join(shown) + more)
        self.problems = problems


def parse_statement(data: bytes, layout: BankLayout, source: str = "statement") -> Statement:
    try:
        text = data.decode(layout.encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise StatementRejected(source, [f"cannot decode the file as {layout.encoding}: {error}"]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    statement = Statement()
    columns: dict[str, int] | None = None
    problems: list[str] = []
    for row in reader:
        cells = [cell.strip() for cell in row]
        number = reader.line_num
        if columns is None:
            if layout.columns.date in cells:
                columns = _column_indexes(cells, layout, source)
            else:
                statement.skipped["preamble"] += 1
            continue
        if not any(cells):
            statement.skipped["blank"] += 1
            continue
        if layout.footer_labels and cells[0].startswith(layout.footer_labels):
            statement.skipped["summary"] += 1
            continue
        try:
            statement.lines.append(_line(number, cells, columns, layout))
        except ValueError as error:
            problems.append(f"line {number}: {error}")
    if columns is None:
        raise StatementRejected(source, [f"no header row naming the date column {layout.columns.date!r}"])
    if problems:
        raise StatementRejected(source, problems)
    return statement


def _column_indexes(header: list[str], layout: BankLayout, source: str) -> dict[str, int]:
    wanted = {name: column for name, column in layout.columns.model_dump().items() if column}
    missing = [column for column in wanted.values() if column not in header]
    if missing:
        raise StatementRejected(source, [f"header {header} lacks the column(s) {missing}"])
    return {name: header.index(column) for name, column in wanted.items()}


def _line(number: int, cells: list[str], columns: dict[str, int], layout: BankLayout) -> StatementLine:
    def cell(name: str) -> str:
        index = columns[name]
        return cells[index] if index < len(cells) else ""

    raw_date = cell("date")
    try:
        booked_on = datetime.strptime(raw_date, layout.date_format).date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise ValueError(f"date {raw_date!r} does not match {layout.date_format!r}") from None
    if "amount" in columns:
        amount = _suffixed_amount(cell("amount"), layout)
    else:
        debit, credit = _number(cell("debit") or "0", layout), _number(cell("credit") or "0", layout)
        if (debit != 0) == (credit != 0):
            raise ValueError(f"needs exactly one of debit {cell('debit')!r} and credit {cell('credit')!r}")
        amount = credit - debit
    if amount == 0:
        raise ValueError("amount is zero")
    description = cell("description")
    reference = cell("reference") if "reference" in columns else ""
    if not reference and layout.reference_pattern:
        found = re.search(layout.reference_pattern, description)
        reference = found.group(0) if found else ""
    if len(reference) > MAX_REFERENCE:
        raise ValueError(f"reference is longer than {MAX_REFERENCE} characters")
    return StatementLine(number, booked_on, amount, reference, description)


def _suffixed_amount(text: str, layout: BankLayout) -> int:
    upper = text.upper().strip()
    for suffix, sign in ((layout.credit_suffix.upper(), 1), (layout.debit_suffix.upper(), -1)):
        if suffix and upper.endswith(suffix):
            return sign * _number(upper.removesuffix(suffix), layout)
    return _number(text, layout)


def _number(text: str, layout: BankLayout) -> int:
    """``1,250,000.00`` / ``1.250.000,00`` / ``(500.00)`` → whole rupiah; a fraction of a rupiah is refused."""
    cleaned = text.strip().replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if layout.thousands:
        cleaned = cleaned.replace(layout.thousands, "")
    cleaned = cleaned.replace(layout.decimal, ".")
    try:
        value = Decimal(cleaned)
        units = to_minor(-value if negative else value)
    except (InvalidOperation, MoneyError):
        raise ValueError(f"amount {text!r} is not a whole-rupiah number in this layout") from None
    return units
