"""The sandbox world in Grab's dialect: orders with money in minor units (exponent 2 for IDR), RFC3339 UTC
times, push events (Submit Order, Push Order State) and settlement report rows.

Receiver data (name, phones, address) and eater notes are included as Grab sends them, so stripping is
tested. Only what happened up to the world clock is rendered.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from connectors.base.sandbox.world import SettlementRevision, World, WorldOrder

STATE = {
    "PENDING": "PENDING",
    "PAID": "ACCEPTED",
    "READY": "DRIVER_ARRIVED",
    "SHIPPED": "COLLECTED",
    "DELIVERED": "DELIVERED",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
}
EXPONENT = 2
WIB = timezone(timedelta(hours=7))
REPORT_COLUMNS = [
    "merchant_id", "transaction_id", "order_id", "transaction_type", "settled_at", "currency",
    "gross_sales", "commission", "merchant_funded_promo", "refund", "adjustment", "net_earning",
]  # fmt: skip


def minor(amount: int) -> int:
    return amount * 10**EXPONENT


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def order(o: WorldOrder, as_of: datetime, corrupt: bool, listed: bool) -> dict[str, Any]:
    items = [
        {
            "id": line.product.seller_sku,
            "grabItemID": line.product.sku_ref,
            "quantity": line.quantity,
            "price": minor(line.unit_price),
            "tax": 0,
            "specifications": "extra pedas, rumah pagar hijau",
            "outOfStockInstruction": {"title": "Batalkan item ini", "instructionType": "CANCEL"},
            "modifiers": [],
        }
        for line in o.lines
    ]
    campaigns = [
        {"id": f"C-{line.product.seller_sku}", "name": "Diskon toko", "level": "item", "type": "net",
         "deductedPart": "basket_amount",
         "deductedAmount": minor(line.discount), "appliedItemIDs": [line.product.seller_sku]}
        for line in o.lines
        if line.discount
    ]  # fmt: skip
    subtotal, promo = (
        sum(minor(line.unit_price * line.quantity) for line in o.lines),
        minor(sum(line.discount for line in o.lines)),
    )
    # Cashless and delivered by Grab: Grab documents grabFundPromo, basketPromo, deliveryFee and eaterPayment
    # as 0 ("only present when paymentType CASH or orderType DeliveredByRestaurant"); the merchant's side is
    # subtotal, merchantFundPromo and total (= subtotal + merchantChargeFee - merchantFundPromo).
    price: dict[str, Any] = {
        "subtotal": subtotal, "tax": 0, "merchantChargeFee": 0, "serviceChargeFee": 0, "grabFundPromo": 0,
        "merchantFundPromo": promo, "basketPromo": 0, "deliveryFee": 0, "smallOrderFee": 0,
        "eaterPayment": 0, "total": subtotal - promo,
    }  # fmt: skip
    doc: dict[str, Any] = {
        "orderID": o.order_ref,
        "shortOrderNumber": f"GF-{o.order_ref[-3:]}",
        "merchantID": o.shop.shop_ref,
        "partnerMerchantID": f"coop-{o.shop.shop_ref}",
        "paymentType": "CASHLESS",
        "cutlery": False,
        "orderTime": rfc3339(o.created_at),
        "currency": {"code": "IDR", "symbol": "Rp", "exponent": 7 if corrupt else EXPONENT},
        "featureFlags": {"orderAcceptedType": "AUTO", "orderType": "DeliveredByGrab", "isMexEditOrder": False},
        "items": items,
        "campaigns": campaigns,
        "price": price,
        "receiver": {"name": "Budi Santoso", "phones": "+6281234567890",
                     "address": {"address": "Jl. Melati No. 7", "deliveryInstruction": "rumah pagar hijau",
                                 "poiSource": "GRAB", "postcode": "12110"}},
    }  # fmt: skip
    if listed:
        doc["submitTime"] = rfc3339(o.created_at)
        doc["orderState"] = STATE[o.status_at(as_of) or "PENDING"]
        completed = o.event_time("COMPLETED")
        if completed and completed <= as_of:
            doc["completeTime"] = rfc3339(completed)
        first = o.settlements[0] if o.settlements and o.settlements[0].released_at <= as_of else None
        if first is not None:
            commission = -first.fees.get("COMMISSION", 0)
            earning = {"revenue": first.gross, "commission": commission, "netEarning": first.gross - commission}
            price["merchantEarning"] = {**{k: minor(v) for k, v in earning.items()}, "mexFundDiscount": 0}
    return doc


def push_events(o: WorldOrder, as_of: datetime, corrupt: bool) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    """(time, event id, kind, body): Submit Order when placed, then one state push per later state."""
    events = [(o.created_at, f"submit:{o.order_ref}", "submit_order", order(o, as_of, corrupt, listed=False))]
    for moment, status in o.events:
        if status == "PENDING" or moment > as_of:
            continue
        state = STATE[status]
        body = {"merchantID": o.shop.shop_ref, "partnerMerchantID": f"coop-{o.shop.shop_ref}", "orderID": o.order_ref,
                "state": state, "driverETA": 300, "code": "", "message": ""}  # fmt: skip
        events.append((moment, f"state:{o.order_ref}:{state}", "order_state", body))
    return events


def report_rows(world: World, shop_ref: str, start: datetime, end: datetime) -> list[list[Any]]:
    """One row per settlement transaction released in [start, end), amounts in rupiah with two decimals."""
    rows = []
    for o in world.orders_of("grab", shop_ref):
        previous: SettlementRevision | None = None
        for revision in o.settlements:
            if revision.released_at > world.as_of:
                break
            if start <= revision.released_at < end:
                rows.append(_row(o, revision, previous))
            previous = revision
    return sorted(rows, key=lambda row: (row[4], row[1]))


def _row(o: WorldOrder, revision: SettlementRevision, previous: SettlementRevision | None) -> list[Any]:
    local = revision.released_at.astimezone(WIB).replace(tzinfo=None)
    cents = Decimal("0.01")
    if previous is None:
        kind, gross, refund, net = "ORDER", revision.gross, revision.refunds, revision.net
        commission, promo = revision.fees.get("COMMISSION", 0), revision.fees.get("VOUCHER_SELLER", 0)
    else:
        kind, gross, refund, net = "REFUND", 0, revision.refunds - previous.refunds, revision.net - previous.net
        commission = promo = 0
    amounts = [Decimal(value).quantize(cents) for value in (gross, commission, promo, refund, 0, net)]
    return [o.shop.shop_ref, f"GT{revision.revision}-{o.order_ref}", o.order_ref, kind, local, "IDR", *amounts]
