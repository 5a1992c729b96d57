"""Reading money and times out of platform payloads, exactly, with errors that name the field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class BadField(ValueError):
    """A payload field is missing or unusable; the record goes to quarantine with this message."""

    def __init__(self, field: str, problem: str, reason: str = "invalid_field") -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.reason = field, reason


def money(value: Any, field: str, *, allow_negative: bool = True) -> Decimal:
    """``Decimal`` from a JSON number/string (floats via ``Decimal(str(x))``); refuses missing, bool, NaN."""
    kind = type(value)
    if kind is Decimal or kind is int:  # what ``http.parse_json`` gives for a JSON number: the common case
        amount = value if kind is Decimal else Decimal(value)
        if amount.is_finite() and (allow_negative or amount >= 0):
            return amount
    if value is None or value == "":
        raise BadField(field, "amount is missing", "missing_amount")
    if isinstance(value, bool):
        raise BadField(field, f"amount is a boolean {value!r}", "invalid_amount")
    try:
        amount = (
            Decimal(str(value))
            if isinstance(value, float)
            else Decimal(value)
            if not isinstance(value, Decimal)
            else value
        )
    except (InvalidOperation, TypeError, ValueError):
        raise BadField(field, f"amount {value!r} is not a number", "invalid_amount") from None
    if not amount.is_finite():
        raise BadField(field, f"amount {value!r} is not finite", "invalid_amount")
    if amount < 0 and not allow_negative:
        raise BadField(field, f"amount {amount} is negative", "negative_amount")
    return amount


def minor_units(value: Any, exponent: Any, field: str) -> Decimal:
    """An integer amount in minor units with its currency exponent (Grab: 2550000, exponent 2 → 25500.00)."""
    if isinstance(exponent, bool) or not isinstance(exponent, int) or not 0 <= exponent <= 4:
        raise BadField(field, f"currency exponent {exponent!r} is not supported", "unknown_exponent")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadField(field, f"minor-unit amount {value!r} is not an integer", "invalid_amount")
    return Decimal(value).scaleb(-exponent)


def unix_time(value: Any, field: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value <= 0:
        raise BadField(field, f"timestamp {value!r} is not a positive unix time", "invalid_time")
    return datetime.fromtimestamp(int(value), UTC)


def iso_time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise BadField(field, f"time {value!r} is not a string", "invalid_time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadField(field, f"time {value!r} is not ISO-8601", "invalid_time") from None
    if moment.tzinfo is None:
        raise BadField(field, f"time {value!r} has no timezone", "invalid_time")
    return moment.astimezone(UTC)


def text(value: Any, field: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BadField(field, "is missing", "missing_field")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadField(field, f"{value!r} is not text", "invalid_field")
    return str(value)


def quantity(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BadField(field, f"quantity {value!r} is not a positive integer", "invalid_quantity")
    return value
