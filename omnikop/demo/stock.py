"""The demo's stock step: an opening stock-take of every SKU-mapped product (the world's initial stock, dated the
day before the first order), then the ``omnikop_stock`` DAG pushes each shop's available-to-sell; what each
channel was pushed, for the demo's summary."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from connectors.base.sandbox.world import World
from core_mapping.models import SkuMapping
from foundation.config import load_config
from foundation.db import transaction
from stock.models import StockPush
from stock.receipts import count


def sku_mapped_shops(world: World) -> list[tuple[str, str]]:
    """Single-member shops the demo maps per SKU as well: the TikTok Shop shops, so TikTok's sandbox receives stock
    like the other channels (the legacy Tokopedia API has no stock push, so its shop is left as it is)."""
    return [(shop.platform, shop.shop_ref) for shop in world.shops if shop.flavor == "tiktok"]


def opening_count(engine: Engine, world: World, config_path: Path, folder: Path) -> int:
    """Post the opening count (idempotent: a second demo run posts nothing); the number of adjustments posted.
    One line per SKU-mapped product: a product listed on several channels is one stock, counted once."""
    day = (world.config.start - timedelta(days=1)).isoformat()
    initial = {product.product_ref: product.initial_stock for product in world.products}
    with transaction(engine) as session:
        mapped = session.scalars(
            select(SkuMapping.product_ref)
            .where(SkuMapping.sku_ref.is_not(None))
            .distinct()
            .order_by(SkuMapping.product_ref)
        ).all()
    rows = ["count_ref,date,product_ref,counted"] + [f"OPENING-DEMO,{day},{ref},{initial[ref]}" for ref in mapped]
    path = folder / "opening-count.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with transaction(engine) as session:
        return count(session, path, load_config(config_path)).posted


def pushed_per_platform(world: World) -> dict[str, int]:
    """How many listings the pushes set, per sandbox platform (what the channels show)."""
    found: dict[str, int] = {}
    for key in world.listings.snapshot():
        platform = key.split(":", 1)[0]
        found[platform] = found.get(platform, 0) + 1
    return found


def acknowledged_per_channel(engine: Engine) -> dict[str, int]:
    """SKUs whose last push the channel acknowledged, per ``platform:shop_ref`` (omnikop's own record)."""
    with transaction(engine) as session:
        rows = session.execute(
            select(StockPush.platform, StockPush.shop_ref, func.count())
            .where(StockPush.state == "acknowledged")
            .group_by(StockPush.platform, StockPush.shop_ref)
            .order_by(StockPush.platform, StockPush.shop_ref)
        )
        return {f"{platform}:{shop}": int(n) for platform, shop, n in rows}
