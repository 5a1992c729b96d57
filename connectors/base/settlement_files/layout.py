"""A platform's settlement report layout, and the shared row → ``Settlement`` parser.

Amount columns are signed as they affect the payout (negative = deducted from the merchant), so every row
must satisfy the canonical invariant gross + Σ components = net (``check_settlement``); a sign mistake in a
hand-edited file is quarantined, never posted. A bad row becomes ``Rejected`` naming its row number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

from connectors.base.amounts import BadField
from connectors.base.protocol import LandedPage
from connectors.base.records import FeeKind, Parsed, RawRef, Rejected, Settlement, SettlementComponent, check_settlement
from connectors.base.settlement_files.table import Cell, UnreadableFile, read_table

WIB = timezone(timedelta(hours=7), "WIB")  # portal exports are in Jakarta time unless they carry an offset
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class ReportLayout:
    platform: str
    shop_column: str
    transaction_column: str
    order_column: str
    type_column: str
    time_column: str
    gross_column: str
    net_column: str
    components: tuple[tuple[str, FeeKind], ...]  # optional signed fee columns → fee kind
    order_types: frozenset[str]  # rows whose settlement is the order's own (settlement_ref = order ref)
    other_types: frozenset[str]  # refunds, adjustments: their own document, summed with the order's
    currency_column: str | None = None
    currency: str = "IDR"
    whole_units: bool = True  # IDR reports carry whole rupiah only
    revision: str = "1"
    local_time: tzinfo = WIB

    def required_columns(self) -> list[str]:
        base = [self.shop_column, self.transaction_column, self.order_column, self.type_column, self.time_column]
        return [*base, self.gross_column, self.net_column]

    def describe(self) -> str:
        optional = [column for column, _ in self.components] + ([self.currency_column] if self.currency_column else [])
        return f"required {', '.join(self.required_columns())}; optional {', '.join(optional)}"


def parse_report(page: LandedPage, layout: ReportLayout) -> Iterator[Parsed]:
    try:
        table = read_table(page.body, page.kind)
    except UnreadableFile as error:
        yield _rejected(page, f"page:{page.id}", "malformed_page", f"settlement report unreadable: {error}")
        return
    for number, row in table.rows:
        key = f"row:{number}"
        try:
            checked = check_settlement(_settlement(page, layout, number, row))
        except BadField as error:
            yield _rejected(page, key, error.reason, f"row {number}: {error}", row.get(layout.transaction_column))
            continue
        if isinstance(checked, Rejected):  # keyed by the row an operator can find, not the order number
            details = {**checked.details, "settlement_ref": checked.record_key}
            checked = replace(checked, record_key=key, message=f"row {number}: {checked.message}", details=details)
        yield checked


def _settlement(page: LandedPage, layout: ReportLayout, number: int, row: dict[str, Cell]) -> Settlement:
    shop = _text(row, layout.shop_column)
    if shop != page.shop_ref:
        raise BadField(layout.shop_column, f"row is for {shop}, file was imported for {page.shop_ref}", "wrong_shop")
    kind = _text(row, layout.type_column).upper()
    if kind not in layout.order_types | layout.other_types:
        expected = ", ".join(sorted(layout.order_types | layout.other_types))
        raise BadField(layout.type_column, f"unknown type {kind!r} (expected {expected})", "unknown_type")
    currency = str(row.get(layout.currency_column) or layout.currency) if layout.currency_column else layout.currency
    if currency.upper() != layout.currency:
        column = layout.currency_column or "currency"
        raise BadField(column, f"{currency} is not {layout.currency}", "unexpected_currency")
    transaction, order_ref = _text(row, layout.transaction_column), _text(row, layout.order_column)
    components = tuple(
        SettlementComponent(fee, amount, column)
        for column, fee in layout.components
        if row.get(column) is not None and (amount := _amount(row, column, layout)) != 0
    )
    gross = _amount(row, layout.gross_column, layout)
    if gross < 0:
        raise BadField(layout.gross_column, f"gross {gross} is negative", "negative_amount")
    own = kind in layout.order_types
    return Settlement(
        platform=layout.platform,
        shop_ref=page.shop_ref,
        settlement_ref=order_ref if own else f"{order_ref}:{transaction}",
        order_ref=order_ref,
        released_at=_time(row.get(layout.time_column), layout),
        currency=layout.currency,
        gross=gross,
        components=components,
        net=_amount(row, layout.net_column, layout),
        revision=layout.revision,
        raw=RawRef(page.id, f"row:{number}"),
    )


def _text(row: dict[str, Cell], column: str) -> str:
    value = row.get(column)
    if value is None or str(value).strip() == "":
        raise BadField(column, "is empty", "missing_field")
    return str(value).strip()


def _amount(row: dict[str, Cell], column: str, layout: ReportLayout) -> Decimal:
    value = row.get(column)
    if value is None:
        raise BadField(column, "amount is empty", "missing_amount")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        amount = Decimal(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value):
        amount = Decimal(value)
    else:
        raise BadField(column, f"{value!r} is not a plain number (no currency signs or separators)", "invalid_amount")
    if layout.whole_units and amount != amount.to_integral_value():
        raise BadField(column, f"{amount} is not a whole {layout.currency} amount", "fractional_amount")
    return amount.normalize() if amount == amount.to_integral_value() else amount


def _time(value: Cell, layout: ReportLayout) -> datetime:
    moment: datetime | None = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        raise BadField(layout.time_column, f"{value!r} is not a date-time (YYYY-MM-DD HH:MM:SS)", "invalid_time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=layout.local_time)
    return moment.astimezone(UTC)


def _rejected(page: LandedPage, key: str, reason: str, message: str, transaction: Cell = None) -> Rejected:
    details = {"transaction": str(transaction)} if transaction is not None else {}
    return Rejected(page.platform, page.shop_ref, page.stream, key, reason, message, RawRef(page.id, key), details)
