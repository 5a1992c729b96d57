"""Payments confirmed by the bank import: a bank credit whose note names an unpaid order confirms it.

A buyer who orders on a channel without a partner settlement (WhatsApp) pays by transfer or QRIS and writes the
order code (the last characters of its id, at least the channel's ``MIN_TAIL``, as the cooperative sends it)
in the transfer note. After ``omnikop import bank``, each credit whose reference or description names exactly one
unpaid order of a configured shop, for exactly that order's gross, confirms it (method ``qris`` when the line
says QRIS, else ``transfer``; the code as its reference), exactly as ``omnikop orders confirm`` would: landed
as a page, posted by the shop's sync, and matched with that credit by the reconciliation's payments level. A
credit naming no order, or one of another amount, is left alone (level 3 lists it for finance).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from types import ModuleType

from sqlalchemy import Engine

from connectors.base.settlement_files.layout import WIB
from foundation.platforms import platforms_with
from reconciliation.bank_csv import StatementLine

WORD = re.compile(r"[^\s,;:()]+")


@dataclass(frozen=True)
class BankConfirmation:
    platform: str
    shop_ref: str
    order_ref: str
    amount: int
    new: bool


def confirm_from_bank(
    engine: Engine, lines: Sequence[StatementLine], shops: Iterable[tuple[str, str]]
) -> list[BankConfirmation]:
    """Confirm the unpaid orders of ``shops`` ((platform, shop_ref) pairs) that ``lines`` pay, one credit each."""
    confirmable = set(platforms_with("confirm"))
    confirmed = []
    for platform, shop_ref in shops:
        if platform not in confirmable:
            continue
        module = importlib.import_module(f"connectors.{platform}.confirm")
        unpaid = module.awaiting_payment(engine, shop_ref)
        for line in lines:
            if line.amount <= 0 or not unpaid:
                continue
            found = _named_order(line, unpaid, module)
            if found is None:
                continue
            order, code = found
            text = f"{line.reference} {line.description}".upper()
            paid_at = max(datetime.combine(line.booked_on, time(), WIB), order.placed_at)
            result = module.confirm_payment(
                engine,
                shop_ref,
                order.order_ref,
                "qris" if "QRIS" in text else "transfer",
                reference=code,
                at=paid_at,
                source="bank import",
            )
            confirmed.append(BankConfirmation(platform, shop_ref, order.order_ref, line.amount, result.new))
            unpaid = [o for o in unpaid if o.order_ref != order.order_ref]
    return confirmed


def _named_order(line: StatementLine, unpaid: list, module: ModuleType):  # type: ignore[no-untyped-def, type-arg]
    """The one unpaid order of this amount whose id ends with a word of the line (and that word), else None."""
    words = {w for w in WORD.findall(f"{line.reference} {line.description}") if len(w) >= module.MIN_TAIL}
    hits = {
        (order, word)
        for order in unpaid
        for word in words
        if order.gross == Decimal(line.amount) and order.order_ref.upper().endswith(word.upper())
    }
    orders = {order.order_ref for order, _ in hits}
    if len(orders) != 1:
        return None
    return max(hits, key=lambda hit: len(hit[1]))
