"""Exact money: Decimal at the edges, integer ledger units inside, largest-remainder allocation.

The ledger's unit for IDR is the whole rupiah (scale 0). Indonesian platforms settle in whole rupiah; an
amount with a fractional rupiah is refused here rather than rounded, so the caller can quarantine it. Floats
are refused everywhere: parse API numbers with ``Decimal(str(x))`` before they reach this module.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

# Digits after the decimal point that one ledger unit represents, per currency.
LEDGER_SCALE: dict[str, int] = {"IDR": 0}

K = TypeVar("K", bound=Hashable)


class MoneyError(ValueError):
    """An amount that cannot be represented exactly in the ledger."""


def ledger_scale(currency: str) -> int:
    try:
        return LEDGER_SCALE[currency]
    except KeyError:
        raise MoneyError(f"currency {currency!r} is not supported by the ledger (supported: IDR)") from None


def to_minor(amount: Decimal | int, currency: str = "IDR") -> int:
    """Convert an exact amount to integer ledger units; refuses floats and sub-unit fractions."""
    if type(amount) is int:  # the common case inside mapping, exact without a Decimal round trip
        return amount * 10 ** ledger_scale(currency)
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise MoneyError(f"amount must be Decimal or int, got {type(amount).__name__} {amount!r}")
    value = Decimal(amount)
    if not value.is_finite():
        raise MoneyError(f"amount {amount!r} is not a finite number")
    scaled = value.scaleb(ledger_scale(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"amount {value} {currency} has a fraction below the ledger unit")
    return int(scaled)


def text_to_minor(text: Any, currency: str = "IDR") -> int:
    """``to_minor`` of an amount stored as Decimal text (a canonical record's ``str(Decimal)``), fast for the
    common case: in a whole-unit currency (IDR) ``int()`` reads whole-number text exactly and accepts nothing
    ``Decimal`` would not; anything else (``"15000.00"``, a fraction to refuse) goes through ``to_minor``."""
    if type(text) is str and ledger_scale(currency) == 0:
        try:
            return int(text)
        except ValueError:
            pass
    return to_minor(Decimal(text), currency)


def from_minor(units: int, currency: str = "IDR") -> Decimal:
    """Convert integer ledger units back to an exact Decimal amount."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise MoneyError(f"ledger units must be int, got {type(units).__name__}")
    return Decimal(units).scaleb(-ledger_scale(currency))


def round_to_unit(amount: Decimal, currency: str = "IDR", *, half_even: bool = False) -> int:
    """Round a computed amount (e.g. a commission rate times gross) to ledger units, half up by default."""
    rounding = ROUND_HALF_EVEN if half_even else ROUND_HALF_UP
    return int(Decimal(amount).scaleb(ledger_scale(currency)).quantize(Decimal(1), rounding=rounding))


def bps_of(amount: int, bps: int) -> int:
    """``amount × bps / 10 000`` rounded half up to a whole ledger unit, in exact integer arithmetic."""
    numerator = amount * bps
    quotient, remainder = divmod(abs(numerator), 10_000)
    if remainder * 2 >= 10_000:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def allocate(total: int, weights: Mapping[K, int], *, tie_order: Mapping[K, object] | None = None) -> dict[K, int]:
    """Split ``total`` units over ``weights`` by largest remainder so the parts sum exactly to ``total``.

    Each key first gets ``floor(total * w / W)``; the leftover units go one each to the keys with the largest
    fractional remainders, ties broken by ``tie_order`` (default: the key itself, ascending). Zero-weight keys
    get 0. Raises ``MoneyError`` for negative inputs or when all weights are zero and total is not.
    """
    if total < 0:
        raise MoneyError(f"cannot allocate a negative total {total}")
    if any(weight < 0 for weight in weights.values()):
        raise MoneyError("allocation weights must not be negative")
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        if total:
            raise MoneyError(f"cannot allocate {total} over weights that sum to zero")
        return {key: 0 for key in weights}
    shares: dict[K, int] = {}
    remainders: list[tuple[int, object, K]] = []
    for key, weight in weights.items():
        share, remainder = divmod(total * weight, weight_sum)
        shares[key] = share
        remainders.append((-remainder, tie_order[key] if tie_order else key, key))
    leftover = total - sum(shares.values())
    for _, _, key in sorted(remainders)[:leftover]:
        shares[key] += 1
    return shares


def member_sort_key(member_no: str) -> tuple[int, int, str]:
    """Member-number order: numeric numbers numerically (``"9"`` before ``"10"``), others after, as text.

    The one tie rule of every split among members (settlement parts, commissions, SHU): text order would put
    member ``"10"`` before ``"9"`` and give a rounding unit to a different member than the SHU split does."""
    return (0, int(member_no), member_no) if member_no.isdigit() else (1, 0, member_no)


def allocate_to_members(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split a signed ``total`` over members by ``weights`` with largest remainder, ties to the lowest member
    number (``member_sort_key``); the parts sum exactly to ``total`` and carry its sign."""
    if len(weights) == 1:
        return {next(iter(weights)): total}
    parts = allocate(abs(total), weights, tie_order={member: member_sort_key(member) for member in weights})
    return {member: part if total >= 0 else -part for member, part in parts.items()}


def format_idr(units: int) -> str:
    """Indonesian display format: ``Rp 1.234.567`` (negative as ``-Rp 1.234``)."""
    sign = "-" if units < 0 else ""
    return f"{sign}Rp {abs(units):,}".replace(",", ".")
