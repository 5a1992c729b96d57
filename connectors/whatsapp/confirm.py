"""``omnikop orders confirm --platform whatsapp``: land an operator's (or the bank import's) payment confirmation.

The order must have been received (its message landed by the webhook receiver: ``push_events`` maps the wamid
to its page); the operator may give the whole wamid or a unique tail of it (at least ``MIN_TAIL`` characters, as
copied from WhatsApp Business). The confirmation is recorded in ``push_events`` as ``confirmation:<wamid>`` in
the same transaction that lands it, so an order is confirmed once, even by two operators at the same moment:
confirming again with the same method and reference lands nothing; with different ones it is refused (a
correction is a finance decision, not a second payment). Landing only: the caller maps and posts
(``sync.pipeline.process_shop``), as ``omnikop import pos`` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from connectors.base.amounts import BadField
from connectors.base.landing import RawPage, as_landed
from connectors.base.protocol import FetchedPage
from connectors.base.webhooks import Delivery, PushEvent, land_deliveries
from connectors.whatsapp.confirmation import KIND, METHODS, confirmation_body
from connectors.whatsapp.events import ORDER_KIND, load, single_message
from connectors.whatsapp.parse import PLATFORM, order_of
from foundation.db import transaction

MIN_TAIL = 6


class ConfirmationRefused(ValueError):
    """The confirmation cannot be landed; the message says why and what to do."""


class UnknownOrder(ConfirmationRefused):
    """No order message with that wamid (or tail) was received for the shop."""


@dataclass(frozen=True)
class Confirmed:
    order_ref: str
    page_id: int
    new: bool  # False: this very confirmation was landed before, nothing new
    method: str
    gross: Decimal
    currency: str


def confirm_payment(
    engine: Engine,
    shop_ref: str,
    order: str,
    method: str,
    *,
    reference: str | None = None,
    at: datetime | None = None,
    source: str = "operator",
) -> Confirmed:
    """Land the confirmation that ``order`` of ``shop_ref`` was paid by ``method`` at ``at`` (default now)."""
    if method not in METHODS:
        raise ConfirmationRefused(f"method {method!r} is not one of {', '.join(METHODS)}")
    confirmed_at = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    with transaction(engine) as session:
        row = _order_page(session, shop_ref, order)
        try:
            placed = order_of(as_landed(row), single_message(load(row.body)))
        except (BadField, ValueError, KeyError, IndexError, TypeError) as error:
            raise ConfirmationRefused(
                f"order {order} cannot be booked ({error}); see `omnikop quarantine list`"
            ) from None
        if confirmed_at < placed.created_at:
            raise ConfirmationRefused(
                f"--at {confirmed_at.isoformat()} is before the order ({placed.created_at.isoformat()})"
            )
        event_id = f"confirmation:{placed.order_ref}"
        earlier = _earlier_confirmation(session, event_id)
    if earlier is not None:
        if (earlier["method"], earlier["reference"]) != (method, reference or None):
            raise ConfirmationRefused(
                f"order {placed.order_ref} was already confirmed ({earlier['method']}, reference"
                f" {earlier['reference'] or '-'}, at {earlier['confirmed_at']}); nothing posted"
            )
        confirmed_at = datetime.fromisoformat(earlier["confirmed_at"])  # the same confirmation: the same page
    body = confirmation_body(row.body, placed.order_ref, method, reference, confirmed_at, source)
    request = {"source": f"orders confirm ({source})", "order_ref": placed.order_ref, "method": method}
    page = FetchedPage("settlements", KIND, request, body, 200, datetime.now(UTC))
    [landed] = land_deliveries(engine, PLATFORM, [Delivery(shop_ref, event_id, page)])
    if landed.duplicate and earlier is None:  # another operator confirmed it in the meantime
        with transaction(engine) as session:
            raced = _earlier_confirmation(session, event_id)
        if raced is None or (raced["method"], raced["reference"]) != (method, reference or None):
            raise ConfirmationRefused(
                f"order {placed.order_ref} was confirmed by someone else just now; nothing posted"
            )
    page_id = landed.page_id if landed.page_id is not None else _page_of(engine, event_id)
    return Confirmed(placed.order_ref, page_id, not landed.duplicate, method, placed.gross, placed.currency)


@dataclass(frozen=True)
class AwaitingPayment:
    order_ref: str
    gross: Decimal
    placed_at: datetime


def awaiting_payment(engine: Engine, shop_ref: str) -> list[AwaitingPayment]:
    """The shop's received orders that nobody has confirmed yet (the bank import looks for their payments);
    an order that cannot be read is left out here, quarantine already lists it."""
    received = (
        select(RawPage, PushEvent.event_id)
        .join(PushEvent, PushEvent.page_id == RawPage.id)
        .where(PushEvent.platform == PLATFORM, RawPage.shop_ref == shop_ref, RawPage.kind == ORDER_KIND)
    )
    confirmed = select(PushEvent.event_id).where(
        PushEvent.platform == PLATFORM, PushEvent.event_id.startswith("confirmation:")
    )
    found = []
    with transaction(engine) as session:
        done = {event.removeprefix("confirmation:") for event in session.scalars(confirmed)}
        for row, _ in session.execute(received):
            try:
                placed = order_of(as_landed(row), single_message(load(row.body)))
            except (BadField, ValueError, KeyError, IndexError, TypeError):
                continue
            if placed.order_ref not in done:
                found.append(AwaitingPayment(placed.order_ref, placed.gross, placed.created_at))
    return sorted(found, key=lambda order: (order.placed_at, order.order_ref))


def _order_page(session: Session, shop_ref: str, order: str) -> RawPage:
    query = (
        select(RawPage)
        .join(PushEvent, PushEvent.page_id == RawPage.id)
        .where(PushEvent.platform == PLATFORM, RawPage.shop_ref == shop_ref, RawPage.kind == ORDER_KIND)
    )
    exact = session.scalars(query.where(PushEvent.event_id == order)).first()
    if exact is not None:
        return exact
    if len(order) >= MIN_TAIL:
        found = list(session.scalars(query.where(PushEvent.event_id.endswith(order, autoescape=True)).limit(2)))
        if len(found) == 1:
            return found[0]
        if found:
            raise ConfirmationRefused(f"{order!r} ends more than one order's wamid; give more of it")
    raise UnknownOrder(
        f"no WhatsApp order {order!r} was received for shop {shop_ref} (give its wamid, or the last"
        f" {MIN_TAIL}+ characters of it); an order must arrive by webhook before it can be confirmed"
    )


def _earlier_confirmation(session: Session, event_id: str) -> dict[str, str] | None:
    body = session.scalar(
        select(RawPage.body)
        .join(PushEvent, PushEvent.page_id == RawPage.id)
        .where(PushEvent.platform == PLATFORM, PushEvent.event_id == event_id)
    )
    return None if body is None else json.loads(body)["confirmation"]


def _page_of(engine: Engine, event_id: str) -> int:
    with transaction(engine) as session:
        page_id = session.scalar(
            select(PushEvent.page_id).where(PushEvent.platform == PLATFORM, PushEvent.event_id == event_id)
        )
    return int(page_id or 0)
