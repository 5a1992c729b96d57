"""A channel's menu as omnikop serves it to platforms that pull (Grab's Get Menu): every managed SKU of the shop
with the quantity a push would set, the product's name, and its price.

omnikop keeps no price list: the price is the unit price of the SKU's latest order on that shop (the document
store). A SKU never sold there has no known price and is left out of the menu, with a warning, rather than
offered at Rp0.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from connectors.base.stock_push import MenuStock, StockSource
from core_mapping.models import Document, Product
from core_mapping.serialize import order_from_json
from foundation.config import OmnikopConfig
from foundation.db import transaction
from stock.push import desired_quantities

log = logging.getLogger("omnikop.stock")


def menu_items(session: Session, config: OmnikopConfig, platform: str, shop_ref: str) -> list[MenuStock]:
    wanted, _ = desired_quantities(session, config, platform, shop_ref, datetime.now(UTC).date())
    names = {product: name for product, name in session.execute(select(Product.product_ref, Product.name))}
    prices = _latest_prices(session, platform, shop_ref)
    items, unpriced = [], []
    for sku, want in sorted(wanted.items()):
        if sku not in prices:
            unpriced.append(sku)
            continue
        items.append(
            MenuStock(want.seller_sku or sku, names.get(want.product_ref, want.product_ref), prices[sku], want.quantity)
        )
    if unpriced:
        log.warning("%s:%s menu: %d SKU(s) without a known price left out", platform, shop_ref, len(unpriced))
    return items


def _latest_prices(session: Session, platform: str, shop_ref: str) -> dict[str, int]:
    latest: dict[str, tuple[datetime, int]] = {}
    query = select(Document.payload).where(
        Document.platform == platform, Document.shop_ref == shop_ref, Document.doc_type == "order"
    )
    for payload in session.scalars(query):
        order = order_from_json(payload)
        for line in order.lines:
            seen = latest.get(line.sku_ref)
            if seen is None or seen[0] < order.updated_at:
                latest[line.sku_ref] = (order.updated_at, int(line.unit_price))
    return {sku: price for sku, (_, price) in latest.items()}


def stock_source(engine: Engine, config: OmnikopConfig) -> StockSource:
    """``menu_items`` for the webhook receiver: one short transaction per pull."""

    def source(platform: str, shop_ref: str) -> list[MenuStock]:
        with transaction(engine) as session:
            return menu_items(session, config, platform, shop_ref)

    return source
