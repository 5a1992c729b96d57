"""Shopee payloads → canonical records. Pure functions; a bad record becomes ``Rejected``, never an exception."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from connectors.base.amounts import BadField, money, quantity, text, unix_time
from connectors.base.http import parse_json
from connectors.base.protocol import LandedPage
from connectors.base.records import (
    FeeKind,
    Order,
    OrderLine,
    Parsed,
    RawRef,
    Rejected,
    Settlement,
    SettlementComponent,
    StockLevel,
    WalletMovement,
    WalletMovementKind,
    check_settlement,
)
from connectors.shopee.statuses import ADJUSTMENT_TYPES, ESCROW_TYPES, ORDER_STATUS, WITHDRAWAL_TYPES

PLATFORM = "shopee"
_Built = TypeVar("_Built")  # what one record of a page builds into: a record, or a list of them (stock)
# Buyer personal data Shopee returns that accounting does not need; masked before a page is landed.
_PERSONAL_TEXT = re.compile(rb'("(?:buyer_user_name|buyer_username|buyer_name)"\s*:\s*)"(?:[^"\\]|\\.)*"')
_PERSONAL_NUMBER = re.compile(rb'("buyer_user_id"\s*:\s*)\d+')

# Shopee's documentation gives the wallet and the escrow detail no currency field: an ID shop's money is rupiah.
SHOP_CURRENCY = "IDR"

# order_income fields that are fees or rebates: field → (kind, sign applied to the reported amount). The first
# tuple is documented for both escrow endpoints; each endpoint documents a few of its own (doc_trees.json).
ESCROW_COMPONENTS: tuple[tuple[str, FeeKind, int], ...] = (
    ("commission_fee", FeeKind.COMMISSION, -1),
    ("order_ams_commission_fee", FeeKind.COMMISSION, -1),
    ("service_fee", FeeKind.SERVICE_FEE, -1),
    ("campaign_fee", FeeKind.SERVICE_FEE, -1),
    ("seller_transaction_fee", FeeKind.PAYMENT_FEE, -1),
    ("credit_card_transaction_fee", FeeKind.PAYMENT_FEE, -1),
    ("withholding_tax", FeeKind.TAX_WITHHELD_PPH22, -1),
    ("escrow_tax", FeeKind.OTHER, -1),
    ("voucher_from_seller", FeeKind.VOUCHER_SELLER, -1),
    ("seller_coin_cash_back", FeeKind.VOUCHER_SELLER, -1),
    ("actual_shipping_fee", FeeKind.SHIPPING_SELLER, -1),
    ("reverse_shipping_fee", FeeKind.SHIPPING_SELLER, -1),
    ("shopee_shipping_rebate", FeeKind.SHIPPING_REBATE, 1),
)
# get_escrow_detail_batch spells the 3PL shipping discount without the "3".
BATCH_COMPONENTS = (*ESCROW_COMPONENTS, ("shipping_fee_discount_from_pl", FeeKind.SHIPPING_REBATE, 1))
DETAIL_COMPONENTS = (
    *ESCROW_COMPONENTS,
    ("buyer_paid_shipping_fee", FeeKind.SHIPPING_SELLER, 1),
    ("shipping_fee_discount_from_3pl", FeeKind.SHIPPING_REBATE, 1),
    ("seller_return_refund", FeeKind.REFUND, 1),  # reported as a negative amount
)


def scrub_personal_data(body: bytes) -> bytes:
    """Mask buyer names and ids in a raw body, leaving every other byte exactly as received."""
    return _PERSONAL_NUMBER.sub(rb"\g<1>0", _PERSONAL_TEXT.sub(rb'\g<1>"***"', body))


PUSH_HINT = "push_hint"  # the landed kind of an order-status push: it names an order, the detail is fetched


def pushed_order_sns(pages: list[LandedPage]) -> list[str]:
    """Orders named by landed order-status pushes (code 3: ``{"data": {"ordersn": …}}``), in landing order."""
    named: list[str] = []
    for page in pages:
        if page.kind != PUSH_HINT:
            continue
        try:
            push = parse_json(page.body)
            if push.get("code") == 3 and push["data"].get("ordersn"):
                named.append(str(push["data"]["ordersn"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed hint names nothing; the next pull catches the order anyway
    return list(dict.fromkeys(named))


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    parser = PARSERS.get(page.kind)
    if parser is None:
        return iter(())  # list/scan pages carry ids only; their details are separate pages
    try:
        payload = parse_json(page.body)
        records = payload["response"]
    except (ValueError, KeyError, TypeError):
        return iter(
            [_rejected(page, f"page:{page.id}", "malformed_page", f"{page.kind} page is not a Shopee envelope")]
        )
    return parser(page, records)


def _each(
    page: LandedPage,
    items: Any,
    key_field: str | Callable[[dict[str, Any]], Any],
    build: Callable[[dict[str, Any], RawRef], _Built],
) -> Iterator[_Built | Rejected]:
    """Build each record; a bad one is rejected under its key, or its position when it has no usable key (an
    empty key would merge two rejected records into one quarantine item and lose the other)."""
    if not isinstance(items, list):
        yield _rejected(page, f"page:{page.id}", "malformed_page", f"{page.kind} page has no record list")
        return
    for index, item in enumerate(items):
        found = (key_field(item) if callable(key_field) else item.get(key_field)) if isinstance(item, dict) else None
        key = str(found) if found not in (None, "") else f"#{index}"
        raw = RawRef(page.id, key)
        try:
            if not isinstance(item, dict):
                raise BadField(f"{page.kind}[{index}]", "is not an object", "malformed_record")
            yield build(item, raw)
        except BadField as error:
            yield _rejected(page, key, error.reason, str(error))
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
            yield _rejected(page, key, "malformed_record", f"{page.kind}[{index}]: {type(error).__name__}: {error}")


def _rejected(page: LandedPage, key: str, reason: str, message: str) -> Rejected:
    return Rejected(PLATFORM, page.shop_ref, page.stream, key, reason, message, RawRef(page.id, key))


# --- orders ------------------------------------------------------------------------------------------------


def _orders(page: LandedPage, response: Any) -> Iterator[Parsed]:
    return _each(
        page,
        response.get("order_list") if isinstance(response, dict) else None,
        "order_sn",
        lambda item, raw: _order(page.shop_ref, item, raw),
    )


def _order(shop_ref: str, item: dict[str, Any], raw: RawRef) -> Order:
    platform_status = text(item.get("order_status"), "order_status")
    if platform_status not in ORDER_STATUS:
        raise BadField("order_status", f"unknown Shopee status {platform_status!r}", "unknown_status")
    lines, returned = [], []
    items = item.get("item_list")
    if not isinstance(items, list) or not items:
        raise BadField("item_list", "order has no items", "missing_field")
    for index, line in enumerate(items):
        where = f"item_list[{index}]"
        qty = quantity(line.get("model_quantity_purchased"), f"{where}.model_quantity_purchased")
        original = money(line.get("model_original_price"), f"{where}.model_original_price", allow_negative=False)
        discounted = money(
            line.get("model_discounted_price", original), f"{where}.model_discounted_price", allow_negative=False
        )
        sku_ref = f"{text(line.get('item_id'), f'{where}.item_id')}:{line.get('model_id') or 0}"
        lines.append(
            OrderLine(
                sku_ref=sku_ref,
                seller_sku=line.get("model_sku") or line.get("item_sku") or None,
                name=str(line.get("item_name") or ""),
                quantity=qty,
                unit_price=original,
                discount=(original - discounted) * qty,
            )
        )
        if line.get("returned_qty"):
            returned.append((sku_ref, int(line["returned_qty"])))
    pickup = item.get("pickup_done_time")
    updated = unix_time(item.get("update_time"), "update_time")
    return Order(
        platform=PLATFORM,
        shop_ref=shop_ref,
        order_ref=text(item.get("order_sn"), "order_sn"),
        status=ORDER_STATUS[platform_status],
        created_at=unix_time(item.get("create_time"), "create_time"),
        updated_at=updated,
        currency=text(item.get("currency"), "currency"),
        lines=tuple(lines),
        revision=str(int(updated.timestamp())),
        raw=raw,
        platform_status=platform_status,
        shipped_at=unix_time(pickup, "pickup_done_time") if pickup else None,
        returned_quantities=tuple(returned),
    )


# --- settlements (escrow) -----------------------------------------------------------------------------------


def _escrows(page: LandedPage, response: Any) -> Iterator[Parsed]:
    """A ``get_escrow_detail_batch`` page: ``response`` is an array of ``{"escrow_detail": {...}}``.

    An order with returns (``return_order_sn_list``) is left to its ``get_escrow_detail`` page, which the
    connector lands right after this one: only that endpoint documents the return refund and the order-level
    adjustments, so the batch's figures for it cannot balance and would only fill the quarantine.
    """
    released = (page.request.get("context") or {}).get("escrow_release_time") or {}
    details = (
        [row.get("escrow_detail") if isinstance(row, dict) else row for row in response]
        if isinstance(response, list)
        else None
    )
    if isinstance(details, list):
        details = [d for d in details if not (isinstance(d, dict) and d.get("return_order_sn_list"))]
    build = lambda item, raw: _escrow(page.shop_ref, item, raw, released, BATCH_COMPONENTS)  # noqa: E731
    for parsed in _each(page, details, "order_sn", build):
        yield check_settlement(parsed) if isinstance(parsed, Settlement) else parsed


def _escrow_order(page: LandedPage, response: Any) -> Iterator[Parsed]:
    """A ``get_escrow_detail`` page: one order's escrow with its return refund and order-level adjustments."""
    released = (page.request.get("context") or {}).get("escrow_release_time") or {}
    build = lambda item, raw: _escrow(page.shop_ref, item, raw, released, DETAIL_COMPONENTS)  # noqa: E731
    for parsed in _each(page, [response] if isinstance(response, dict) else None, "order_sn", build):
        yield check_settlement(parsed) if isinstance(parsed, Settlement) else parsed


def _escrow(
    shop_ref: str,
    item: dict[str, Any],
    raw: RawRef,
    released: dict[str, Any],
    fields: tuple[tuple[str, FeeKind, int], ...],
) -> Settlement:
    order_sn = text(item.get("order_sn"), "order_sn")
    income = item.get("order_income")
    if not isinstance(income, dict):
        raise BadField("order_income", "is missing", "missing_field")
    components = [
        SettlementComponent(kind, sign * amount, name)
        for name, kind, sign in fields
        if name in income and (amount := money(income[name], f"order_income.{name}")) != 0
    ]
    adjustments = income.get("order_adjustment") or []  # get_escrow_detail only
    adjusted_at = None
    for index, adjustment in enumerate(adjustments):
        amount = money(adjustment.get("amount"), f"order_adjustment[{index}].amount")
        components.append(
            SettlementComponent(FeeKind.ADJUSTMENT, amount, str(adjustment.get("adjustment_reason") or ""))
        )
        adjusted_at = unix_time(adjustment.get("date"), f"order_adjustment[{index}].date")
    if adjusted_at is None and order_sn not in released:
        raise BadField("escrow_release_time", "release time unknown (not from the escrow list)", "missing_field")
    net_field = "escrow_amount_after_adjustment" if "escrow_amount_after_adjustment" in income else "escrow_amount"
    line_gross = tuple(
        (
            f"{line.get('item_id')}:{line.get('model_id') or 0}",
            money(line.get("discounted_price"), "items.discounted_price"),
        )
        for line in income.get("items") or []
    )
    return Settlement(
        platform=PLATFORM,
        shop_ref=shop_ref,
        settlement_ref=order_sn,
        order_ref=order_sn,
        released_at=adjusted_at or unix_time(released[order_sn], "escrow_release_time"),
        currency=SHOP_CURRENCY,
        gross=money(income.get("cost_of_goods_sold"), "order_income.cost_of_goods_sold", allow_negative=False),
        components=tuple(components),
        net=money(income.get(net_field), f"order_income.{net_field}"),
        revision=str(len(adjustments)),
        raw=raw,
        line_gross=line_gross,
    )


# --- wallet ------------------------------------------------------------------------------------------------


def _wallet(page: LandedPage, response: Any) -> Iterator[Parsed]:
    items = response.get("transaction_list") if isinstance(response, dict) else None
    return _each(page, items, _movement_key, lambda item, raw: _movement(page.shop_ref, item, raw))


def _movement_key(item: dict[str, Any]) -> str:
    """The movement's reference as ``_movement`` forms it, read leniently so a broken row keeps the same key."""
    if item.get("withdrawal_id"):
        return str(item["withdrawal_id"])
    return f"{item.get('transaction_type')}:{item.get('order_sn') or ''}:{item.get('create_time')}"


def _movement(shop_ref: str, item: dict[str, Any], raw: RawRef) -> WalletMovement:
    kind_name = text(item.get("transaction_type"), "transaction_type")
    if kind_name in ESCROW_TYPES:
        kind = WalletMovementKind.ESCROW_CREDIT if kind_name.endswith("ADD") else WalletMovementKind.ADJUSTMENT
    elif kind_name in WITHDRAWAL_TYPES:
        kind = WalletMovementKind.WITHDRAWAL
    elif kind_name in ADJUSTMENT_TYPES:
        kind = WalletMovementKind.ADJUSTMENT
    else:
        kind = WalletMovementKind.OTHER
    created = unix_time(item.get("create_time"), "create_time")
    order_sn = item.get("order_sn") or None
    reference = item.get("withdrawal_id") or f"{kind_name}:{order_sn or ''}:{int(created.timestamp())}"
    balance = item.get("current_balance")
    return WalletMovement(
        platform=PLATFORM,
        shop_ref=shop_ref,
        movement_ref=str(reference),
        kind=kind,
        amount=money(item.get("amount"), "amount"),
        occurred_at=created,
        currency=SHOP_CURRENCY,
        revision=str(item.get("status") or ""),
        raw=RawRef(raw.page_id, str(reference)),
        order_ref=str(order_sn) if order_sn else None,
        bank_reference=str(item["description"])
        if kind is WalletMovementKind.WITHDRAWAL and item.get("description")
        else None,
        status=str(item.get("status") or "COMPLETED"),
        balance_after=money(balance, "current_balance") if balance is not None else None,
    )


# --- stock -------------------------------------------------------------------------------------------------


def _items(page: LandedPage, response: Any) -> Iterator[Parsed]:
    items = response.get("item_list") if isinstance(response, dict) else None
    for parsed in _each(page, items, "item_id", lambda item, raw: _item_stock(page, item, raw)):
        if isinstance(parsed, list):
            yield from parsed
        else:
            yield parsed


def _item_stock(page: LandedPage, item: dict[str, Any], raw: RawRef) -> list[StockLevel]:
    if item.get("has_model"):
        return []  # stock is per model, read from get_model_list
    return _levels(
        page, f"{text(item.get('item_id'), 'item_id')}:0", item.get("item_sku"), item.get("stock_info_v2"), raw
    )


def _models(page: LandedPage, response: Any) -> Iterator[Parsed]:
    item_id = str((page.request.get("params") or {}).get("item_id", ""))
    models = response.get("model") if isinstance(response, dict) else None
    for parsed in _each(
        page,
        models,
        "model_id",
        lambda m, raw: _levels(page, f"{item_id}:{m.get('model_id')}", m.get("model_sku"), m.get("stock_info_v2"), raw),
    ):
        if isinstance(parsed, list):
            yield from parsed
        else:
            yield parsed


def _levels(page: LandedPage, sku_ref: str, seller_sku: Any, info: Any, raw: RawRef) -> list[StockLevel]:
    if not isinstance(info, dict):
        raise BadField("stock_info_v2", "is missing", "missing_field")
    reserved = int((info.get("summary_info") or {}).get("total_reserved_stock") or 0)
    return [
        StockLevel(
            platform=PLATFORM,
            shop_ref=page.shop_ref,
            sku_ref=sku_ref,
            seller_sku=str(seller_sku) if seller_sku else None,
            location=str(entry.get("location_id") or "default"),
            available=int(entry["stock"]),
            reserved=reserved,
            observed_at=page.fetched_at,
            raw=RawRef(raw.page_id, sku_ref),
            revision=str(int(Decimal(entry["stock"]))),
        )
        for entry in info.get("seller_stock") or []
    ]


PARSERS: dict[str, Callable[[LandedPage, Any], Iterator[Parsed]]] = {
    "order_detail": _orders,
    "escrow_detail": _escrows,
    "escrow_order": _escrow_order,
    "wallet_list": _wallet,
    "item_base_info": _items,
    "model_list": _models,
}
