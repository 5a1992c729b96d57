"""Legacy Tokopedia (fs API) payloads → canonical records. Pure functions over landed pages.

Orders are the rows of the order list (full orders; ``order`` says which times it lacks). Settlements: the fs
API has no settlement endpoint and does not itemise Tokopedia's fees, so a settlement document is one saldo row that
concerns an order, landed together with that order (``request.context.saldo_entry``): the sale credit
(``Type`` 1001) has the order's product subtotal as gross, the saldo amount as net and the difference split by
``legacy/deductions.py`` into the buyer's refunds (from the invoice's resolution tickets, landed with it), PPh 22
and the fees the fs API does not itemise; any other order row (a refund taken back later) has gross 0. The
wallet stream reads the same saldo rows as balance movements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from connectors.base.amounts import BadField, money, quantity, text, unix_time
from connectors.base.http import parse_json
from connectors.base.protocol import LandedPage
from connectors.base.records import (
    FeeKind,
    Order,
    OrderLine,
    Parsed,
    RawRef,
    Settlement,
    SettlementComponent,
    StockLevel,
    WalletMovement,
    WalletMovementKind,
)
from connectors.tokopedia.legacy.deductions import PPH22_STATUTORY_BPS, deductions
from connectors.tokopedia.parse_common import PLATFORM, checked, each, malformed, masker
from connectors.tokopedia.statuses import LEGACY_ORDER_STATUS, SALDO_KINDS, SALDO_REFUND, SALDO_SALE

WIB = timezone(timedelta(hours=7))
INVOICE = re.compile(r"INV/[0-9A-Za-z/]+")
# Buyer contact data (encrypted for the partner since Nov 2020, §2.7) is masked before landing, ciphertext too.
scrub_personal_data = masker(
    (
        "phone",
        "email",
        "address_full",
        "geo",
        "secret",
        "content",
        "buyer_fullname",
        "buyer_email",
        "buyer_phone",
        "receiver_name",
        "receiver_phone",
        "address_street",
    )
)


def invoice_of(note: Any) -> str | None:
    """The invoice number a saldo row's note names ("Transaksi Penjualan Berhasil - INV/…"), if any."""
    match = INVOICE.search(note) if isinstance(note, str) else None
    return match.group(0) if match else None


def wib_time(value: Any, field: str) -> datetime:
    """Saldo times are Jakarta wall-clock strings ("2020-12-08 13:33:56") [I: WIB assumed, §2.8]."""
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=WIB).astimezone(UTC)
    except ValueError:
        raise BadField(field, f"time {value!r} is not 'YYYY-MM-DD hh:mm:ss'", "invalid_time") from None


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    parser = PARSERS.get(page.kind)
    if parser is None:
        return iter(())  # index pages (order list, saldo scan) carry ids only
    try:
        payload = parse_json(page.body)
    except ValueError:
        return iter([malformed(page, f"{page.kind} page is not JSON")])
    if not isinstance(payload, dict) or "header" not in payload or (payload["header"] or {}).get("error_code"):
        return iter([malformed(page, f"{page.kind} page is not a successful Tokopedia envelope")])
    return parser(page, payload.get("data"))


# --- orders ----------------------------------------------------------------------------------------------------


def _orders(page: LandedPage, data: Any) -> Iterator[Parsed]:
    return each(page, data, lambda o: o.get("order_id"), lambda item, raw: order(page.shop_ref, item, raw))


def order(shop_ref: str, item: dict[str, Any], raw: RawRef) -> Order:
    """One row of ``/v2/order/list``.

    The list carries no update time (``create_time`` only), so the status code is the revision, and
    ``updated_at`` stays the creation time: the one time the platform states, and stable, so re-reading an
    unchanged order gives an identical record. When the goods left is not in the list either (``shipped_at``
    is None); mapping dates such an event by the landed page that first shows it."""
    code = item.get("order_status")
    if isinstance(code, bool) or not isinstance(code, int) or code not in LEGACY_ORDER_STATUS:
        raise BadField("order_status", f"unknown Tokopedia order status {code!r}", "unknown_status")
    products = item.get("products")
    if not isinstance(products, list) or not products:
        raise BadField("products", "order has no products", "missing_field")
    lines = []
    for index, product in enumerate(products):
        where = f"products[{index}]"
        count = quantity(product.get("quantity"), f"{where}.quantity")
        price = money(product.get("price"), f"{where}.price", allow_negative=False)
        total = money(product.get("total_price"), f"{where}.total_price", allow_negative=False)
        lines.append(_line(where, text(product.get("id"), f"{where}.id"), product, count, price, total))
    created = unix_time(item.get("create_time"), "create_time")
    return Order(
        platform=PLATFORM,
        shop_ref=shop_ref,
        order_ref=text(item.get("order_id"), "order_id"),
        status=LEGACY_ORDER_STATUS[code],
        created_at=created,
        updated_at=created,
        currency="IDR",  # the fs API sells in rupiah only ("Rp")
        lines=tuple(lines),
        revision=str(code),
        raw=raw,
        platform_status=str(code),
    )


def _line(where: str, sku_ref: str, product: dict[str, Any], count: int, price: Decimal, total: Decimal) -> OrderLine:
    """The line total is what the buyer paid; a total below count × price is a discount, above it an error."""
    if total > price * count:
        raise BadField(where, f"total {total} exceeds {count} × {price}", "inconsistent_line")
    name = product.get("name") if "name" in product else product.get("product_name", product.get("Name"))
    return OrderLine(
        sku_ref=sku_ref,
        seller_sku=str(product.get("sku") or "") or None,
        name=str(name or ""),
        quantity=count,
        unit_price=price,
        discount=price * count - total,
    )


def _lines(item: dict[str, Any]) -> list[OrderLine]:
    """Products of a single-order answer (``order_info.order_detail``)."""
    details = (item.get("order_info") or {}).get("order_detail")
    if not isinstance(details, list) or not details:
        raise BadField("order_info.order_detail", "order has no products", "missing_field")
    lines = []
    for index, detail in enumerate(details):
        where = f"order_detail[{index}]"
        count = quantity(detail.get("quantity"), f"{where}.quantity")
        price = money(detail.get("product_price"), f"{where}.product_price", allow_negative=False)
        total = money(detail.get("subtotal_price"), f"{where}.subtotal_price", allow_negative=False)
        lines.append(_line(where, text(detail.get("product_id"), f"{where}.product_id"), detail, count, price, total))
    return lines


# --- settlements (saldo rows joined with their order) ------------------------------------------------------------


def _settlements(page: LandedPage, data: Any) -> Iterator[Parsed]:
    context = page.request.get("context") or {}
    entry = context.get("saldo_entry") or {}

    def build(item: dict[str, Any], raw: RawRef) -> Parsed:
        key = str(item.get("order_id") or invoice_of(entry.get("note")) or "")
        return checked(settlement(page.shop_ref, item, context, raw), key)

    return each(page, [data], lambda o: o.get("order_id") or invoice_of(entry.get("note")), build)


def settlement(shop_ref: str, item: dict[str, Any], context: dict[str, Any], raw: RawRef) -> Settlement:
    """One saldo row that concerns an order (``context``: the row, and for a sale credit the invoice's resolution
    tickets and the shop's PPh 22 rate, as the pull landed them), itemised by ``legacy/deductions.py``."""
    entry = context.get("saldo_entry") or {}
    invoice = invoice_of(entry.get("note"))
    if not invoice or invoice != item.get("invoice_number"):
        raise BadField("saldo_entry.note", f"saldo row names {invoice!r}, not this order's invoice", "invoice_mismatch")
    net = money(entry.get("amount"), "saldo_entry.amount")
    released = wib_time(entry.get("create_time"), "saldo_entry.create_time")
    lines = _lines(item)
    if entry.get("Type") == SALDO_SALE:
        gross = sum((line.amount for line in lines), Decimal(0))
        tickets = context.get("resolution_tickets") or []
        rate = context.get("pph22_bps", PPH22_STATUTORY_BPS)
        components = deductions(gross, net, released, tickets, rate)
        line_gross = tuple((line.sku_ref, line.amount) for line in lines)
    else:
        kind = FeeKind.REFUND if entry.get("Type") == SALDO_REFUND else FeeKind.OTHER
        gross, line_gross = Decimal(0), ()
        components = (SettlementComponent(kind, net, str(entry.get("type_description") or "")),) if net else ()
    return Settlement(
        platform=PLATFORM,
        shop_ref=shop_ref,
        settlement_ref=text(entry.get("deposit_id"), "saldo_entry.deposit_id"),
        order_ref=text(item.get("order_id"), "order_id"),
        released_at=released,
        currency="IDR",
        gross=gross,
        components=components,
        net=net,
        revision="1",  # a saldo row never changes
        raw=raw,
        line_gross=line_gross,
    )


# --- wallet (saldo history) ------------------------------------------------------------------------------------------


def _wallet(page: LandedPage, data: Any) -> Iterator[Parsed]:
    rows = data.get("saldo_history") if isinstance(data, dict) else None
    return each(page, rows, lambda r: r.get("deposit_id"), lambda item, raw: movement(page.shop_ref, item, raw))


def movement(shop_ref: str, item: dict[str, Any], raw: RawRef) -> WalletMovement:
    type_code = item.get("Type")
    kind = SALDO_KINDS.get(type_code) if isinstance(type_code, int) else None
    if kind is None:
        kind = WalletMovementKind.WITHDRAWAL if item.get("class") == "Withdrawal" else WalletMovementKind.OTHER
    amount = money(item.get("amount"), "amount")
    if kind is WalletMovementKind.WITHDRAWAL:
        amount = -abs(amount)
    balance = item.get("saldo")
    return WalletMovement(
        platform=PLATFORM,
        shop_ref=shop_ref,
        movement_ref=text(item.get("deposit_id"), "deposit_id"),
        kind=kind,
        amount=amount,
        occurred_at=wib_time(item.get("create_time"), "create_time"),
        currency="IDR",
        revision="1",
        raw=raw,
        bank_reference=str(item.get("note") or "") or None if kind is WalletMovementKind.WITHDRAWAL else None,
        balance_after=money(balance, "saldo") if balance is not None else None,
    )


# --- stock ---------------------------------------------------------------------------------------------------------


def _stock(page: LandedPage, data: Any) -> Iterator[Parsed]:
    return each(
        page, data, lambda p: (p.get("basic") or {}).get("productID"), lambda item, raw: levels(page, item, raw)
    )


def levels(page: LandedPage, item: dict[str, Any], raw: RawRef) -> list[Parsed]:
    product_id = text((item.get("basic") or {}).get("productID"), "basic.productID")
    seller_sku = str((item.get("other") or {}).get("sku") or "") or None
    reserved = item.get("reserve_stock") or 0
    places = [
        (str(w.get("warehouseID")), (w.get("stock") or {}).get("value"))
        for w in item.get("warehouses") or []
        if isinstance(w, dict)
    ] or [("default", (item.get("stock") or {}).get("value"))]
    found: list[Parsed] = []
    for location, available in places:
        if isinstance(available, bool) or not isinstance(available, int) or not isinstance(reserved, int):
            raise BadField(f"stock@{location}", f"stock {available!r} is not an integer", "invalid_quantity")
        found.append(
            StockLevel(
                platform=PLATFORM,
                shop_ref=page.shop_ref,
                sku_ref=product_id,
                seller_sku=seller_sku,
                location=location,
                available=available,
                reserved=reserved,
                observed_at=page.fetched_at,
                raw=RawRef(raw.page_id, product_id),
                revision=str(available),
            )
        )
    return found


PARSERS: dict[str, Callable[[LandedPage, Any], Iterator[Parsed]]] = {
    "fs_order_list": _orders,
    "fs_saldo_order": _settlements,
    "fs_saldo_history": _wallet,
    "fs_product_info": _stock,
}
