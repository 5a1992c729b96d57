"""Canonical records: the contract between connectors and core mapping (design §3).

Frozen dataclasses with no I/O. Money is ``Decimal`` (never float), times are timezone-aware UTC. Every
record carries ``platform``, ``shop_ref``, a stable external id, a ``revision`` and the ``raw`` pointer to
the landed page it was parsed from, so a quarantined record can be traced and replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    READY = "READY"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    RETURNED = "RETURNED"


# Statuses in which the goods have left the seller (a goods movement is due).
GOODS_OUT_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED})


class FeeKind(StrEnum):
    """The shared fee taxonomy: every platform's settlement components map onto these."""

    COMMISSION = "COMMISSION"
    SERVICE_FEE = "SERVICE_FEE"
    PAYMENT_FEE = "PAYMENT_FEE"
    SHIPPING_SELLER = "SHIPPING_SELLER"
    SHIPPING_REBATE = "SHIPPING_REBATE"
    VOUCHER_SELLER = "VOUCHER_SELLER"
    VOUCHER_PLATFORM = "VOUCHER_PLATFORM"
    TAX_WITHHELD_PPH22 = "TAX_WITHHELD_PPH22"
    ADJUSTMENT = "ADJUSTMENT"
    REFUND = "REFUND"
    OTHER = "OTHER"


class WalletMovementKind(StrEnum):
    ESCROW_CREDIT = "ESCROW_CREDIT"
    WITHDRAWAL = "WITHDRAWAL"
    ADJUSTMENT = "ADJUSTMENT"
    OTHER = "OTHER"
    # The platform paying out the settlements that name it in ``Settlement.payout_ref`` (TikTok Shop's
    # payments). The same money as the balance records' credits, seen per payout: never added to them.
    PAYOUT = "PAYOUT"


@dataclass(frozen=True, slots=True)
class RawRef:
    """Where a record came from: the landed page id and the record's position/key inside it."""

    page_id: int
    locator: str = ""


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku_ref: str
    seller_sku: str | None
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal(0)

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True, slots=True)
class Order:
    platform: str
    shop_ref: str
    order_ref: str
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    currency: str
    lines: tuple[OrderLine, ...]
    revision: str
    raw: RawRef
    platform_status: str = ""
    shipped_at: datetime | None = None
    # Quantity returned per sku_ref (partial returns); the goods came back to the seller.
    returned_quantities: tuple[tuple[str, int], ...] = ()
    # What the buyer paid outside the lines, for the order as a whole (GoFood ``takeaway_charges``, packaging):
    # part of the order's gross, no goods; a settlement splits it with the rest by goods value.
    charges: Decimal = Decimal(0)

    @property
    def gross(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0)) + self.charges


@dataclass(frozen=True, slots=True)
class SettlementComponent:
    kind: FeeKind
    amount: Decimal  # signed: negative reduces what the seller receives
    label: str = ""
    sku_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    platform: str
    shop_ref: str
    settlement_ref: str
    order_ref: str | None
    released_at: datetime
    currency: str
    gross: Decimal
    components: tuple[SettlementComponent, ...]
    net: Decimal
    revision: str
    raw: RawRef
    # Gross per sku_ref where the platform itemises it (lets mapping split a multi-member order).
    line_gross: tuple[tuple[str, Decimal], ...] = ()
    # The payout (a PAYOUT movement's ``movement_ref``) that pays this settlement, where the platform links the
    # two (TikTok: the statement's ``payment_id``). Lets reconciliation check payouts that name no order.
    payout_ref: str | None = None
    # How the buyer paid where no marketplace holds the money: the seller's own till (``cash``) or a payment
    # that reaches the bank later (``qris``, ``transfer``). None for a platform settlement (the platform pays).
    tender: str | None = None
    # The bank or QRIS reference of such a payment where one is known (WhatsApp: given when it is confirmed), so
    # reconciliation can find its bank credit.
    tender_ref: str | None = None

    def component_total(self, kind: FeeKind) -> Decimal:
        return sum((c.amount for c in self.components if c.kind is kind), Decimal(0))

    @property
    def imbalance(self) -> Decimal:
        """``gross + Σ components − net``; zero for a consistent settlement (checked at parse time)."""
        return self.gross + sum((c.amount for c in self.components), Decimal(0)) - self.net


@dataclass(frozen=True, slots=True)
class WalletMovement:
    platform: str
    shop_ref: str
    movement_ref: str
    kind: WalletMovementKind
    amount: Decimal  # signed: positive into the wallet
    occurred_at: datetime
    currency: str
    revision: str
    raw: RawRef
    order_ref: str | None = None
    bank_reference: str | None = None
    status: str = "COMPLETED"
    balance_after: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StockLevel:
    platform: str
    shop_ref: str
    sku_ref: str
    seller_sku: str | None
    location: str
    available: int
    reserved: int
    observed_at: datetime
    raw: RawRef
    revision: str = ""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record the connector could not turn into a canonical record; it goes to quarantine, never away."""

    platform: str
    shop_ref: str
    stream: str
    record_key: str
    reason: str  # machine-readable, e.g. 'settlement_does_not_add_up'
    message: str
    raw: RawRef
    details: dict[str, str] = field(default_factory=dict)


CanonicalRecord = Order | Settlement | WalletMovement | StockLevel
Parsed = CanonicalRecord | Rejected


def check_settlement(settlement: Settlement, stream: str = "settlements") -> Settlement | Rejected:
    """Apply the parse-time invariant gross + Σ components = net; quarantine with the difference otherwise."""
    difference = settlement.imbalance
    if difference == 0:
        return settlement
    return Rejected(
        settlement.platform,
        settlement.shop_ref,
        stream,
        settlement.settlement_ref,
        "settlement_does_not_add_up",
        f"gross {settlement.gross} + components {settlement.net + difference - settlement.gross}"
        f" ≠ net {settlement.net} (difference {difference})",
        settlement.raw,
        {"difference": str(difference)},
    )
