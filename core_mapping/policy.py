"""The accounting policy that applies to one member's sale through one shop (design §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from connectors.base.registry import platforms
from foundation.config import OmnikopConfig, PolicyConfig, PolicyOverride


def receivable_accounts() -> dict[str, str]:
    """platform → its marketplace receivable (escrow / seller balance, coop_accounting.md §1.9), as each
    connector declares it in ``connectors/<platform>/platform.py``."""
    return {info.name: info.receivable.code for info in platforms()}


# Read once per process: the installed connectors do not change while it runs.
RECEIVABLE = receivable_accounts()
IN_TRANSIT = "1-1350"
CONSIGNMENT_PAYABLE = "2-1200"
COMMISSION_INCOME = "4-1300"
PREPAID_PPH22 = "1-1600"
MEMBER_GOODS_REVENUE = "4-1200"
BANK = "1-1200"
CASH = "1-1100"
INVENTORY = "1-1500"
COST_OF_GOODS_SOLD = "5-1100"
# Settlements held for review (a cancelled order the platform paid for): suspense until finance resolves them.
HELD_SETTLEMENTS = "2-1700"
# Where an absorbed marketplace fee lands, by fee kind.
FEE_EXPENSE = {
    "COMMISSION": "6-1100",
    "SERVICE_FEE": "6-1200",
    "PAYMENT_FEE": "6-1200",
    "SHIPPING_SELLER": "6-1300",
    "SHIPPING_REBATE": "6-1300",
    "VOUCHER_SELLER": "6-1400",
    "VOUCHER_PLATFORM": "6-1400",
    "OTHER": "6-1100",
}


@dataclass(frozen=True, slots=True)
class MemberPolicy:
    model: Literal["consignment", "principal"]
    commission_bps: int
    marketplace_fees: Literal["charge_member", "absorb"]
    pph22: Literal["prepaid_tax", "recharge_member"]


@dataclass(frozen=True, slots=True)
class PolicyResolver:
    """One shop's accounting policy, member by member: the defaults, then the shop's overrides, then the
    member's agreement. Mapping takes this, not the whole configuration, so it can only read policy."""

    defaults: PolicyConfig
    shop: PolicyOverride | None = None

    @classmethod
    def for_shop(cls, config: OmnikopConfig, platform: str, shop_ref: str) -> PolicyResolver:
        shop = next((s for s in config.shops if s.platform == platform and s.shop_ref == shop_ref), None)
        return cls(config.policy, shop.policy if shop is not None else None)

    def member(self, member_no: str) -> MemberPolicy:
        values = {
            "model": self.defaults.model,
            "commission_bps": self.defaults.commission_bps,
            "marketplace_fees": self.defaults.marketplace_fees,
            "pph22": self.defaults.pph22,
        }
        layers: list[PolicyOverride] = [] if self.shop is None else [self.shop]
        if member_no in self.defaults.members:
            layers.append(self.defaults.members[member_no])
        for layer in layers:
            values.update({key: value for key, value in layer.model_dump().items() if value is not None})
        return MemberPolicy(**values)  # type: ignore[arg-type]


def receivable_account(platform: str) -> str:
    try:
        return RECEIVABLE[platform]
    except KeyError:
        raise KeyError(f"no marketplace receivable account for platform {platform!r}") from None


def settlement_account(platform: str, tender: str | None) -> str:
    """Where a settlement's net is debited: cash taken at an outlet's till is in the outlet's cash (1-1100, shop
    dimension = the outlet); everything else waits in the platform's receivable or clearing account until paid
    out (a store's QRIS/transfer clearing is matched against the bank import)."""
    return CASH if tender == "cash" else receivable_account(platform)
