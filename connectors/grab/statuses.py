"""Grab order states (``OrderStateRequest.state`` / list ``orderState``; marketplace_apis.md §5.3) onto the
canonical statuses. ``PENDING`` is not in Grab's push enum: it is what omnikop records for a submitted order
before any state push (manual-accept stores), and what the list shows for such an order [I]."""

from __future__ import annotations

from connectors.base.records import OrderStatus

ORDER_STATE: dict[str, OrderStatus] = {
    "PENDING": OrderStatus.PENDING,
    "ACCEPTED": OrderStatus.PAID,  # Grab orders are paid (cashless) or committed (cash) when submitted
    "DRIVER_ALLOCATED": OrderStatus.PAID,
    "DRIVER_ARRIVED": OrderStatus.READY,
    "COLLECTED": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "BILL_PAID": OrderStatus.PAID,  # dine-in
    "COMPLETED": OrderStatus.COMPLETED,
    "REFUNDED": OrderStatus.COMPLETED,  # the goods were consumed; the refund arrives as a settlement document
    "FAILED": OrderStatus.CANCELLED,
    "CANCELLED": OrderStatus.CANCELLED,
}
# Position in the life cycle, so two observations with the same timestamp still order correctly.
RANK: dict[str, int] = {
    "PENDING": 0,
    "ACCEPTED": 1,
    "BILL_PAID": 1,
    "DRIVER_ALLOCATED": 2,
    "DRIVER_ARRIVED": 3,
    "COLLECTED": 4,
    "DELIVERED": 5,
    "COMPLETED": 6,
    "REFUNDED": 7,
    "FAILED": 7,
    "CANCELLED": 7,
}
