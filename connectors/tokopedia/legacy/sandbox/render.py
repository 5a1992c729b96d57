"""The sandbox world in legacy Tokopedia's dialect: numeric statuses, integer rupiah, unix seconds in lists,
ISO strings in the single-order detail, WIB wall-clock strings in the saldo history.

Saldo (the seller balance) shows one row per balance change, as the world's wallet has it: the sale credit of
a completed order (``Type`` 1001, net of Tokopedia's fees, PPh 22 and any refund before completion, none of
which the saldo row itemises), a refund taken back after the sale was disbursed, and each withdrawal to the
bank. A refund before completion is documented by the invoice's resolution ticket.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime
from typing import Any

from connectors.base.sandbox.world import Product, WalletEntry, World, WorldOrder
from connectors.tokopedia.sandbox.common import WIB, iso_utc, ts, wib_text
from connectors.tokopedia.statuses import SALDO_REFUND, SALDO_SALE, SALDO_WITHDRAWAL

STATUS = {"PENDING": 100, "PAID": 220, "READY": 400, "SHIPPED": 500, "DELIVERED": 600, "COMPLETED": 700, "CANCELLED": 0}
WAREHOUSE_ID = 1010
DEPOSIT_BASE = 9_200_000_000


def invoice(o: WorldOrder) -> str:
    return f"INV/{o.created_at:%Y%m%d}/MPL/{o.order_ref}"


def _encrypted(order_ref: str) -> dict[str, str]:
    """Buyer contact data arrives RSA/AES-encrypted for the partner since Nov 2020 (§2.7): opaque bytes here."""
    digest = hashlib.sha512(order_ref.encode()).digest()
    return {"secret": base64.b64encode(digest[:24]).decode(), "content": base64.b64encode(digest[24:]).decode()}


def list_row(o: WorldOrder, shop_ref: str, fs_id: str, as_of: datetime, corrupt: bool) -> dict[str, Any]:
    products = [
        {
            "id": int(line.product.sku_ref),
            "name": line.product.name,
            "quantity": line.quantity,
            "notes": "",
            "weight": 0.25,
            "total_weight": 0.25 * line.quantity,
            "price": line.unit_price - line.unit_discount,  # Tokopedia prices after the seller's slash price
            "total_price": line.amount,
            "currency": "Rp",
            "sku": line.product.seller_sku,
            "is_wholesale": False,
        }
        for line in o.lines
    ]
    if corrupt:
        products[0]["quantity"] = "dua"
    return {
        "fs_id": fs_id,
        "order_id": int(o.order_ref),
        "invoice_ref_num": invoice(o),
        "is_cod_mitra": False,
        "accept_partial": False,
        "products": products,
        "products_fulfilled": [
            {"product_id": int(line.product.sku_ref), "quantity_deliver": line.quantity, "quantity_reject": 0}
            for line in o.lines
        ],
        "buyer": {"id": 8_970_000 + int(o.order_ref) % 1000, "name": "P***", "phone": "", "email": ""},
        "shop_id": int(shop_ref),
        "recipient": {"name": "P***", "phone": "", "address": {"address_full": "", "city": "Kota Bandung"}},
        "encryption": _encrypted(o.order_ref),
        "logistics": {"shipping_id": 1, "shipping_agency": "JNE", "service_type": "Reguler"},
        "amt": {
            "ttl_product_price": o.gross,
            "shipping_cost": 0,
            "insurance_cost": 0,
            "ttl_amount": o.gross,
            "voucher_amount": 0,
            "toppoints_amount": 0,
        },
        "voucher_info": {"voucher_code": "", "voucher_type": 0},
        "order_status": STATUS[o.status_at(as_of) or "PENDING"],
        "warehouse_id": WAREHOUSE_ID,
        "fulfill_by": 0,
        "create_time": ts(o.created_at),
    }


def single_order(o: WorldOrder, as_of: datetime, corrupt: bool) -> dict[str, Any]:
    history = [
        {"hist_status_code": STATUS[status], "timestamp": iso_utc(moment), "action_by": "system"}
        for moment, status in reversed(o.events)
        if moment <= as_of
    ]
    details = [
        {
            "order_detail_id": int(o.order_ref) * 10 + index,
            "product_id": int(line.product.sku_ref),
            "product_name": line.product.name,
            "product_price": line.unit_price - line.unit_discount,
            "subtotal_price": line.amount,
            "quantity": line.quantity,
            "sku": line.product.seller_sku,
        }
        for index, line in enumerate(o.lines, start=1)
    ]
    if corrupt:
        details[0]["quantity"] = "dua"
    return {
        "order_id": int(o.order_ref),
        "invoice_number": invoice(o),
        "order_status": STATUS[o.status_at(as_of) or "PENDING"],
        "open_amt": o.gross,
        "item_price": o.gross,
        "order_info": {"order_detail": details, "order_history": history},
        "create_time": iso_utc(o.created_at),
        "update_time": iso_utc(o.updated_at(as_of)),
        "payment_date": iso_utc(o.event_time("PAID")),
    }


def saldo_rows(world: World, shop_ref: str, as_of: datetime) -> list[tuple[WalletEntry, dict[str, Any]]]:
    """Every visible saldo row, oldest first, with the running balance. Deposit ids are numbered over the
    whole history, so moving the clock never renumbers a row already shown."""
    invoices = {
        o.order_ref: invoice(o) for o in world.orders_of("tokopedia", shop_ref, datetime.max.replace(tzinfo=UTC))
    }
    history = sorted(
        world.wallet_of("tokopedia", shop_ref, datetime.max.replace(tzinfo=UTC)),
        key=lambda e: (e.occurred_at, e.movement_ref),
    )
    balance, rows = 0, []
    for number, entry in enumerate(history, start=1):
        if entry.occurred_at > as_of:
            break
        balance += entry.amount
        rows.append((entry, saldo_row(entry, DEPOSIT_BASE + number, balance, invoices.get(entry.order_ref or ""))))
    return rows


def saldo_row(entry: WalletEntry, deposit_id: int, balance: int, invoice_number: str | None) -> dict[str, Any]:
    kind, when = entry.kind, wib_text(entry.occurred_at)
    row: dict[str, Any] = {
        "deposit_id": deposit_id,
        "amount": entry.amount,
        "create_time": when,
        "withdrawal_date": "",
        "withdrawal_status": 0,
        "saldo": balance,
        "image": "",
    }
    if kind == "ESCROW_CREDIT":
        row |= {
            "type_description": "Disbursement to Seller Marketplace",
            "Type": SALDO_SALE,
            "class": "Transaction",
            "note": f"Transaksi Penjualan Berhasil - {invoice_number}",
        }
    elif kind == "ADJUSTMENT":
        row |= {
            "type_description": "Refund to Buyer",
            "Type": SALDO_REFUND,
            "class": "Transaction",
            "note": f"Pengembalian Dana ke Pembeli - {invoice_number}",
        }
    else:
        row |= {
            "type_description": "Withdrawal",
            "Type": SALDO_WITHDRAWAL,
            "class": "Withdrawal",
            "note": f"Penarikan Saldo ke rekening {entry.bank_reference or ''}".strip(),
            "withdrawal_date": when,
            "withdrawal_status": 1,
        }
    return row


def resolution_tickets(world: World, shop_ref: str, as_of: datetime, start: date, end: date) -> list[dict[str, Any]]:
    """The shop's resolution tickets opened between ``start`` and ``end`` (WIB dates, inclusive) and visible at
    ``as_of``: one per order whose goods came back before completion, refunded out of its sale credit.

    ``total_issued_funds`` is the world's refund; ``complaint_product`` names each returned product with its
    quantity and the unit price the world refunds. (A refund after completion is the world's clawback, rendered
    as its own saldo row, not as a ticket.)"""
    tickets = []
    for o in world.orders_of("tokopedia", shop_ref, as_of):
        returned = o.returned_at_time(as_of)
        if not returned or not o.settlements or o.returned_at is None:
            continue
        opened = o.returned_at.astimezone(WIB).date()
        if not start <= opened <= end:
            continue
        products = [
            {
                "id": int(line.product.sku_ref),
                "Name": line.product.name,
                "qty": returned[line.product.sku_ref],
                "price": line.unit_price,
                "final_price": 0,
                "image": "",
            }
            for line in o.lines
            if line.product.sku_ref in returned
        ]
        day = opened.isoformat()
        tickets.append(
            {
                "id": int(o.order_ref) * 10 + 1,
                "problem_type": "Product broken/not same as description",
                "status": "Finished",
                "open_date": day,
                "sla_date": day,
                "close_date": day,
                "invoice_number": invoice(o),
                "solution": "Refund",
                "complaint_product": products,
                "fault": "Seller",
                "shipping_amt": 0,
                "total_issued_funds": -o.settlements[0].refunds,
            }
        )
    return tickets


def product_info(world: World, p: Product, as_of: datetime) -> dict[str, Any]:
    level = world.stock_of(p, as_of)
    price = {"value": p.price, "currency": 1, "LastUpdateUnix": ts(as_of), "idr": p.price}
    return {
        "basic": {"productID": int(p.sku_ref), "shopID": int(p.shop_ref), "status": 1, "name": p.name, "condition": 1},
        "price": price,
        "weight": {"value": 250, "unit": 1},
        "stock": {"value": level, "stockWording": ""},
        "main_stock": level,
        "reserve_stock": 0,
        "variant": {"isParent": False, "isVariant": False, "childrenID": []},
        "warehouses": [
            {
                "productID": int(p.sku_ref),
                "warehouseID": WAREHOUSE_ID,
                "price": price,
                "stock": {"useStock": True, "value": level},
            }
        ],
        "other": {"sku": p.seller_sku},
    }
