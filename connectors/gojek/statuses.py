"""GoFood order events (developer.gobiz.com event list, order-state how-to; marketplace_apis.md §4.2) onto the
canonical statuses.

GoFood has no status field we can trust across versions; the event name *is* the state. ``RANK`` orders the
state machine (Created → Awaiting Merchant Acceptance → Merchant Accepted → Driver OTW Pickup → Driver Arrived
→ Placed → Completed; Cancelled from any state before Completed) so two events stamped with the same second
still sort into the order they happened.
"""

from __future__ import annotations

from connectors.base.records import OrderStatus

ORDER_EVENT_PREFIX = "gofood.order."
EVENT_STATUS: dict[str, OrderStatus] = {
    "gofood.order.created": OrderStatus.PENDING,
    "gofood.order.awaiting_merchant_acceptance": OrderStatus.PENDING,
    "gofood.order.merchant_accepted": OrderStatus.PAID,  # GoFood orders are paid (or COD-committed) at placing
    "gofood.order.driver_otw_pickup": OrderStatus.PAID,
    "gofood.order.driver_arrived": OrderStatus.READY,
    "gofood.order.placed": OrderStatus.SHIPPED,  # "driver received food": the goods left the outlet
    "gofood.order.completed": OrderStatus.COMPLETED,  # delivered to the eater; GoFood has no separate delivered
    "gofood.order.cancelled": OrderStatus.CANCELLED,
}
RANK: dict[str, int] = {name: rank for rank, name in enumerate(EVENT_STATUS)}
RANK["gofood.order.cancelled"] = RANK["gofood.order.completed"]  # both terminal

# Events that are about an order but carry no state: GoBiz could not process the order (unknown menu item…).
WEBHOOK_ERROR = "gofood.order.webhook_error"
SETTLEMENT_EVENT = "payment.transaction.settlement"
CATALOG_EVENT_PREFIX = "gofood.catalog."
