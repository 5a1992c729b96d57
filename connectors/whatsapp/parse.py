"""WhatsApp landed pages → canonical records. Pure; a bad record becomes ``Rejected``, never an exception.

Kinds: ``order_message`` (one ``messages[].type == "order"`` → one ``Order``, PENDING: the buyer sent the cart,
nobody has paid yet) and ``payment_confirmation`` (``omnikop orders confirm``: the same order COMPLETED and its
``Settlement``, see ``confirmation.py``). ``other_message`` (text, images…), ``message_status`` (sent, delivered,
read) and ``other_change`` are landed for the record and parse to nothing: they are not accounting, so they are not
quarantine noise. ``malformed_event`` is quarantined.

An order message is final: WhatsApp has no order update, so its revision is ``"1"`` and the confirmation's is
``"2"``. ``product_items[]`` gives the seller's SKU (``product_retailer_id``, the catalog's content id), the
quantity and the unit price the buyer saw (``item_price``, a number in ``currency``); there is no discount or
charge in the payload, so the order's gross is Σ item_price × quantity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from connectors.base.amounts import BadField, money, quantity, text, unix_time
from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderLine, OrderStatus, Parsed, RawRef, Rejected
from connectors.whatsapp import confirmation
from connectors.whatsapp.events import MALFORMED_KIND, ORDER_KIND, load, single_message

PLATFORM = "whatsapp"
ORDER_REVISION = "1"


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    parser = PARSERS.get(page.kind)
    return parser(page) if parser is not None else iter(())


def rejected(page: LandedPage, key: str, reason: str, message: str) -> Rejected:
    return Rejected(PLATFORM, page.shop_ref, page.stream, key, reason, message, RawRef(page.id, key))


def _malformed(page: LandedPage) -> Iterator[Parsed]:
    yield rejected(
        page, f"page:{page.id}", "malformed_event", "a verified WhatsApp push that is not a Cloud API webhook"
    )


def _order_message(page: LandedPage) -> Iterator[Parsed]:
    try:
        message = single_message(load(page.body))
        key = str(message.get("id") or f"page:{page.id}")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        yield rejected(
            page, f"page:{page.id}", "malformed_event", "order page lacks entry[].changes[].value.messages[]"
        )
        return
    try:
        yield order_of(page, message)
    except BadField as error:
        yield rejected(page, key, error.reason, str(error))
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
        yield rejected(page, key, "malformed_record", f"{type(error).__name__}: {error}")


def order_of(page: LandedPage, message: dict[str, Any]) -> Order:
    """The order a ``type == "order"`` message places; ``BadField`` names the field that cannot be booked."""
    order = message.get("order")
    items = order.get("product_items") if isinstance(order, dict) else None
    if not isinstance(items, list) or not items:
        raise BadField("order.product_items", "order has no product items", "missing_field")
    lines, currencies = [], set()
    for index, item in enumerate(items):
        where = f"product_items[{index}]"
        if not isinstance(item, dict):
            raise BadField(where, "is not an object", "malformed_record")
        currencies.add(text(item.get("currency"), f"{where}.currency"))
        retailer_id = text(item.get("product_retailer_id"), f"{where}.product_retailer_id")
        lines.append(
            OrderLine(
                sku_ref=retailer_id,
                seller_sku=retailer_id,  # the catalog's content id is the seller's own SKU
                name=retailer_id,
                quantity=quantity(item.get("quantity"), f"{where}.quantity"),
                unit_price=money(item.get("item_price"), f"{where}.item_price", allow_negative=False),
            )
        )
    if len(currencies) > 1:
        raise BadField("product_items[].currency", f"one order in {sorted(currencies)}", "unsupported_currency")
    placed = unix_time(_seconds(message.get("timestamp")), "timestamp")
    wamid = text(message.get("id"), "id")
    return Order(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        order_ref=wamid,
        status=OrderStatus.PENDING,
        created_at=placed,
        updated_at=placed,
        currency=currencies.pop(),
        lines=tuple(lines),
        revision=ORDER_REVISION,
        raw=RawRef(page.id, wamid),
        platform_status="order_received",
    )


def _seconds(value: Any) -> Any:
    """The Cloud API sends the unix time as a string of digits."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _confirmation(page: LandedPage) -> Iterator[Parsed]:
    try:
        yield from confirmation.parse(page, order_of)
    except BadField as error:
        yield rejected(page, f"page:{page.id}", error.reason, str(error))


PARSERS: dict[str, Callable[[LandedPage], Iterator[Parsed]]] = {
    ORDER_KIND: _order_message,
    MALFORMED_KIND: _malformed,
    confirmation.KIND: _confirmation,
}
