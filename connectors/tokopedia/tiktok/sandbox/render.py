"""The sandbox world in TikTok Shop's dialect: string statuses, decimal-string money, unix seconds, one line
item per unit, daily finance statements whose transactions settle orders (a later refund is a new transaction
in a later statement), and SETTLE/WITHDRAW balance records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from connectors.base.sandbox.world import Product, SettlementRevision, World, WorldOrder
from connectors.tokopedia.sandbox.common import ts

STATUS = {
    "PENDING": "UNPAID",
    "PAID": "AWAITING_SHIPMENT",
    "READY": "AWAITING_COLLECTION",
    "SHIPPED": "IN_TRANSIT",
    "DELIVERED": "DELIVERED",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
}
# World fee kind → statement transaction field, in the documented 202309 names only (TikTok's Node SDK,
# ``Finance202309GetTransactionsbyStatementResponseDataStatementTransactions``; tests/contracts/tiktok/). The
# world's service fee is rendered as ``referral_fee_amount``, the documented field the parser books as SERVICE_FEE
# (Indonesia's program fees, ``sfp_service_fee_amount`` and the like, appear only in the 202501 fee breakdown).
# A seller voucher is a seller-funded discount: ``seller_discount_amount``, netted in the subtotal after seller
# discounts; ``gross_sales_amount`` is the subtotal before it.
FEE_FIELDS = {
    "COMMISSION": "platform_commission_amount",
    "SERVICE_FEE": "referral_fee_amount",
    "PAYMENT_FEE": "transaction_fee_amount",
    "SHIPPING_SELLER": "shipping_fee_amount",
}
REVENUE_FIELDS = {"VOUCHER_SELLER": "seller_discount_amount", "SHIPPING_REBATE": "shipping_fee_subsidy_amount"}
# World amounts no documented field shows: TikTok documents no PPh 22 withholding (not in 202309, not in the
# 202501 tax breakdown). Rendered as TikTok would have to: inside ``fee_amount`` and ``settlement_amount`` under
# no field of their own, which the parser cannot book and quarantines.
UNNAMED = frozenset({"TAX_WITHHELD_PPH22"})
WAREHOUSE = "7290000000000000101"


def money(amount: int) -> str:
    return str(amount)


def order(o: WorldOrder, as_of: datetime, corrupt: bool) -> dict[str, Any]:
    status = STATUS[o.status_at(as_of) or "PENDING"]
    items: list[dict[str, Any]] = []
    for line in o.lines:
        product = line.product
        for _ in range(line.quantity):
            items.append(
                {
                    "id": f"{o.order_ref[-9:]}{len(items) + 1:03d}",
                    "product_id": product.item_id,
                    "product_name": product.name,
                    "sku_id": product.sku_ref,
                    "seller_sku": product.seller_sku,
                    "sku_name": "Default",
                    "original_price": money(line.unit_price),
                    "sale_price": money(line.unit_price - line.unit_discount),
                    "seller_discount": money(line.unit_discount),
                    "platform_discount": "0",
                    "currency": "IDR",
                    "display_status": status,
                    "is_gift": False,
                }
            )
    if corrupt:
        items[0]["original_price"] = "dua puluh ribu"
    shipped = o.event_time("SHIPPED")
    rendered: dict[str, Any] = {
        "id": o.order_ref,
        "status": status,
        "create_time": ts(o.created_at),
        "update_time": ts(o.updated_at(as_of)),
        "paid_time": ts(paid) if (paid := o.event_time("PAID")) and paid <= as_of else 0,
        "commerce_platform": "TIKTOK_SHOP",
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "is_cod": False,
        "payment": {
            "currency": "IDR",
            "original_total_product_price": money(sum(line.unit_price * line.quantity for line in o.lines)),
            "seller_discount": money(sum(line.discount for line in o.lines)),
            "platform_discount": "0",
            "sub_total": money(o.gross),
            "shipping_fee": "0",
            "total_amount": money(o.gross),
        },
        "line_items": items,
        "buyer_email": "pembeli.setia@scs.tiktokw.us",
        "recipient_address": {"name": "Pembeli Setia", "phone_number": "(+62)812****789", "full_address": "Jl. X"},
    }
    if shipped and shipped <= as_of:
        rendered["collection_time"] = ts(shipped)
    if status == "CANCELLED":
        rendered["cancellation_initiator"] = "BUYER"
        rendered["cancel_reason"] = "No longer needed"
    return rendered


# --- finance ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transaction:
    """One statement transaction: what revision ``revision`` of an order's settlement added to the last one."""

    order: WorldOrder
    revision: SettlementRevision
    previous: SettlementRevision | None

    @property
    def id(self) -> str:
        return f"{self.order.order_ref[-12:]}{self.revision.revision:02d}"

    @property
    def day(self) -> date:
        return self.revision.released_at.astimezone(UTC).date()

    @property
    def net(self) -> int:
        return self.revision.net - (self.previous.net if self.previous else 0)


def transactions(world: World, shop_ref: str, as_of: datetime) -> list[Transaction]:
    found = []
    for o in world.orders_of("tokopedia", shop_ref, as_of):
        previous = None
        for revision in o.settlements:
            if revision.released_at <= as_of:
                found.append(Transaction(o, revision, previous))
            previous = revision
    return sorted(found, key=lambda t: (t.revision.released_at, t.id))


def statement_id(shop_ref: str, day: date) -> str:
    return f"{shop_ref[-4:]}{day:%Y%m%d}"


def statement_time(day: date) -> int:
    """00:00 UTC of the statement date (§3.6)."""
    return ts(datetime.combine(day, time(), UTC))


def statements(world: World, shop_ref: str, as_of: datetime) -> dict[str, tuple[date, list[Transaction]]]:
    """Statements by id, oldest first; a day's statement holds what was settled that (UTC) day."""
    days: dict[str, tuple[date, list[Transaction]]] = {}
    for t in transactions(world, shop_ref, as_of):
        days.setdefault(statement_id(shop_ref, t.day), (t.day, []))[1].append(t)
    return days


def statement(shop_ref: str, day: date, rows: list[Transaction]) -> dict[str, Any]:
    rendered = [transaction(t, corrupt=False) for t in rows]
    totals = {
        name: sum(int(r[name]) for r in rendered) for name in ("revenue_amount", "fee_amount", "settlement_amount")
    }
    return {
        "id": statement_id(shop_ref, day),
        "statement_time": statement_time(day),
        "currency": "IDR",
        "revenue_amount": money(totals["revenue_amount"]),
        "fee_amount": money(totals["fee_amount"]),
        "adjustment_amount": "0",
        "settlement_amount": money(totals["settlement_amount"]),
        "payment_status": "PAID",
        "payment_id": payment_id(shop_ref, day),
    }


def transaction(t: Transaction, corrupt: bool) -> dict[str, Any]:
    before = t.previous
    gross = t.revision.gross - (before.gross if before else 0)
    refunds = t.revision.refunds - (before.refunds if before else 0)
    fees = {
        kind: amount - (before.fees.get(kind, 0) if before else 0)
        for kind, amount in t.revision.fees.items()
        if kind in FEE_FIELDS or kind in REVENUE_FIELDS or kind in UNNAMED
    }
    unknown = set(t.revision.fees) - set(FEE_FIELDS) - set(REVENUE_FIELDS) - UNNAMED
    if unknown:
        raise ValueError(f"the TikTok sandbox cannot render fee kinds {sorted(unknown)}")
    voucher = fees.get("VOUCHER_SELLER", 0)
    revenue = gross + refunds + sum(amount for kind, amount in fees.items() if kind in REVENUE_FIELDS)
    fee_total = sum(amount for kind, amount in fees.items() if kind not in REVENUE_FIELDS)
    rendered: dict[str, Any] = {
        "id": t.id,
        "type": "ORDER",
        "order_id": t.order.order_ref,
        "adjustment_id": "0",
        "order_create_time": ts(t.order.created_at),
        "currency": "IDR",
        "gross_sales_amount": money(gross),
        "after_seller_discounts_subtotal_amount": money(gross + voucher),
        "customer_order_refund_amount": money(refunds),
        "platform_discount_amount": "0",
        "revenue_amount": money(revenue),
        "fee_amount": money(fee_total),
        "adjustment_amount": "0",
        "settlement_amount": money(revenue + fee_total),
    }
    for kind, amount in fees.items():
        if kind not in UNNAMED:
            rendered[FEE_FIELDS.get(kind) or REVENUE_FIELDS[kind]] = money(amount)
    if corrupt:
        rendered["settlement_amount"] = money(revenue + fee_total + 1_000)
    return rendered


def payments(world: World, shop_ref: str, as_of: datetime) -> list[dict[str, Any]]:
    """One payment per statement (the statement's ``payment_id``): what the platform actually paid for the
    statement's transactions, i.e. the world's wallet credits for them (a short-paid or doubled credit shows
    here, as in the balance records). Created, and paid, when the statement's last transaction settled. The
    sandbox pays into the seller balance (its WITHDRAW records take the money to the bank), so it renders no
    ``bank_account``; no exchange (IDR shops), no reserve."""
    credited: dict[str, int] = {}
    for entry in world.wallet_of("tokopedia", shop_ref, as_of):
        if entry.kind != "WITHDRAWAL":
            key = entry.movement_ref.removesuffix("-dup")  # a credit the platform booked twice pays twice
            credited[key] = credited.get(key, 0) + entry.amount
    rows = []
    for day, listed in statements(world, shop_ref, as_of).values():
        paid = sum(credited.get(f"W{t.order.order_ref}-{t.revision.revision}", 0) for t in listed)
        created = ts(max(t.revision.released_at for t in listed))
        value = {"value": money(paid), "currency": "IDR"}
        rows.append(
            {
                "id": payment_id(shop_ref, day),
                "create_time": created,
                "paid_time": created,
                "status": "PAID",
                "amount": value,
                "settlement_amount": value,
                "reserve_amount": {"value": "0", "currency": "IDR"},
            }
        )
    return sorted(rows, key=lambda row: (row["create_time"], row["id"]))


def payment_id(shop_ref: str, day: date) -> str:
    return f"PAY{statement_id(shop_ref, day)}"


def withdrawals(world: World, shop_ref: str, as_of: datetime) -> list[dict[str, Any]]:
    """Balance records: SETTLE per settled order revision (negative for a clawback), WITHDRAW per payout."""
    rows = []
    for entry in sorted(world.wallet_of("tokopedia", shop_ref, as_of), key=lambda e: (e.occurred_at, e.movement_ref)):
        withdraw = entry.kind == "WITHDRAWAL"
        rows.append(
            {
                "id": withdrawal_id(entry.movement_ref, withdraw),
                "type": "WITHDRAW" if withdraw else "SETTLE",
                "amount": money(-entry.amount if withdraw else entry.amount),  # payouts are reported positive [I]
                "currency": "IDR",
                "status": "SUCCESS",
                "create_time": ts(entry.occurred_at),
            }
        )
    return rows


def withdrawal_id(movement_ref: str, withdraw: bool) -> str:
    """'WD-<shop>-00005' → 'WD<shop>00005'; 'W<order>-2' → 'ST<order>02'."""
    head, _, tail = movement_ref.rpartition("-")
    return f"WD{head[3:]}{tail}" if withdraw else f"ST{head[1:]}{int(tail):02d}"


# --- products --------------------------------------------------------------------------------------------------


def product(world: World, p: Product, as_of: datetime) -> dict[str, Any]:
    return {
        "id": p.item_id,
        "title": p.name,
        "status": "ACTIVATE",
        "skus": [
            {
                "id": p.sku_ref,
                "seller_sku": p.seller_sku,
                "price": {"currency": "IDR", "sale_price": money(p.price), "tax_exclusive_price": money(p.price)},
                "inventory": [{"warehouse_id": WAREHOUSE, "quantity": world.stock_of(p, as_of)}],
            }
        ],
        "create_time": ts(datetime.combine(world.config.start, time(), UTC)),
        "update_time": ts(as_of),
    }


def inventory(world: World, p: Product, as_of: datetime) -> dict[str, Any]:
    level = world.stock_of(p, as_of)
    return {
        "product_id": p.item_id,
        "skus": [
            {
                "id": p.sku_ref,
                "seller_sku": p.seller_sku,
                "total_available_quantity": level,
                "total_committed_quantity": 0,
                "warehouse_inventory": [
                    {"warehouse_id": WAREHOUSE, "available_quantity": level, "committed_quantity": 0}
                ],
            }
        ],
    }
