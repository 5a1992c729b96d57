"""Shopee order statuses (V2.0 data definition) onto the canonical set."""

from __future__ import annotations

from connectors.base.records import OrderStatus

ORDER_STATUS: dict[str, OrderStatus] = {
    "UNPAID": OrderStatus.PENDING,
    "PENDING": OrderStatus.PENDING,
    "READY_TO_SHIP": OrderStatus.PAID,
    "INVOICE_PENDING": OrderStatus.PAID,
    "IN_CANCEL": OrderStatus.PAID,  # a cancellation request; nothing has moved until it is CANCELLED
    "PROCESSED": OrderStatus.READY,
    "RETRY_SHIP": OrderStatus.READY,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.DELIVERED,
    "TO_RETURN": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
}

# Wallet transaction types (get_wallet_transaction_list) that carry money for an order or to the bank.
ESCROW_TYPES = frozenset({"ESCROW_VERIFIED_ADD", "ESCROW_VERIFIED_MINUS"})
WITHDRAWAL_TYPES = frozenset({"WITHDRAWAL_CREATED", "WITHDRAWAL_COMPLETED", "WITHDRAWAL_CANCELLED"})
ADJUSTMENT_TYPES = frozenset(
    {"ADJUSTMENT_ADD", "ADJUSTMENT_MINUS", "ADJUSTMENT_CENTER_ADD", "ADJUSTMENT_CENTER_DEDUCT"}
)
