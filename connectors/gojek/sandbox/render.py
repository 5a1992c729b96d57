"""The sandbox world in GoBiz's dialect: webhook events, the outlet catalog and settlement report rows.

World statuses become GoFood events (DELIVERED has no GoFood event: ``completed`` means delivered to the
eater). Events carry the personal data a real GoFood event carries (customer id and name, driver name, the
delivery PIN, item notes) so the receiver's stripping is tested. Amounts are integer rupiah; times RFC3339.
Only what happened up to the world clock (``as_of``) is rendered.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from connectors.base.sandbox.world import Product, SettlementRevision, World, WorldOrder

EVENT = {
    "PENDING": "gofood.order.awaiting_merchant_acceptance",
    "PAID": "gofood.order.merchant_accepted",
    "READY": "gofood.order.driver_arrived",
    "SHIPPED": "gofood.order.placed",
    "COMPLETED": "gofood.order.completed",
    "CANCELLED": "gofood.order.cancelled",
}
STATUS_TEXT = {name: name.rsplit(".", 1)[1].upper() for name in EVENT.values()}
NAMESPACE = uuid.UUID("6f1d8c56-29a2-4b43-9d0b-6a3f55b1c0de")
WIB = timezone(timedelta(hours=7))
# Settlement report columns (the layout documented in connectors/gojek/README.md, written out independently).
REPORT_COLUMNS = [
    "outlet_id", "transaction_id", "order_number", "transaction_type", "settled_at", "currency",
    "gross_sales", "commission", "merchant_promo", "payment_fee", "refund", "adjustment", "net_amount",
]  # fmt: skip
FEE_COLUMNS = {"COMMISSION": "commission", "VOUCHER_SELLER": "merchant_promo", "PAYMENT_FEE": "payment_fee"}


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def event_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(map(str, parts))))


def order_events(order: WorldOrder, as_of: datetime, corrupt: bool) -> list[tuple[datetime, str, dict[str, Any]]]:
    events = []
    for moment, status in order.events:
        name = EVENT.get(status)
        if name is None or moment > as_of:
            continue
        events.append((moment, event_id(order.order_ref, name), _order_event(order, name, moment, corrupt)))
    for revision in order.settlements:
        if revision.released_at <= as_of:
            ident = event_id(order.order_ref, "settlement", revision.revision)
            events.append((revision.released_at, ident, _settlement_event(order, revision, ident)))
    return events


def _order_event(order: WorldOrder, name: str, moment: datetime, corrupt: bool) -> dict[str, Any]:
    """A ``gofood.order.*`` event as GoBiz documents it. No per-line discount field exists: an item promotion
    shows in the item's ``price`` (what the eater pays per unit) and is listed in the order's
    ``applied_promotions`` [I], so ``order_total`` = Σ price × quantity. The world has no order-level promotion
    and no takeaway charges (``takeaway_charges: 0``)."""
    items = [
        {
            "id": line.product.sku_ref,
            "external_id": line.product.seller_sku,
            "name": line.product.name,
            "quantity": line.quantity,
            "price": line.unit_price - line.unit_discount,
            "notes": "jangan pedas",
            "variants": [],
        }
        for line in order.lines
    ]
    if corrupt:
        items[0]["quantity"] = "two"
    # Entries are opaque here: their inner fields are not in the documentation read (connectors/gojek/README.md).
    promotions = [
        {"id": event_id(order.order_ref, "promo", line.product.sku_ref)} for line in order.lines if line.discount
    ]
    body: dict[str, Any] = {
        "order_number": order.order_ref,
        "status": STATUS_TEXT[name],
        "pin": f"{int(event_id(order.order_ref, 'pin')[:4], 16) % 10_000:04d}",
        "currency": "IDR",
        "created_at": rfc3339(order.created_at),
        "cutlery_requested": False,
        "takeaway_charges": 0,
        "applied_promotions": promotions,
        "order_total": order.gross,
        "order_items": items,
    }
    if name.endswith("cancelled"):
        body["cancellation_detail"] = {"reason": "ITEMS_OUT_OF_STOCK"}
    shop = order.shop.shop_ref
    return {
        "header": {"event_name": name, "event_id": event_id(order.order_ref, name), "timestamp": rfc3339(moment),
                   "version": 1},
        "body": {
            "service_type": "gofood" if order.shop.flavor == "food" else "gomart",
            "outlet": {"id": shop, "external_outlet_id": f"coop-{shop}"},
            "customer": {"id": event_id("customer", order.order_ref), "name": "Budi Santoso"},
            "driver": {"name": "Agus Driver"},
            "order": body,
        },
    }  # fmt: skip


def _settlement_event(order: WorldOrder, revision: SettlementRevision, ident: str) -> dict[str, Any]:
    return {
        "header": {"event_name": "payment.transaction.settlement", "event_id": ident,
                   "timestamp": rfc3339(revision.released_at), "version": 1},
        "body": {
            "outlet": {"id": order.shop.shop_ref},
            "transaction": {"id": f"GT-{order.order_ref}-{revision.revision}", "order_number": order.order_ref,
                            "status": "settlement", "currency": "IDR", "gross_amount": revision.gross,
                            "settled_at": rfc3339(revision.released_at)},
        },
    }  # fmt: skip


def catalog(world: World, products: list[Product], as_of: datetime, corrupt: set[str]) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {
            "id": p.sku_ref,
            "external_id": p.seller_sku,
            "name": p.name,
            "description": "",
            "price": p.price,
            "in_stock": "yes" if p.sku_ref in corrupt else world.stock_of(p, as_of) > 0,
            "operational_hours": {"monday": [{"start": "08:00", "end": "21:00"}]},
            "variant_category_ids": [],
        }
        for p in products
    ]
    return {"menus": [{"name": "Menu", "menu_items": items}], "variant_categories": []}


def report_rows(world: World, shop_ref: str, start: datetime, end: datetime) -> list[list[Any]]:
    """One row per settlement transaction released in [start, end) and visible at the world clock."""
    rows = []
    for order in world.orders_of("gojek", shop_ref):
        previous: SettlementRevision | None = None
        for revision in order.settlements:
            if revision.released_at > world.as_of:
                break
            if start <= revision.released_at < end:
                rows.append(_row(order, revision, previous))
            previous = revision
    return sorted(rows, key=lambda row: (row[4], row[1]))


def _row(order: WorldOrder, revision: SettlementRevision, previous: SettlementRevision | None) -> list[Any]:
    local = revision.released_at.astimezone(WIB).replace(tzinfo=None)
    fees = {column: 0 for column in FEE_COLUMNS.values()}
    if previous is None:
        kind, gross, refund, net = "ORDER", revision.gross, revision.refunds, revision.net
        for fee_kind, amount in revision.fees.items():
            fees[FEE_COLUMNS[fee_kind]] += amount
    else:  # a later revision: only the extra refund, as its own transaction
        kind, gross, refund, net = "REFUND", 0, revision.refunds - previous.refunds, revision.net - previous.net
    return [
        order.shop.shop_ref, f"GS{revision.revision}-{order.order_ref[2:]}", order.order_ref, kind, local, "IDR",
        gross, fees["commission"], fees["merchant_promo"], fees["payment_fee"], refund, 0, net,
    ]  # fmt: skip
