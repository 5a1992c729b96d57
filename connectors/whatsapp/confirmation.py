"""A payment confirmation page: what ``omnikop orders confirm`` lands, and what it parses into. Pure.

WhatsApp has no partner settlement: the buyer pays the cooperative by transfer, QRIS or cash, and an operator
(or the bank import's reference) confirms it. The confirmation is landed as a page (nothing lost, replayable)
holding the confirmation and a copy of the landed order message it confirms, so it parses on its own:

* the order again, COMPLETED at the confirmation (revision ``"2"`` over the message's ``"1"``): paid and handed
  over, as a sale at the store's till is, so its goods leave stock;
* its ``Settlement``: gross = the order's gross, no platform fees, net = gross, ``tender`` = the method, so the
  mapping books it like a store receipt (cash → 1-1100 Kas; transfer/QRIS → this channel's clearing account,
  ``core_mapping.policy.settlement_account``) with the same member share and commission as every channel.

Body: ``{"confirmation": {"order_ref", "method", "reference", "confirmed_at", "source"}, "order_page": {...}}``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.base.amounts import BadField, iso_time, text
from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderStatus, Parsed, RawRef, Settlement
from connectors.base.webhooks import canonical_json
from connectors.whatsapp.events import load, single_message

KIND = "payment_confirmation"
METHODS = ("transfer", "qris", "cash")
ORDER_REVISION = "2"
SETTLEMENT_REVISION = "1"  # one confirmation per order: a second one is refused before landing

OrderParser = Callable[[LandedPage, dict[str, Any]], Order]


def confirmation_body(
    order_page: bytes, order_ref: str, method: str, reference: str | None, confirmed_at: datetime, source: str
) -> bytes:
    """The page body for one confirmation (deterministic bytes: the same confirmation lands once)."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    confirmation = {
        "order_ref": order_ref,
        "method": method,
        "reference": reference or None,
        "confirmed_at": confirmed_at.isoformat(),
        "source": source,
    }
    return canonical_json({"confirmation": confirmation, "order_page": load(order_page)})


def parse(page: LandedPage, order_of: OrderParser) -> Iterator[Parsed]:
    """The confirmed order and its settlement; ``BadField`` if the page cannot be read."""
    try:
        payload = load(page.body)
        confirmation, message = payload["confirmation"], single_message(payload["order_page"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise BadField("confirmation", "page lacks confirmation or order_page", "malformed_event") from None
    method = confirmation.get("method")
    if method not in METHODS:
        raise BadField("confirmation.method", f"{method!r} is not one of {', '.join(METHODS)}", "invalid_field")
    order_ref = text(confirmation.get("order_ref"), "confirmation.order_ref")
    paid_at = iso_time(confirmation.get("confirmed_at"), "confirmation.confirmed_at")
    placed = order_of(page, message)
    if placed.order_ref != order_ref:
        raise BadField(
            "confirmation.order_ref", f"{order_ref} confirms the page of {placed.order_ref}", "invalid_field"
        )
    raw = RawRef(page.id, f"confirmation:{order_ref}")
    yield replace(
        placed,
        status=OrderStatus.COMPLETED,
        updated_at=paid_at,
        shipped_at=paid_at,
        revision=ORDER_REVISION,
        raw=raw,
        platform_status="payment_confirmed",
    )
    per_sku: dict[str, Decimal] = defaultdict(Decimal)
    for line in placed.lines:
        per_sku[line.sku_ref] += line.amount
    yield Settlement(
        platform=placed.platform,
        shop_ref=page.shop_ref,
        settlement_ref=order_ref,
        order_ref=order_ref,
        released_at=paid_at,
        currency=placed.currency,
        gross=placed.gross,
        components=(),
        net=placed.gross,
        revision=SETTLEMENT_REVISION,
        raw=raw,
        line_gross=tuple(per_sku.items()),
        tender=method,
        tender_ref=confirmation.get("reference") or None,
    )
