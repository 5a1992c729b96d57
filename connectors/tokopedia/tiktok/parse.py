"""TikTok Shop payloads → canonical records. Pure functions over landed pages.

Money arrives as decimal strings ("35.97"), read exactly. Orders list one line item per unit; units of the same
SKU at the same price become one ``OrderLine``. Each statement transaction is its own settlement document: a
sale in one statement, a refund after settlement as a new transaction in a later statement (gross 0, a REFUND
component). Any statement field that carries money and is not in ``ORDER_COMPONENTS`` makes the transaction
fail ``check_settlement`` and go to quarantine, so an unknown fee can never vanish silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from connectors.base.amounts import BadField, money, text, unix_time
from connectors.base.http import parse_json
from connectors.base.protocol import LandedPage
from connectors.base.records import (
    FeeKind,
    Order,
    OrderLine,
    OrderStatus,
    Parsed,
    RawRef,
    Settlement,
    SettlementComponent,
    StockLevel,
    WalletMovement,
    WalletMovementKind,
)
from connectors.tokopedia.parse_common import PLATFORM, checked, each, malformed, masker
from connectors.tokopedia.statuses import TIKTOK_ORDER_STATUS, TIKTOK_WITHDRAWAL_KINDS

# Statement transaction fields (type ORDER) → canonical component, in the names TikTok documents for 202309
# (TikTok's Node SDK, ``Finance202309GetTransactionsbyStatementResponseDataStatementTransactions``; the field
# tree is tests/contracts/tiktok/doc_trees.json). Amounts are signed as TikTok reports them (fees negative). The
# gross is ``gross_sales_amount``; seller-funded discounts (a seller voucher among them) are
# ``seller_discount_amount``. ``sfp_service_fee_amount`` and ``voucher_xtra_service_fee_amount`` are Indonesian
# program fees named in TikTok's 202501 fee breakdown, not in 202309: read if present, never required. TikTok
# documents no PPh 22 withholding field: such an amount leaves the transaction unbalanced and quarantined
# (``UNBALANCED``), never guessed.
ORDER_COMPONENTS: tuple[tuple[str, FeeKind], ...] = (
    ("customer_order_refund_amount", FeeKind.REFUND),
    ("platform_discount_refund_amount", FeeKind.REFUND),
    ("seller_discount_amount", FeeKind.VOUCHER_SELLER),
    ("shipping_fee_subsidy_amount", FeeKind.SHIPPING_REBATE),
    ("platform_commission_amount", FeeKind.COMMISSION),
    ("affiliate_commission_amount", FeeKind.COMMISSION),
    ("affiliate_partner_commission_amount", FeeKind.COMMISSION),
    ("affiliate_ads_commission_amount", FeeKind.COMMISSION),
    ("referral_fee_amount", FeeKind.SERVICE_FEE),
    ("refund_administration_fee_amount", FeeKind.SERVICE_FEE),
    ("sfp_service_fee_amount", FeeKind.SERVICE_FEE),
    ("voucher_xtra_service_fee_amount", FeeKind.SERVICE_FEE),
    ("transaction_fee_amount", FeeKind.PAYMENT_FEE),
    ("shipping_fee_amount", FeeKind.SHIPPING_SELLER),
    ("adjustment_amount", FeeKind.ADJUSTMENT),
)
# What an operator reads on a transaction whose documented parts do not add up to its settlement amount.
UNBALANCED = (
    "TikTok settled an amount under no statement field omnikop maps; its documented 202309 fields show no"
    " PPh 22 withholding, so withheld PPh 22 ends up here. Quarantined, not guessed: see"
    " connectors/tokopedia/README.md (Finance fields)"
)
# Personal data TikTok returns with orders that accounting does not need; masked before landing.
scrub_personal_data = masker(
    ("buyer_email", "buyer_message", "name", "first_name", "last_name", "phone_number", "full_address")
)


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    parser = PARSERS.get(page.kind)
    if parser is None:
        return iter(())  # index pages (search, statement lists) carry ids only
    try:
        payload = parse_json(page.body)
    except ValueError:
        return iter([malformed(page, f"{page.kind} page is not JSON")])
    if not isinstance(payload, dict) or payload.get("code") != 0 or not isinstance(payload.get("data"), dict):
        return iter([malformed(page, f"{page.kind} page is not a successful TikTok envelope")])
    return parser(page, payload["data"])


# --- orders ----------------------------------------------------------------------------------------------------


def _orders(page: LandedPage, data: dict[str, Any]) -> Iterator[Parsed]:
    return each(page, data.get("orders"), lambda o: o.get("id"), lambda item, raw: order(page.shop_ref, item, raw))


def order(shop_ref: str, item: dict[str, Any], raw: RawRef) -> Order:
    platform_status = text(item.get("status"), "status")
    if platform_status not in TIKTOK_ORDER_STATUS:
        raise BadField("status", f"unknown TikTok status {platform_status!r}", "unknown_status")
    status = TIKTOK_ORDER_STATUS[platform_status]
    items = item.get("line_items")
    if not isinstance(items, list) or not items:
        raise BadField("line_items", "order has no line items", "missing_field")
    grouped: dict[tuple[str, Decimal], dict[str, Any]] = {}
    for index, unit in enumerate(items):
        where = f"line_items[{index}]"
        if not isinstance(unit, dict):
            raise BadField(where, "is not an object", "malformed_record")
        if unit.get("display_status") == "CANCELLED" and status is not OrderStatus.CANCELLED:
            continue  # a unit cancelled out of a live order was never sold
        sku = text(unit.get("sku_id"), f"{where}.sku_id")
        price = money(unit.get("original_price"), f"{where}.original_price", allow_negative=False)
        discount = money(unit.get("seller_discount") or "0", f"{where}.seller_discount", allow_negative=False)
        line = grouped.setdefault((sku, price), {"quantity": 0, "discount": Decimal(0), "unit": unit})
        line["quantity"] += 1
        line["discount"] += discount
    if not grouped:
        raise BadField("line_items", "every unit of a live order is cancelled", "inconsistent_order")
    updated = unix_time(item.get("update_time"), "update_time")
    collected = item.get("collection_time")
    lines = tuple(
        OrderLine(
            sku_ref=sku,
            seller_sku=str(line["unit"].get("seller_sku") or "") or None,
            name=str(line["unit"].get("product_name") or ""),
            quantity=line["quantity"],
            unit_price=price,
            discount=line["discount"],
        )
        for (sku, price), line in grouped.items()
    )
    return Order(
        platform=PLATFORM,
        shop_ref=shop_ref,
        order_ref=text(item.get("id"), "id"),
        status=status,
        created_at=unix_time(item.get("create_time"), "create_time"),
        updated_at=updated,
        currency=text((item.get("payment") or {}).get("currency") or items[0].get("currency"), "payment.currency"),
        lines=lines,
        revision=str(int(updated.timestamp())),
        raw=raw,
        platform_status=platform_status,
        shipped_at=unix_time(collected, "collection_time") if collected else None,
    )


# --- settlements (statement transactions) ---------------------------------------------------------------------


def _transactions(page: LandedPage, data: dict[str, Any]) -> Iterator[Parsed]:
    payout = _payout_of(page)

    def build(item: dict[str, Any], raw: RawRef) -> Parsed:
        settlement = transaction(page.shop_ref, item, raw, data.get("statement_time"))
        return checked(replace(settlement, payout_ref=payout), _settlement_key(item), UNBALANCED)

    return each(page, data.get("statement_transactions"), _settlement_key, build)


def _payout_of(page: LandedPage) -> str | None:
    """The payment that pays the page's statement: the statement's ``payment_id``, which the pull landed with
    the page (the transactions answer does not repeat it). None until the statement names a payment."""
    statement = (page.request.get("context") or {}).get("statement") or {}
    return str(statement["payment_id"]) if statement.get("payment_id") not in (None, "", "0") else None


def _order_of(item: dict[str, Any]) -> str | None:
    for name in ("order_id", "adjustment_order_id"):
        if item.get(name) not in (None, "", "0", 0):
            return str(item[name])
    return None


def _settlement_key(item: dict[str, Any]) -> Any:
    """Rejections are keyed by the order (what an operator looks up), else by the adjustment."""
    return _order_of(item) or item.get("adjustment_id") or item.get("id")


def transaction(shop_ref: str, item: dict[str, Any], raw: RawRef, statement_time: Any) -> Settlement:
    kind = text(item.get("type"), "type")
    order_id = _order_of(item)
    if kind == "ORDER":
        gross = money(item.get("gross_sales_amount"), "gross_sales_amount")
        fields = ORDER_COMPONENTS
    else:
        # Adjustments (SHIPPING_FEE_ADJUSTMENT, PLATFORM_PENALTY, CHARGE_BACK, …) move money without a sale.
        gross, fields = Decimal(0), (("adjustment_amount", FeeKind.ADJUSTMENT),)
    components = tuple(
        SettlementComponent(fee_kind, amount, name if kind == "ORDER" else kind)
        for name, fee_kind in fields
        if item.get(name) not in (None, "") and (amount := money(item[name], name)) != 0
    )
    return Settlement(
        platform=PLATFORM,
        shop_ref=shop_ref,
        settlement_ref=text(item.get("id"), "id"),
        order_ref=order_id,
        released_at=unix_time(statement_time, "statement_time"),
        currency=text(item.get("currency"), "currency"),
        gross=gross,
        components=components,
        net=money(item.get("settlement_amount"), "settlement_amount"),
        revision="1",  # a statement transaction never changes; corrections are new transactions
        raw=raw,
    )


# --- wallet (balance records) ----------------------------------------------------------------------------------


def _withdrawals(page: LandedPage, data: dict[str, Any]) -> Iterator[Parsed]:
    return each(page, data.get("withdrawals"), lambda w: w.get("id"), lambda item, raw: movement(page, item, raw))


def movement(page: LandedPage, item: dict[str, Any], raw: RawRef) -> WalletMovement:
    kind_name = text(item.get("type"), "type")
    kind = TIKTOK_WITHDRAWAL_KINDS.get(kind_name, WalletMovementKind.OTHER)
    amount = money(item.get("amount"), "amount")
    if kind is WalletMovementKind.WITHDRAWAL:
        amount = -abs(amount)  # money leaving the balance, whichever sign the platform reports
    elif kind is WalletMovementKind.ESCROW_CREDIT and amount < 0:
        kind = WalletMovementKind.ADJUSTMENT  # a negative settlement: a later statement clawed money back
    return WalletMovement(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        movement_ref=text(item.get("id"), "id"),
        kind=kind,
        amount=amount,
        occurred_at=unix_time(item.get("create_time"), "create_time"),
        currency=text(item.get("currency"), "currency"),
        revision=str(item.get("status") or ""),
        raw=raw,
        status=WALLET_STATUS.get(str(item.get("status") or "SUCCESS"), str(item.get("status"))),
    )


# TikTok balance-record statuses onto the canonical ones (COMPLETED, PENDING, FAILED).
WALLET_STATUS = {"SUCCESS": "COMPLETED", "PROCESSING": "PENDING", "FAILED": "FAILED", "CANCELLED": "FAILED"}


def _payments(page: LandedPage, data: dict[str, Any]) -> Iterator[Parsed]:
    return each(page, data.get("payments"), lambda p: p.get("id"), lambda item, raw: payment(page, item, raw))


def payment(page: LandedPage, item: dict[str, Any], raw: RawRef) -> WalletMovement:
    """A payment (``/finance/202309/payments``) as a PAYOUT: what TikTok actually paid for the statement whose
    ``payment_id`` it is. ``amount`` is the money paid (after any exchange); a reserve held back is not paid
    and so counts as missing until a later payment brings it."""
    paid = item.get("amount")
    if not isinstance(paid, dict):
        raise BadField("amount", "is not a {value, currency} object", "missing_field")
    status = text(item.get("status"), "status")
    if status not in PAYMENT_STATUS:
        raise BadField("status", f"unknown TikTok payment status {status!r}", "unknown_status")
    amount = money(paid.get("value"), "amount.value")
    return WalletMovement(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        movement_ref=text(item.get("id"), "id"),
        kind=WalletMovementKind.PAYOUT,
        amount=amount,
        occurred_at=unix_time(item.get("paid_time") or item.get("create_time"), "create_time"),
        currency=text(paid.get("currency"), "amount.currency"),
        revision=f"{status}:{amount}",
        raw=raw,
        status=PAYMENT_STATUS[status],
    )


# TikTok payment statuses (PAID, FAILED, PROCESSING) onto the canonical ones.
PAYMENT_STATUS = {"PAID": "COMPLETED", "PROCESSING": "PENDING", "FAILED": "FAILED"}


# --- stock ---------------------------------------------------------------------------------------------------------


def _inventory(page: LandedPage, data: dict[str, Any]) -> Iterator[Parsed]:
    return each(page, data.get("inventory"), lambda p: p.get("product_id"), lambda item, raw: levels(page, item, raw))


def levels(page: LandedPage, item: dict[str, Any], raw: RawRef) -> list[Parsed]:
    skus = item.get("skus")
    if not isinstance(skus, list):
        raise BadField("skus", "is missing", "missing_field")
    found: list[Parsed] = []
    for index, sku in enumerate(skus):
        sku_id = text(sku.get("id"), f"skus[{index}].id")
        for spot, stock in enumerate(sku.get("warehouse_inventory") or []):
            where = f"skus[{index}].warehouse_inventory[{spot}]"
            available, committed = stock.get("available_quantity"), stock.get("committed_quantity") or 0
            if isinstance(available, bool) or not isinstance(available, int) or not isinstance(committed, int):
                raise BadField(where, "quantities are not integers", "invalid_quantity")
            found.append(
                StockLevel(
                    platform=PLATFORM,
                    shop_ref=page.shop_ref,
                    sku_ref=sku_id,
                    seller_sku=str(sku.get("seller_sku") or "") or None,
                    location=text(stock.get("warehouse_id"), f"{where}.warehouse_id"),
                    available=available,
                    reserved=committed,
                    observed_at=page.fetched_at,
                    raw=RawRef(raw.page_id, sku_id),
                    revision=str(available),
                )
            )
    return found


PARSERS: dict[str, Callable[[LandedPage, dict[str, Any]], Iterator[Parsed]]] = {
    "tts_order_detail": _orders,
    "tts_statement_transactions": _transactions,
    "tts_withdrawals": _withdrawals,
    "tts_payments": _payments,
    "tts_inventory": _inventory,
}
