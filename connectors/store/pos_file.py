"""A store's POS export (cash register export or daily sales sheet, CSV or XLSX): its columns, and the check
that refuses a file with every problem listed before anything is landed.

One row per receipt line: ``date`` (``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM[:SS]``, Jakarta time unless it carries
an offset; an optional ``time`` column), ``outlet``, ``receipt_no``, ``sku`` and/or ``seller_sku``, ``quantity``,
``unit_price``, optional ``discount`` (rupiah off the line), ``payment_method`` (``cash``/``tunai``, ``qris``,
``transfer``) and optional ``name``. Amounts are whole rupiah, plain numbers. All lines of one receipt share its
date and payment method. Unlike a platform's settlement report (whose bad rows are quarantined one by one), a
POS file is the cooperative's own data: a bad line refuses the whole file so the cashier fixes it at the source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from connectors.base.settlement_files.layout import WIB
from connectors.base.settlement_files.table import Cell, Table

REQUIRED = ("date", "outlet", "receipt_no", "quantity", "unit_price", "payment_method")
OPTIONAL = ("time", "sku", "seller_sku", "discount", "name")
# Cashier vocabulary → the canonical tender (``Settlement.tender``).
TENDERS = {
    "cash": "cash",
    "tunai": "cash",
    "qris": "qris",
    "transfer": "transfer",
    "bank_transfer": "transfer",
    "transfer_bank": "transfer",
}
PERSONAL_COLUMN = re.compile(r"(customer|buyer|pembeli|pelanggan|phone|telepon|address|alamat|email)", re.I)
_INTEGER = re.compile(r"\d+")
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class PosLine:
    row: int
    sold_at: datetime
    outlet: str
    receipt_no: str
    sku_ref: str
    seller_sku: str | None
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    tender: str

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount


class PosFileInvalid(ValueError):
    """The file breaks the layout; ``problems`` lists every one (row number first), nothing was landed."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"… and {more} more"] if more else [])))
        self.problems = problems


def read_pos_lines(table: Table) -> list[PosLine]:
    """Every row of ``table`` as a ``PosLine``, or ``PosFileInvalid`` naming every problem of the file."""
    problems = _header_problems(table)
    if problems:
        raise PosFileInvalid(problems)
    lines: list[PosLine] = []
    for number, row in table.rows:
        line, row_problems = _line(number, row)
        problems += row_problems
        if line is not None:
            lines.append(line)
    problems += _receipt_problems(lines)
    if not table.rows:
        problems.append("the file has a header but no rows")
    if problems:
        raise PosFileInvalid(problems)
    return lines


def lines_of_outlet(table: Table, outlet: str) -> list[PosLine]:
    """The outlet's lines of an already checked file (a landed page holds the whole file; each outlet reads its
    own rows)."""
    return [line for line in read_pos_lines(table) if line.outlet == outlet]


def _header_problems(table: Table) -> list[str]:
    problems = [f"missing column {column}" for column in REQUIRED if column not in table.columns]
    if "sku" not in table.columns and "seller_sku" not in table.columns:
        problems.append("missing column sku or seller_sku (one of them names the product)")
    personal = [column for column in table.columns if PERSONAL_COLUMN.search(column)]
    if personal:
        problems.append(f"column(s) {', '.join(personal)} hold buyer personal data; remove them before importing")
    if problems:
        problems.append(f"expected columns: {', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)}")
    return problems


def _line(number: int, row: dict[str, Cell]) -> tuple[PosLine | None, list[str]]:
    problems: list[str] = []

    def fail(column: str, message: str) -> None:
        problems.append(f"row {number}, {column}: {message}")

    def text(column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value).strip()

    outlet, receipt = text("outlet"), text("receipt_no")
    for column, value in (("outlet", outlet), ("receipt_no", receipt)):
        if not value:
            fail(column, "is empty")
    sku, seller_sku = text("sku"), text("seller_sku")
    if not sku and not seller_sku:
        fail("sku", "is empty (give sku or seller_sku)")
    sold_at = _moment(row.get("date"), row.get("time"), fail)
    quantity = _whole(row.get("quantity"), "quantity", fail, positive=True)
    unit_price = _whole(row.get("unit_price"), "unit_price", fail)
    discount = _whole(row.get("discount"), "discount", fail, optional=True)
    tender = TENDERS.get("_".join(text("payment_method").lower().split()))
    if tender is None:
        fail("payment_method", f"{text('payment_method')!r} is not cash, qris or transfer")
    if quantity is not None and unit_price is not None and discount is not None and discount > unit_price * quantity:
        fail("discount", f"{discount} is more than the line's {unit_price * quantity}")
    if problems or sold_at is None or quantity is None or unit_price is None or discount is None or tender is None:
        return None, problems
    reference = sku or seller_sku
    name = text("name") or reference
    return PosLine(
        number,
        sold_at,
        outlet,
        receipt,
        reference,
        seller_sku or None,
        name,
        int(quantity),
        unit_price,
        discount,
        tender,
    ), []


def _whole(value: Cell, column: str, fail, *, positive: bool = False, optional: bool = False) -> Decimal | None:  # type: ignore[no-untyped-def]
    """A whole, non-negative rupiah amount or count (no separators, no currency sign)."""
    if value is None or str(value).strip() == "":
        if optional:
            return Decimal(0)
        fail(column, "is empty")
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        fail(column, f"{value!r} is not a number")
        return None
    text = str(value).strip()
    try:
        amount = Decimal(text)
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite() or (isinstance(value, str) and not re.fullmatch(r"-?\d+(\.0+)?", text)):
        fail(column, f"{text!r} is not a plain whole number (no separators or currency signs)")
        return None
    if amount != amount.to_integral_value():
        fail(column, f"{text} is not a whole number")
        return None
    if amount < 0 or (positive and amount == 0):
        fail(column, f"{text} must be {'positive' if positive else 'zero or more'}")
        return None
    return Decimal(int(amount))


def _moment(date_value: Cell, time_value: Cell, fail) -> datetime | None:  # type: ignore[no-untyped-def]
    if isinstance(date_value, datetime):
        moment = date_value
    else:
        text = "" if date_value is None else str(date_value).strip()
        if time_value is not None and str(time_value).strip() and len(text) == 10:
            text = f"{text} {str(time_value).strip()}"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            fail("date", f"{text!r} is not a date (YYYY-MM-DD, optionally with HH:MM:SS)")
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=WIB)


def _receipt_problems(lines: list[PosLine]) -> list[str]:
    """All lines of a receipt must agree on its day and tender: a receipt is one sale paid one way."""
    receipts: dict[tuple[str, str], list[PosLine]] = defaultdict(list)
    for line in lines:
        receipts[(line.outlet, line.receipt_no)].append(line)
    problems = []
    for (outlet, receipt), group in receipts.items():
        rows = ", ".join(str(line.row) for line in group)
        if len({line.sold_at.astimezone(WIB).date() for line in group}) > 1:
            problems.append(f"rows {rows}: receipt {receipt} of outlet {outlet} has lines on different dates")
        if len({line.tender for line in group}) > 1:
            problems.append(
                f"rows {rows}: receipt {receipt} of outlet {outlet} mixes payment methods (one per receipt)"
            )
    return problems
