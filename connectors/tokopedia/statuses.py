"""Tokopedia vocabularies onto canonical ones: order statuses of both flavors, saldo entry types, wallet kinds.

Sources: TikTok statuses from the partner docs (marketplace_apis.md §3.5); legacy numeric codes from the
thomson470 SDK comments, which match the developer site (§2.4). Neither vocabulary is monotonic, so every
code maps on its own, never by comparing numbers.
"""

from __future__ import annotations

from connectors.base.records import OrderStatus, WalletMovementKind

TIKTOK_ORDER_STATUS: dict[str, OrderStatus] = {
    "UNPAID": OrderStatus.PENDING,
    "ON_HOLD": OrderStatus.PAID,  # paid, inside the buyer's free-cancellation window
    "AWAITING_SHIPMENT": OrderStatus.PAID,
    # Some packages handed over, others not: goods move when the whole order is in transit.
    "PARTIALLY_SHIPPING": OrderStatus.READY,
    "AWAITING_COLLECTION": OrderStatus.READY,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
}

LEGACY_ORDER_STATUS: dict[int, OrderStatus] = {
    0: OrderStatus.CANCELLED,  # seller cancelled
    3: OrderStatus.CANCELLED,  # rejected: empty stock
    5: OrderStatus.CANCELLED,  # cancelled for fraud
    6: OrderStatus.CANCELLED,  # auto-cancelled: out of stock
    10: OrderStatus.CANCELLED,  # rejected by seller
    15: OrderStatus.CANCELLED,  # instant cancel by buyer
    100: OrderStatus.PENDING,  # created
    103: OrderStatus.PENDING,  # waiting for third-party payment confirmation
    220: OrderStatus.PAID,  # payment verified, ready to process
    221: OrderStatus.PAID,  # waiting for partner approval
    400: OrderStatus.READY,  # seller accepted: packing
    450: OrderStatus.READY,  # waiting for pickup
    500: OrderStatus.SHIPPED,
    501: OrderStatus.SHIPPED,  # shipped, waiting for the AWB number
    520: OrderStatus.SHIPPED,  # invalid AWB
    530: OrderStatus.SHIPPED,  # buyer asked to correct the AWB
    540: OrderStatus.SHIPPED,  # at the pickup point, not yet with the buyer
    550: OrderStatus.RETURNED,  # returned to seller
    600: OrderStatus.DELIVERED,
    601: OrderStatus.DELIVERED,  # buyer opened a complaint: goods are with the buyer
    700: OrderStatus.COMPLETED,
}
# 690 (fraud review) has no canonical meaning: such an order is quarantined as 'unknown_status' until it
# moves on, rather than guessed into a state that could post goods or money.

# Saldo (seller balance) entry ``Type`` codes. Only 1001 is documented (get-saldo-history example); the
# others are the sandbox's names for the refund deduction and withdrawal rows, see legacy/parse.py.
SALDO_SALE = 1001  # "Disbursement to Seller Marketplace": Transaksi Penjualan Berhasil - INV/…
SALDO_REFUND = 1005  # refund to the buyer after the sale was disbursed (clawback)
SALDO_WITHDRAWAL = 3001  # withdrawal to the seller's bank account
SALDO_KINDS: dict[int, WalletMovementKind] = {
    SALDO_SALE: WalletMovementKind.ESCROW_CREDIT,
    SALDO_REFUND: WalletMovementKind.ADJUSTMENT,
    SALDO_WITHDRAWAL: WalletMovementKind.WITHDRAWAL,
}

# TikTok /finance/202309/withdrawals ``type`` (lywzx docs): SETTLE is the platform paying a settlement into
# the balance (negative when a later statement claws money back), WITHDRAW the seller's payout to the bank,
# TRANSFER a policy subsidy or deduction, REVERSE a failed payout coming back.
TIKTOK_WITHDRAWAL_KINDS: dict[str, WalletMovementKind] = {
    "SETTLE": WalletMovementKind.ESCROW_CREDIT,
    "WITHDRAW": WalletMovementKind.WITHDRAWAL,
    "TRANSFER": WalletMovementKind.ADJUSTMENT,
    "REVERSE": WalletMovementKind.ADJUSTMENT,
}
