"""Tokopedia's part of the sandbox world: one TikTok Shop shop and one legacy shop, each with its own order id
format; PPh 22 withheld on the legacy shop only."""

from __future__ import annotations

from datetime import datetime

from connectors.base.sandbox.shape import WorldShape
from connectors.base.sandbox.world import Shop


class TokopediaWorld(WorldShape):
    fee_schedule = {"COMMISSION": 450, "SERVICE_FEE": 150, "PAYMENT_FEE": 100}
    flavors = ("tiktok", "legacy")

    def shop_ref(self, platform: str, p_index: int, s_index: int) -> str:
        return str(7_494_000_100 + s_index + 1)

    def order_ref(self, shop: Shop, created: datetime, serial: int) -> str:
        return str(576_000_000_000_000_000 + serial) if shop.flavor == "tiktok" else str(1_100_000_000 + serial)

    def withholds_pph22(self, shop: Shop) -> bool:
        # TikTok Shop documents no PPh 22 withholding field (connectors/tokopedia/README.md): its shops carry
        # none here, so their books can be checked; a withheld amount on TikTok is quarantined by the parser.
        return shop.flavor != "tiktok"
