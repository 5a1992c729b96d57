"""The stock master: on hand per (location, product) from the unit ledger, and what open orders reserve.

On hand is the sum of the product's goods movements at the location: receipts and counts are booked there
directly; a shop's sales and returns are booked at ``platform:shop_ref`` (core_mapping's order rule) and
belong to the location the shop sells from (``stock.channels``, default ``stock.location``). So every
channel draws on one true stock.

Reserved = order lines paid or accepted but not shipped yet (canonical PAID or READY, no ``shipped_at``),
from the document store (the latest revision of every order of every shop), resolved to products with the
same SKU mappings the order rule uses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from connectors.base.records import OrderStatus
from core_mapping.context import business_date
from core_mapping.models import Document
from core_mapping.resolve import MappingIndex
from core_mapping.serialize import order_from_json
from foundation.config import StockConfig
from foundation.platforms import available_platforms
from ledger.models import GoodsMovement
from stock.allocation import Position

OPEN_STATUSES = (OrderStatus.PAID, OrderStatus.READY)
Key = tuple[str, str]  # (location, product_ref)


@dataclass(frozen=True, slots=True)
class Reservation:
    """One open order's claim on a product's stock."""

    platform: str
    shop_ref: str
    order_ref: str
    product_ref: str
    location: str
    quantity: int
    created_at: datetime


def pool_of(location: str, config: StockConfig) -> str:
    """The stock location a goods movement's location belongs to."""
    platform, _, shop = location.partition(":")
    return config.location_of(platform, shop) if shop and platform in _platforms() else location


@cache
def _platforms() -> frozenset[str]:
    """The installed connectors, read once per process (``pool_of`` runs for every goods movement)."""
    return frozenset(available_platforms())


def on_hand(session: Session, config: StockConfig, as_of: date | None = None) -> dict[Key, int]:
    """Units per (location, product), from every goods movement (dated up to ``as_of``, inclusive)."""
    query = select(GoodsMovement.location, GoodsMovement.product_ref, func.sum(GoodsMovement.quantity)).group_by(
        GoodsMovement.location, GoodsMovement.product_ref
    )
    if as_of is not None:
        query = query.where(GoodsMovement.effective_date <= as_of)
    held: dict[Key, int] = Counter()
    for location, product, quantity in session.execute(query):
        held[(pool_of(location, config), product)] += int(quantity)
    return dict(held)


def reservations(session: Session, config: StockConfig) -> list[Reservation]:
    """Every open order line, oldest order first (the order that came first is served first)."""
    wanted = or_(*(Document.payload.like(f'%"status": "{status.value}"%') for status in OPEN_STATUSES))
    rows = session.execute(
        select(Document.platform, Document.shop_ref, Document.payload).where(Document.doc_type == "order", wanted)
    )
    indexes: dict[tuple[str, str], MappingIndex] = {}
    found: list[Reservation] = []
    for platform, shop_ref, payload in rows:
        order = order_from_json(payload)
        if order.status not in OPEN_STATUSES or order.shipped_at is not None:
            continue
        index = indexes.get((platform, shop_ref))
        if index is None:
            index = indexes[(platform, shop_ref)] = MappingIndex(session, platform, shop_ref)
        location = config.location_of(platform, shop_ref)
        day = business_date(order.created_at)
        per_product: dict[str, int] = Counter()
        for line in order.lines:
            owner = index.owner(line.sku_ref, line.seller_sku, day)
            product = owner.product_ref if owner and owner.product_ref else f"{platform}:{shop_ref}:{line.sku_ref}"
            per_product[product] += line.quantity
        found.extend(
            Reservation(platform, shop_ref, order.order_ref, product, location, quantity, order.created_at)
            for product, quantity in per_product.items()
        )
    found.sort(key=lambda r: (r.created_at, r.platform, r.shop_ref, r.order_ref))
    return found


def positions(session: Session, config: StockConfig) -> dict[Key, Position]:
    """On hand, reserved and buffer of every product at every location that holds or owes any."""
    held = on_hand(session, config)
    reserved: dict[Key, int] = Counter()
    for reservation in reservations(session, config):
        reserved[(reservation.location, reservation.product_ref)] += reservation.quantity
    return {
        key: Position(key[1], key[0], held.get(key, 0), reserved.get(key, 0), config.buffer(key[1]))
        for key in sorted(set(held) | set(reserved))
    }


def oversold_orders(session: Session, config: StockConfig) -> list[tuple[Reservation, int]]:
    """Open orders that on hand cannot fill, first come first served: (reservation, units short)."""
    remaining = defaultdict(int, on_hand(session, config))
    short: list[tuple[Reservation, int]] = []
    for reservation in reservations(session, config):
        key = (reservation.location, reservation.product_ref)
        filled = max(0, min(reservation.quantity, remaining[key]))
        remaining[key] -= filled
        if filled < reservation.quantity:
            short.append((reservation, reservation.quantity - filled))
    return short
