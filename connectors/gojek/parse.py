"""GoBiz landed pages → canonical records. Pure; a bad record becomes ``Rejected``, never an exception.

Kinds: ``gofood_order_event`` (one webhook event → one ``Order`` in the state the event names),
``catalog`` (``GET …/v2/catalog`` → ``StockLevel`` per item and variant), ``settlement_report_csv|xlsx``
(portal files → ``Settlement`` per row). ``settlement_event``, ``catalog_event`` and ``other_event`` are
landed for the record but parse to nothing: GoBiz's settlement event says *that* an order was paid out,
not the commission or net (§4.4), so the settlement report is the source of settlement amounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from connectors.base.amounts import BadField, iso_time, money, quantity, text
from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderLine, OrderStatus, Parsed, RawRef, Rejected, StockLevel
from connectors.base.settlement_files.layout import parse_report
from connectors.gojek.events import load
from connectors.gojek.settlement_report import LAYOUT
from connectors.gojek.statuses import EVENT_STATUS, RANK, WEBHOOK_ERROR

PLATFORM = "gojek"


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    parser = PARSERS.get(page.kind)
    return parser(page) if parser is not None else iter(())


def _rejected(page: LandedPage, key: str, reason: str, message: str) -> Rejected:
    return Rejected(PLATFORM, page.shop_ref, page.stream, key, reason, message, RawRef(page.id, key))


def _malformed(page: LandedPage) -> Iterator[Parsed]:
    yield _rejected(page, f"page:{page.id}", "malformed_event", "a verified GoBiz push that is not a GoBiz event")


# --- order events ------------------------------------------------------------------------------------------


def _order_event(page: LandedPage) -> Iterator[Parsed]:
    try:
        event = load(page.body)
        header, order = event["header"], event["body"]["order"]
        key = str(order.get("order_number") or f"page:{page.id}")
    except (ValueError, KeyError, TypeError, AttributeError):
        yield _rejected(page, f"page:{page.id}", "malformed_event", "order event lacks header or body.order")
        return
    name = str(header.get("event_name") or "")
    try:
        if name == WEBHOOK_ERROR:
            raise BadField("header.event_name", "GoBiz could not process this order (webhook_error)", "platform_error")
        yield _order(page, header, order, name)
    except BadField as error:
        yield _rejected(page, key, error.reason, str(error))
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
        yield _rejected(page, key, "malformed_record", f"{type(error).__name__}: {error}")


def _order(page: LandedPage, header: dict[str, Any], order: dict[str, Any], name: str) -> Order:
    status = EVENT_STATUS.get(name)
    if status is None:
        raise BadField("header.event_name", f"unknown GoFood order event {name!r}", "unknown_status")
    items = order.get("order_items")
    if not isinstance(items, list) or not items:
        raise BadField("order.order_items", "order has no items", "missing_field")
    lines = [_line(item, f"order_items[{index}]") for index, item in enumerate(items)]
    takeaway = money(order.get("takeaway_charges") or 0, "order.takeaway_charges", allow_negative=False)
    lines = _with_promotions(order, lines, takeaway)
    updated = iso_time(header.get("timestamp"), "header.timestamp")
    return Order(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        order_ref=text(order.get("order_number"), "order.order_number"),
        status=status,
        created_at=iso_time(order.get("created_at"), "order.created_at"),
        updated_at=updated,
        currency=str(order.get("currency") or "IDR"),
        lines=tuple(lines),
        # Event time, then the state's rank: the mapping keeps the highest revision whatever the arrival order.
        revision=f"{int(updated.timestamp()):011d}.{RANK[name]:02d}",
        raw=RawRef(page.id, str(order.get("order_number"))),
        platform_status=name.removeprefix("gofood.order."),
        shipped_at=updated if status is OrderStatus.SHIPPED else None,
        charges=takeaway,  # packaging the eater paid for the order: part of its gross, no goods
    )


def _line(item: Any, where: str) -> OrderLine:
    """``price`` is the unit price the eater pays for the item with its variants (variants carry no price in
    GoBiz's payload); discounts come from the order's promotions, never from a per-line field."""
    if not isinstance(item, dict):
        raise BadField(where, "is not an object", "malformed_record")
    return OrderLine(
        sku_ref=text(item.get("id"), f"{where}.id"),
        seller_sku=str(item["external_id"]) if item.get("external_id") else None,
        name=str(item.get("name") or ""),
        quantity=quantity(item.get("quantity"), f"{where}.quantity"),
        unit_price=money(item.get("price"), f"{where}.price", allow_negative=False),
    )


def _with_promotions(order: dict[str, Any], lines: list[OrderLine], takeaway: Decimal) -> list[OrderLine]:
    """Order-level promotions as line discounts: Σ price × quantity + ``takeaway_charges`` − ``order_total``,
    spread over the lines in proportion to their value (largest remainder, whole rupiah), so Σ lines =
    ``order_total`` exactly. (An item promotion is already in the item's ``price``.) The inner fields of
    ``applied_promotions`` are not in the documentation read, so they are not read; an order whose money does not
    add up is quarantined, never guessed (README § Orders)."""
    total = money(order.get("order_total"), "order.order_total", allow_negative=False)
    values = [line.unit_price * line.quantity for line in lines]
    discount = sum(values, Decimal(0)) + takeaway - total
    if discount < 0:
        raise BadField("order.order_total", f"{total} exceeds the items' {sum(values)}", "order_total_mismatch")
    if not discount:
        return lines
    if not order.get("applied_promotions"):
        raise BadField(
            "order.order_total", f"{discount} below the items with no applied_promotions", "unexplained_discount"
        )
    shares = _split(int(discount), [int(value) for value in values])
    return [replace(line, discount=Decimal(share)) for line, share in zip(lines, shares, strict=True)]


def _split(amount: int, weights: list[int]) -> list[int]:
    """``amount`` in whole rupiah over ``weights`` by largest remainder (ties to the earlier line)."""
    whole = sum(weights)
    shares = [amount * weight // whole for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
    for index in by_remainder[: amount - sum(shares)]:
        shares[index] += 1
    return shares


# --- catalog -----------------------------------------------------------------------------------------------


def _catalog(page: LandedPage) -> Iterator[Parsed]:
    """Availability per item and variant. GoBiz reports in/out of stock, never a quantity: ``available`` is 1
    (in stock, quantity not tracked by GoBiz) or 0 (out of stock); see README § Stock."""
    try:
        data = load(page.body)["data"]
        items = [(i, "") for menu in data.get("menus") or [] for i in menu.get("menu_items") or []]
        items += [(v, "variant:") for c in data.get("variant_categories") or [] for v in c.get("variants") or []]
    except (ValueError, KeyError, TypeError, AttributeError):
        yield _rejected(page, f"page:{page.id}", "malformed_page", "catalog page is not a GoBiz catalog envelope")
        return
    for index, (item, prefix) in enumerate(items):
        key = f"{prefix}{item.get('id')}" if isinstance(item, dict) and item.get("id") else f"#{index}"
        try:
            yield _availability(page, item, prefix, key)
        except BadField as error:
            yield _rejected(page, key, error.reason, str(error))


def _availability(page: LandedPage, item: Any, prefix: str, key: str) -> StockLevel:
    if not isinstance(item, dict):
        raise BadField(key, "is not an object", "malformed_record")
    in_stock = item.get("in_stock")
    if not isinstance(in_stock, bool):
        raise BadField(f"{key}.in_stock", f"{in_stock!r} is not true/false", "invalid_field")
    return StockLevel(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        sku_ref=prefix + text(item.get("id"), f"{key}.id"),
        seller_sku=str(item["external_id"]) if item.get("external_id") else None,
        location=page.shop_ref,
        available=1 if in_stock else 0,
        reserved=0,
        observed_at=page.fetched_at,
        raw=RawRef(page.id, key),
        revision="in_stock" if in_stock else "out_of_stock",
    )


def _report(page: LandedPage) -> Iterator[Parsed]:
    return parse_report(page, LAYOUT)


PARSERS: dict[str, Callable[[LandedPage], Iterator[Parsed]]] = {
    "gofood_order_event": _order_event,
    "malformed_event": _malformed,
    "catalog": _catalog,
    "settlement_report_csv": _report,
    "settlement_report_xlsx": _report,
}
