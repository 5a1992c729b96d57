"""How one platform's part of the sandbox world looks: its id formats, fee schedule, PPh 22 withholding, shop
flavors and order lifecycle.

The world itself (``connectors.base.sandbox.world``) is platform-neutral; each platform's sandbox class
declares its shape (``PlatformSandbox.shape``, a ``WorldShape`` subclass in ``connectors/<platform>/sandbox/``),
so a new platform brings its own without an edit here. This default is what a scaffolded platform gets.
Amounts are whole rupiah; rates are basis points of gross applied with half-up rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from connectors.base.sandbox.world import Shop, WorldOrder

PPH22_BPS = 50  # PMK 37/2025: 0.5 % of gross collected by designated marketplaces


def bps(amount: int, rate_bps: int) -> int:
    """``amount × rate / 10 000`` rounded half up (amounts here are never negative)."""
    return (amount * rate_bps + 5_000) // 10_000


class WorldShape:
    """The platform-specific choices of world generation; subclasses override what their platform does
    differently. Public ballpark fee figures: connectors never hard-code them, they read each settlement."""

    fee_schedule: ClassVar[Mapping[str, int]] = {"COMMISSION": 500}  # fee kind → basis points of gross
    flavors: ClassVar[tuple[str, str]] = ("", "")  # flavor of the platform's solo shop and its shared shop
    # Food delivery: the order goes from paid to completed in minutes, with no returns and no seller vouchers.
    food: ClassVar[bool] = False

    def shop_ref(self, platform: str, p_index: int, s_index: int) -> str:
        return f"{platform[:4].upper()}-{p_index * 10 + s_index + 1:04d}"

    def order_ref(self, shop: Shop, created: datetime, serial: int) -> str:
        return f"{shop.shop_ref[-1]}-{created:%y%m%d}{serial:06d}"

    def sku_ref(self, item_id: str, model_id: str, number: int) -> str:
        """The platform's id of a sellable product (``item_id``/``model_id`` for item + model platforms)."""
        return str(5_100_000 + number)

    def withholds_pph22(self, shop: Shop) -> bool:
        return False

    def extra_fees(self, order: WorldOrder) -> dict[str, int]:
        """Fees beyond the schedule, PPh 22 and seller vouchers (signed, negative = charged to the seller)."""
        return {}

    def fees(self, order: WorldOrder) -> dict[str, int]:
        """One settlement's fees by kind (canonical taxonomy), signed; zero amounts left out."""
        gross = order.gross
        fees = {kind: -bps(gross, rate) for kind, rate in self.fee_schedule.items()}
        if self.withholds_pph22(order.shop):
            fees["TAX_WITHHELD_PPH22"] = -bps(gross, PPH22_BPS)
        if order.voucher_seller:
            fees["VOUCHER_SELLER"] = -order.voucher_seller
        fees.update(self.extra_fees(order))
        return {kind: amount for kind, amount in fees.items() if amount}
