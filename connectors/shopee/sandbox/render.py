"""The sandbox world in Shopee's dialect: statuses, floats for money, unix seconds, escrow fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from connectors.base.sandbox.world import Product, World, WorldOrder

STATUS = {
    "PENDING": "UNPAID",
    "PAID": "READY_TO_SHIP",
    "READY": "PROCESSED",
    "SHIPPED": "SHIPPED",
    "DELIVERED": "TO_CONFIRM_RECEIVE",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
}
LOCATION = "IDZ01"


class _OrderAdjustment(TypedDict):
    """One element of ``get_escrow_detail``'s ``order_adjustment``."""

    amount: float  # Shopee's JSON gives money as a number; the client reads it back through Decimal(str(...))
    date: int
    currency: str
    adjustment_reason: str


def ts(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def order_detail(order: WorldOrder, as_of: datetime, corrupt: bool) -> dict[str, Any]:
    returned = order.returned_at_time(as_of)
    items = []
    for line in order.lines:
        product = line.product
        item: dict[str, Any] = {
            "item_id": int(product.item_id),
            "item_name": product.name,
            "item_sku": product.seller_sku if product.model_id == "0" else "",
            "model_id": int(product.model_id),
            "model_name": "Default" if product.model_id != "0" else "",
            "model_sku": product.seller_sku if product.model_id != "0" else "",
            "model_quantity_purchased": line.quantity,
            "model_original_price": float(line.unit_price),
            "model_discounted_price": float(line.unit_price - line.unit_discount),
        }
        if returned.get(product.sku_ref):
            item["returned_qty"] = returned[product.sku_ref]
        items.append(item)
    if corrupt:
        items[0]["model_quantity_purchased"] = "two"
    return {
        "order_sn": order.order_ref,
        "region": "ID",
        "currency": "IDR",
        "cod": False,
        "order_status": STATUS[order.status_at(as_of) or "PENDING"],
        "create_time": ts(order.created_at),
        "update_time": ts(order.updated_at(as_of)),
        "pay_time": ts(order.event_time("PAID")),
        "pickup_done_time": ts(t) if (t := order.event_time("SHIPPED")) and t <= as_of else 0,
        "total_amount": float(order.gross),
        "item_list": items,
        "buyer_user_id": 77_000_000 + len(order.order_ref),
        "buyer_username": "pembeli_setia",
    }


def escrow_income(order: WorldOrder, as_of: datetime, corrupt: bool) -> dict[str, Any] | None:
    """``order_income`` as ``get_escrow_detail_batch`` documents it: the escrow at release, no adjustments.

    The batch documents neither ``seller_return_refund`` nor the ``order_adjustment`` fields; an order with a
    return names it in ``return_order_sn_list`` and its refund is read from ``get_escrow_detail`` (``escrow_order``).
    """
    if order.settlement_at(as_of) is None:
        return None
    first = order.settlements[0]
    fees = first.fees
    income = {
        "escrow_amount": float(first.net),
        "cost_of_goods_sold": float(first.gross),
        "original_cost_of_goods_sold": float(first.gross + sum(line.discount for line in order.lines)),
        "commission_fee": float(-fees.get("COMMISSION", 0)),
        "service_fee": float(-fees.get("SERVICE_FEE", 0)),
        "seller_transaction_fee": float(-fees.get("PAYMENT_FEE", 0)),
        "withholding_tax": float(-fees.get("TAX_WITHHELD_PPH22", 0)),
        "voucher_from_seller": float(-fees.get("VOUCHER_SELLER", 0)),
        "actual_shipping_fee": float(-fees.get("SHIPPING_SELLER", 0)),
        "shopee_shipping_rebate": float(fees.get("SHIPPING_REBATE", 0)),
        "final_shipping_fee": float(fees.get("SHIPPING_SELLER", 0) + fees.get("SHIPPING_REBATE", 0)),
        "items": [
            {
                "item_id": int(line.product.item_id),
                "model_id": int(line.product.model_id),
                "item_sku": line.product.seller_sku,
                "quantity_purchased": line.quantity,
                "original_price": float(line.unit_price * line.quantity),  # subtotal for the quantity
                "discounted_price": float(line.amount),
                "seller_discount": float(line.discount),
            }
            for line in order.lines
        ],
    }
    if corrupt:
        income["escrow_amount"] = float(first.net + 1_000)
    return income


def return_order_sns(order: WorldOrder, as_of: datetime) -> list[str]:
    """The returns (refunds) of an order visible at ``as_of``: a partial return before release, late refunds after."""
    first = order.settlements[0]
    late = [later for later in order.settlements[1:] if later.released_at <= as_of]
    refunds = ([first] if first.refunds else []) + late
    return [f"{order.order_ref}R{revision.revision}" for revision in refunds]


def escrow_batch_row(order: WorldOrder, as_of: datetime, corrupt: bool) -> dict[str, Any] | None:
    """One element of ``get_escrow_detail_batch``'s ``response`` array."""
    income = escrow_income(order, as_of, corrupt)
    if income is None:
        return None
    detail = {
        "order_sn": order.order_ref,
        "buyer_user_name": "pembeli_setia",
        "return_order_sn_list": return_order_sns(order, as_of),
        "order_income": income,
    }
    return {"escrow_detail": detail}


def escrow_detail(order: WorldOrder, as_of: datetime, corrupt: bool) -> dict[str, Any] | None:
    """``get_escrow_detail``'s ``response``: the batch's income plus the return refund and order-level adjustments."""
    income = escrow_income(order, as_of, corrupt)
    revision = order.settlement_at(as_of)
    if income is None or revision is None:
        return None
    first = order.settlements[0]
    adjustments: list[_OrderAdjustment] = [
        {
            "amount": float(later.refunds - earlier.refunds),
            "date": ts(later.released_at),
            "currency": "IDR",
            "adjustment_reason": "Refund after order completion",
        }
        for earlier, later in zip(order.settlements, order.settlements[1:], strict=False)
        if later.released_at <= as_of
    ]
    income["seller_return_refund"] = float(first.refunds)
    income["order_adjustment"] = adjustments
    income["total_adjustment_amount"] = float(sum(a["amount"] for a in adjustments))
    income["escrow_amount_after_adjustment"] = float(revision.net + (1_000 if corrupt else 0))
    return {
        "order_sn": order.order_ref,
        "buyer_user_name": "pembeli_setia",
        "return_order_sn_list": return_order_sns(order, as_of),
        "order_income": income,
    }


def wallet_transactions(world: World, shop_ref: str, as_of: datetime) -> list[dict[str, Any]]:
    """All visible wallet transactions of a shop, oldest first, with the running balance."""
    balance, rendered = 0, []
    for entry in sorted(world.wallet_of("shopee", shop_ref, as_of), key=lambda e: (e.occurred_at, e.movement_ref)):
        balance += entry.amount
        kind = {
            "ESCROW_CREDIT": "ESCROW_VERIFIED_ADD",
            "ADJUSTMENT": "ADJUSTMENT_MINUS",
            "WITHDRAWAL": "WITHDRAWAL_CREATED",
        }[entry.kind]
        rendered.append(
            {
                "status": "COMPLETED",
                "transaction_type": kind,
                "amount": float(entry.amount),
                "current_balance": float(balance),
                "create_time": ts(entry.occurred_at),
                "order_sn": entry.order_ref or "",
                "withdrawal_id": int(entry.movement_ref.rsplit("-", 1)[1]) + 500_000
                if entry.kind == "WITHDRAWAL"
                else 0,
                "description": entry.bank_reference or "",
                "buyer_name": "Pembeli" if entry.order_ref else "",
                "money_flow": "MONEY_IN" if entry.amount > 0 else "MONEY_OUT",
            }
        )
    return rendered


def item_base_info(world: World, product: Product, as_of: datetime) -> dict[str, Any]:
    info: dict[str, Any] = {
        "item_id": int(product.item_id),
        "item_name": product.name,
        "item_sku": product.seller_sku if product.model_id == "0" else "",
        "item_status": "NORMAL",
        "has_model": product.model_id != "0",
    }
    if product.model_id == "0":
        info["stock_info_v2"] = stock_info(world, product, as_of)
        info["price_info"] = [
            {"currency": "IDR", "original_price": float(product.price), "current_price": float(product.price)}
        ]
    return info


def model_list(world: World, product: Product, as_of: datetime) -> dict[str, Any]:
    return {
        "tier_variation": [{"name": "Varian", "option_list": [{"option": "Default"}]}],
        "model": [
            {
                "model_id": int(product.model_id),
                "model_sku": product.seller_sku,
                "tier_index": [0],
                "model_status": "MODEL_NORMAL",
                "price_info": [
                    {"currency": "IDR", "original_price": float(product.price), "current_price": float(product.price)}
                ],
                "stock_info_v2": stock_info(world, product, as_of),
            }
        ],
    }


def stock_info(world: World, product: Product, as_of: datetime) -> dict[str, Any]:
    level = world.stock_of(product, as_of)
    return {
        "summary_info": {"total_reserved_stock": 0, "total_available_stock": level},
        "seller_stock": [{"location_id": LOCATION, "stock": level, "if_saleable": True}],
    }
