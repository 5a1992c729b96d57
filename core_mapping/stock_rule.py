"""A stock level posts nothing: the books' own goods movements are the stock; a platform's level is recorded as a
document (for the stock check in reconciliation) and counted."""

from __future__ import annotations

from connectors.base.records import StockLevel
from core_mapping.context import MappedBatch, MappingContext, Origin


def map_stock(context: MappingContext, level: StockLevel, origin: Origin, batch: MappedBatch) -> None:
    batch.stats["stock_levels"] += 1
