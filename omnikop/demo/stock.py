"""The demo's stock step: an opening stock-take of every SKU-mapped product (the world's initial stock, dated the
day before the first order), then the ``omnikop_stock`` DAG pushes each shop's available-to-sell."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from connectors.base.sandbox.world import World
from foundation.config import load_config
from foundation.db import transaction
from omnikop.demo.fixtures import mapping_rows
from stock.receipts import count


def opening_count(engine: Engine, world: World, config_path: Path, folder: Path) -> int:
    """Post the opening count (idempotent: a second demo run posts nothing); the number of adjustments posted."""
    day = (world.config.start - timedelta(days=1)).isoformat()
    initial = {product.product_ref: product.initial_stock for product in world.products}
    rows = ["count_ref,date,product_ref,counted"]
    rows += [f"OPENING-DEMO,{day},{row[5]},{initial[row[5]]}" for row in mapping_rows(world) if row[0] == "sku"]
    path = folder / "opening-count.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with transaction(engine) as session:
        return count(session, path, load_config(config_path)).posted


def pushed_per_platform(world: World) -> dict[str, int]:
    """How many listings the pushes set, per sandbox platform."""
    found: dict[str, int] = {}
    for key in world.listings.snapshot():
        platform = key.split(":", 1)[0]
        found[platform] = found.get(platform, 0) + 1
    return found
