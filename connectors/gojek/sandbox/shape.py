"""GoBiz's part of the sandbox world: a GoFood and a GoMart outlet (``G…`` ids), ``F-…`` order ids, food
delivery times, commission only."""

from __future__ import annotations

from datetime import datetime

from connectors.base.sandbox.shape import WorldShape
from connectors.base.sandbox.world import Shop


class GojekWorld(WorldShape):
    fee_schedule = {"COMMISSION": 2000}
    flavors = ("food", "mart")
    food = True

    def shop_ref(self, platform: str, p_index: int, s_index: int) -> str:
        return f"G{(p_index * 10 + s_index + 1):09d}"

    def order_ref(self, shop: Shop, created: datetime, serial: int) -> str:
        return f"F-{2_000_000_000 + serial}"
