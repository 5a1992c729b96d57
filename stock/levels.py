"""Stock per product across channels: on hand, reserved, buffer, available, oversold and each channel's share.

The table the CLI prints, the member statement shows per member, and the reconciliation report attaches.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core_mapping.models import Product
from foundation.config import OmnikopConfig
from stock.allocation import Position, channel_quantity
from stock.master import positions


@dataclass(frozen=True, slots=True)
class StockRow:
    position: Position
    member_no: str | None
    channels: dict[str, int]  # "platform:shop_ref" → units offered there


def channels_of(config: OmnikopConfig, location: str) -> list[tuple[str, str]]:
    """The configured shops that sell from ``location``."""
    return [
        (shop.platform, shop.shop_ref)
        for shop in config.shops
        if config.stock.location_of(shop.platform, shop.shop_ref) == location
    ]


def stock_rows(session: Session, config: OmnikopConfig, member_no: str | None = None) -> list[StockRow]:
    owners = {product: member for product, member in session.execute(select(Product.product_ref, Product.member_no))}
    rows = []
    for (location, product), position in positions(session, config.stock).items():
        owner = owners.get(product)
        if member_no is not None and owner != member_no:
            continue
        offered = {
            f"{platform}:{shop}": channel_quantity(position.available, config.stock.allocation(platform, shop))
            for platform, shop in channels_of(config, location)
        }
        rows.append(StockRow(position, owner, offered))
    return rows
