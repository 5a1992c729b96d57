"""Stock per product across channels: on hand, reserved, buffer, available, oversold and each channel's share.

The table the CLI prints, the member statement shows per member, and the reconciliation report attaches.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core_mapping.models import Product, SkuMapping
from foundation.config import OmnikopConfig
from stock.allocation import Position, channel_quantity
from stock.master import positions, reservations
from stock.models import StockPush


@dataclass(frozen=True, slots=True)
class Pushed:
    quantity: int  # the last quantity sent
    state: str  # pending | acknowledged | failed
    acknowledged: int | None
    pushed_at: datetime


@dataclass(frozen=True, slots=True)
class StockRow:
    position: Position
    member_no: str | None
    channels: dict[str, int]  # "platform:shop_ref" of each shop listing the product (SKU-mapped) → units offered
    pushed: dict[str, Pushed] = field(default_factory=dict)  # "platform:shop_ref" → its last push of the product
    # "platform:shop_ref" → units the channel's own open orders reserve, for channels whose stock figure still
    # includes them (Shopee: the push sends offered + own reserved, and the channel acknowledges that figure).
    own_reserved: dict[str, int] = field(default_factory=dict)

    def mismatched(self) -> list[str]:
        """Channels whose acknowledged quantity is not what they are offered now (a push is due or failed)."""
        return sorted(
            channel
            for channel, offered in self.channels.items()
            if (push := self.pushed.get(channel)) is None
            or push.state != "acknowledged"
            or push.acknowledged != _shown(channel, offered + self.own_reserved.get(channel, 0))
        )


def _shown(channel: str, quantity: int) -> int:
    """What a channel can show of ``quantity`` (the pushers' ``shown``: GoFood is in stock or not)."""
    platform = channel.split(":", 1)[0]
    return min(quantity, 1) if platform == "gojek" else min(quantity, 9_999_999) if platform == "grab" else quantity


@cache
def _counts_own_reserved(platform: str) -> bool:
    """Whether the platform's pusher adds its own open orders to what it sends (``StockPusher.counts_own_reserved``)."""
    try:
        module = importlib.import_module(f"connectors.{platform}.stock_push")
    except ModuleNotFoundError:
        return False
    return bool(getattr(module.PUSHER, "counts_own_reserved", False))


def channels_of(config: OmnikopConfig, location: str) -> list[tuple[str, str]]:
    """The configured shops that sell from ``location``."""
    return [
        (shop.platform, shop.shop_ref)
        for shop in config.shops
        if config.stock.location_of(shop.platform, shop.shop_ref) == location
    ]


def stock_rows(session: Session, config: OmnikopConfig, member_no: str | None = None) -> list[StockRow]:
    """Every product's position with what each channel listing it is offered and was last pushed."""
    owners = {product: member for product, member in session.execute(select(Product.product_ref, Product.member_no))}
    pushed: dict[str, dict[str, Pushed]] = {}
    for row in session.scalars(select(StockPush)):
        pushed.setdefault(row.product_ref, {})[f"{row.platform}:{row.shop_ref}"] = Pushed(
            row.quantity, row.state, row.acknowledged_quantity, row.pushed_at
        )
    listed, own = _listings(session), _own_reserved(session, config)
    rows = []
    for (location, product), position in positions(session, config.stock).items():
        owner = owners.get(product)
        if member_no is not None and owner != member_no:
            continue
        offered = {
            f"{platform}:{shop}": channel_quantity(position.available, config.stock.allocation(platform, shop))
            for platform, shop in channels_of(config, location)
            if (platform, shop, product) in listed
        }
        rows.append(StockRow(position, owner, offered, pushed.get(product, {}), own.get(product, {})))
    return rows


def _listings(session: Session) -> set[tuple[str, str, str]]:
    """(platform, shop_ref, product_ref) of every SKU mapping in effect today: a product is offered on the channels
    that list it (what a push sets, ``stock.push.desired_quantities``)."""
    today = datetime.now(UTC).date()
    mapped = select(SkuMapping.platform, SkuMapping.shop_ref, SkuMapping.product_ref).where(
        SkuMapping.sku_ref.is_not(None),
        SkuMapping.effective_from <= today,
        or_(SkuMapping.effective_to.is_(None), SkuMapping.effective_to >= today),
    )
    return {(platform, shop, product) for platform, shop, product in session.execute(mapped)}


def _own_reserved(session: Session, config: OmnikopConfig) -> dict[str, dict[str, int]]:
    """product_ref → channel → units its own open orders reserve, for channels whose pushes include them."""
    own: dict[str, dict[str, int]] = {}
    for reservation in reservations(session, config.stock):
        if _counts_own_reserved(reservation.platform):
            channel = own.setdefault(reservation.product_ref, {})
            key = f"{reservation.platform}:{reservation.shop_ref}"
            channel[key] = channel.get(key, 0) + reservation.quantity
    return own
