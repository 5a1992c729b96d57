"""Shopee's part of the sandbox world: numeric shop ids, ``YYMMDD…SH`` order sns, item:model SKUs, PPh 22
withheld, and seller-paid shipping with a partial rebate on every third order."""

from __future__ import annotations

from datetime import datetime

from connectors.base.sandbox.shape import WorldShape
from connectors.base.sandbox.world import Shop, WorldOrder


class ShopeeWorld(WorldShape):
    fee_schedule = {"COMMISSION": 425, "SERVICE_FEE": 200, "PAYMENT_FEE": 180}

    def shop_ref(self, platform: str, p_index: int, s_index: int) -> str:
        return str(880_000_100 + s_index + 1)

    def order_ref(self, shop: Shop, created: datetime, serial: int) -> str:
        return f"{created:%y%m%d}{serial:06d}SH"

    def sku_ref(self, item_id: str, model_id: str, number: int) -> str:
        return f"{item_id}:{model_id}"

    def withholds_pph22(self, shop: Shop) -> bool:
        return True

    def extra_fees(self, order: WorldOrder) -> dict[str, int]:
        if int(order.order_ref[-4:-2]) % 3 == 0:
            return {"SHIPPING_SELLER": -4_000, "SHIPPING_REBATE": 2_500}
        return {}
