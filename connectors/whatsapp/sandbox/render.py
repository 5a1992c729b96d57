"""The sandbox world in the Cloud API's dialect: ``messages`` webhooks as Meta documents them, and the payments
the cooperative receives for the orders (the operator's or the bank's side, which WhatsApp never sees).

Per world order, in time order: the buyer's ``order`` message (catalog id, product items with the unit price the
buyer saw, the buyer's optional note), for some orders a ``text`` message from the buyer, and for some a
``statuses`` change (the business's reply delivered). Webhooks carry the personal data real ones carry (the
buyer's profile name and wa_id, ``from``, the note and the text, ``recipient_id``) so the receiver's scrubbing
is tested. Only what happened up to the world clock (``as_of``) is rendered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.base.sandbox.world import World, WorldOrder
from connectors.whatsapp.sandbox.shape import wamid

BUYER_NAME = "Siti Pembeli"
BUYER_NOTE = "Tolong dibungkus rapi ya kak"
BUYER_TEXT = "Sudah saya transfer, alamat Jl. Melati 5"
BUYER_WA_ID = "6281298765432"  # every sandbox buyer: a marker the personal-data checks search for
WABA_ID = "102290129340398"
METHODS = ("transfer", "qris", "cash")


@dataclass(frozen=True)
class Payment:
    """How the buyer paid for an order, as the operator confirms it (``omnikop orders confirm``)."""

    order_ref: str
    method: str
    reference: str | None
    paid_at: datetime


def buyer_wa_id(order: WorldOrder) -> str:
    return BUYER_WA_ID


def display_number(shop_ref: str) -> str:
    return "62811" + shop_ref[-7:]


def _envelope(shop_ref: str, value: dict[str, Any]) -> dict[str, Any]:
    metadata = {"display_phone_number": display_number(shop_ref), "phone_number_id": shop_ref}
    change = {"field": "messages", "value": {"messaging_product": "whatsapp", "metadata": metadata, **value}}
    return {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [change]}]}


def _seconds(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _contacts(order: WorldOrder) -> list[dict[str, Any]]:
    return [{"profile": {"name": BUYER_NAME}, "wa_id": buyer_wa_id(order)}]


def order_webhook(order: WorldOrder, corrupt: bool) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {
            "product_retailer_id": line.product.seller_sku,
            "quantity": line.quantity,
            "item_price": line.unit_price - line.unit_discount,
            "currency": "IDR",
        }
        for line in order.lines
    ]
    if corrupt:
        items[0]["quantity"] = "two"
    message = {
        "from": buyer_wa_id(order),
        "id": order.order_ref,
        "timestamp": _seconds(order.created_at),
        "type": "order",
        "order": {"catalog_id": f"catalog-{order.shop.shop_ref[-4:]}", "text": BUYER_NOTE, "product_items": items},
    }
    return _envelope(order.shop.shop_ref, {"contacts": _contacts(order), "messages": [message]})


def text_webhook(order: WorldOrder, at: datetime) -> tuple[str, dict[str, Any]]:
    ident = wamid(order.order_ref, "text")
    message = {
        "from": buyer_wa_id(order),
        "id": ident,
        "timestamp": _seconds(at),
        "type": "text",
        "text": {"body": BUYER_TEXT},
    }
    return ident, _envelope(order.shop.shop_ref, {"contacts": _contacts(order), "messages": [message]})


def status_webhook(order: WorldOrder, at: datetime) -> tuple[str, dict[str, Any]]:
    reply = wamid(order.order_ref, "reply")
    status = {
        "id": reply,
        "status": "delivered",
        "timestamp": _seconds(at),
        "recipient_id": buyer_wa_id(order),
        "conversation": {"id": wamid(order.order_ref, "conversation"), "origin": {"type": "service"}},
        "pricing": {"billable": False, "pricing_model": "CBP", "category": "service"},
    }
    return f"status:{reply}:delivered", _envelope(order.shop.shop_ref, {"statuses": [status]})


def webhooks(order: WorldOrder, as_of: datetime, corrupt: bool) -> list[tuple[datetime, str, dict[str, Any]]]:
    """(moment, event id, body) of the order's webhooks visible at ``as_of``."""
    if order.created_at > as_of:
        return []
    found = [(order.created_at, order.order_ref, order_webhook(order, corrupt))]
    serial = int(hashlib.sha256(order.order_ref.encode()).hexdigest()[:4], 16)
    if serial % 2 == 0 and order.created_at + timedelta(minutes=3) <= as_of:
        found.append(
            (order.created_at + timedelta(minutes=3), *text_webhook(order, order.created_at + timedelta(minutes=3)))
        )
    if serial % 3 == 0 and order.created_at + timedelta(minutes=5) <= as_of:
        found.append(
            (order.created_at + timedelta(minutes=5), *status_webhook(order, order.created_at + timedelta(minutes=5)))
        )
    return found


def payments(world: World, shop_ref: str) -> list[Payment]:
    """Every order the buyer paid (the world's PAID event, visible at the clock) and did not cancel."""
    found = []
    for order in world.orders_of("whatsapp", shop_ref):
        paid = order.event_time("PAID")
        if paid is None or paid > world.as_of or order.status_at(world.as_of) == "CANCELLED":
            continue
        digest = hashlib.sha256(order.order_ref.encode()).digest()
        method = METHODS[digest[1] % len(METHODS)]
        reference = None if method == "cash" else f"{method[:3].upper()}{digest.hex()[:10].upper()}"
        found.append(Payment(order.order_ref, method, reference, paid))
    return found
