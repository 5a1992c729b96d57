"""Grab landed pages → canonical records. Pure; a bad record becomes ``Rejected``, never an exception.

Money is integer minor units with ``currency.exponent`` (2 for IDR: ``2550000`` is Rp25 500), converted
exactly with ``minor_units``; an unknown exponent or a currency other than the shop's is quarantined.
Kinds: ``submit_order`` (pushed order), ``order_list`` (list/by-id pages: ``Order`` in stream ``orders``,
``Settlement`` from ``merchantEarning`` in stream ``settlements``), ``settlement_report_csv|xlsx``;
``order_state`` pushes are hints and parse to nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, cast

from connectors.base.amounts import BadField, iso_time, minor_units, quantity, text
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
    check_settlement,
)
from connectors.base.settlement_files.layout import parse_report
from connectors.grab.events import load
from connectors.grab.settlement_report import LAYOUT
from connectors.grab.statuses import ORDER_STATE, RANK

PLATFORM = "grab"
Parser = Callable[[LandedPage, str], Iterator[Parsed]]
CAMPAIGN_PARTS = frozenset({"basket_amount", "delivery_fee"})  # OrderCampaign.deductedPart (Grab SDK)


def parse_page(page: LandedPage, currency: str = "IDR") -> Iterator[Parsed]:
    parser = PARSERS.get(page.kind)
    return parser(page, currency) if parser is not None else iter(())


def _rejected(page: LandedPage, key: str, reason: str, message: str) -> Rejected:
    return Rejected(PLATFORM, page.shop_ref, page.stream, key, reason, message, RawRef(page.id, key))


def _each(page: LandedPage, items: list[Any], build: Callable[[dict[str, Any]], Parsed | None]) -> Iterator[Parsed]:
    for index, item in enumerate(items):
        key = str(item.get("orderID") or f"#{index}") if isinstance(item, dict) else f"#{index}"
        try:
            if not isinstance(item, dict):
                raise BadField(f"orders[{index}]", "is not an object", "malformed_record")
            record = build(item)
        except BadField as error:
            yield _rejected(page, key, error.reason, str(error))
            continue
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
            yield _rejected(page, key, "malformed_record", f"{type(error).__name__}: {error}")
            continue
        if record is not None:
            yield check_settlement(record) if isinstance(record, Settlement) else record


# --- orders ------------------------------------------------------------------------------------------------


def _submitted(page: LandedPage, currency: str) -> Iterator[Parsed]:
    try:
        order = load(page.body)
    except ValueError:
        yield _rejected(page, f"page:{page.id}", "malformed_push", "Submit Order body is not JSON")
        return
    yield from _each(page, [order], lambda item: _order(page, item, currency))


def _listed(page: LandedPage, currency: str) -> Iterator[Parsed]:
    try:
        orders = load(page.body)["orders"]
        assert isinstance(orders, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        yield _rejected(page, f"page:{page.id}", "malformed_page", "order list page has no 'orders' list")
        return
    if page.stream == "orders":
        yield from _each(page, orders, lambda item: _order(page, item, currency))
    else:  # the same list landed for settlements: only merchantEarning matters there
        yield from _each(page, orders, lambda item: _earning(page, item, currency))


def _exponent(item: dict[str, Any], currency: str) -> int:
    money = item.get("currency")
    if not isinstance(money, dict):
        raise BadField("currency", "is missing", "missing_field")
    code = text(money.get("code"), "currency.code")
    if code != currency:
        raise BadField("currency.code", f"{code} is not the shop's currency {currency}", "unexpected_currency")
    exponent = money.get("exponent")
    minor_units(0, exponent, "currency.exponent")  # refuses an exponent it does not know (reason unknown_exponent)
    return cast(int, exponent)  # minor_units has just refused anything but an int from 0 to 4


def _order(page: LandedPage, item: dict[str, Any], currency: str) -> Order:
    exponent = _exponent(item, currency)
    state = str(item.get("orderState") or "PENDING")  # a Submit Order has no state yet
    if state not in ORDER_STATE:
        raise BadField("orderState", f"unknown Grab state {state!r}", "unknown_status")
    items = item.get("items")
    if not isinstance(items, list) or not items:
        raise BadField("items", "order has no items", "missing_field")
    discounts = _campaign_discounts(item, items, exponent)
    lines = [_line(line, f"items[{i}]", exponent, discounts.get(i, Decimal(0))) for i, line in enumerate(items)]
    created = iso_time(item.get("orderTime"), "orderTime")
    known = [created] + [iso_time(item[f], f) for f in ("submitTime", "completeTime") if item.get(f)]
    updated = max(known)
    return Order(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        order_ref=text(item.get("orderID"), "orderID"),
        status=ORDER_STATE[state],
        created_at=created,
        updated_at=updated,
        currency=currency,
        lines=tuple(lines),
        revision=f"{int(updated.timestamp()):011d}.{RANK[state]:02d}",
        raw=RawRef(page.id, str(item.get("orderID"))),
        platform_status=state,
    )


def _line(item: Any, where: str, exponent: int, discount: Decimal) -> OrderLine:
    if not isinstance(item, dict):
        raise BadField(where, "is not an object", "malformed_record")
    unit = minor_units(item.get("price"), exponent, f"{where}.price")
    for index, modifier in enumerate(item.get("modifiers") or []):  # paid add-ons per unit of the item
        price = minor_units(modifier.get("price"), exponent, f"{where}.modifiers[{index}].price")
        unit += price * int(modifier.get("quantity") or 1)
    return OrderLine(
        sku_ref=text(item.get("grabItemID"), f"{where}.grabItemID"),
        seller_sku=str(item["id"]) if item.get("id") else None,
        name=str(item.get("name") or ""),
        quantity=quantity(item.get("quantity"), f"{where}.quantity"),
        unit_price=unit,
        discount=discount,
    )


def _campaign_discounts(order: dict[str, Any], items: list[Any], exponent: int) -> dict[int, Decimal]:
    """Merchant-funded campaign amounts per item index. A campaign on several items (or on the basket) is split
    evenly in minor units, the remainder to the first, so the lines still add up to the order exactly.

    Only ``deductedPart: basket_amount`` reduces the items; a ``delivery_fee`` campaign reduces the delivery fee,
    which is no item's price. Any other part (the SDK's enum has only these two) is quarantined, not guessed."""
    ids = [str(item.get("id")) if isinstance(item, dict) else "" for item in items]
    per_item: dict[int, int] = {}
    for index, campaign in enumerate(order.get("campaigns") or []):
        part = campaign.get("deductedPart")
        if part not in CAMPAIGN_PARTS:
            raise BadField(
                f"campaigns[{index}].deductedPart", f"{part!r} is not a documented part", "unknown_campaign_part"
            )
        if part == "delivery_fee":
            continue
        amount = campaign.get("deductedAmount")
        minor_units(amount, exponent, f"campaigns[{index}].deductedAmount")
        applied = [ids.index(str(i)) for i in campaign.get("appliedItemIDs") or [] if str(i) in ids] or list(
            range(len(items))
        )
        share, remainder = divmod(int(amount), len(applied))
        for position, item_index in enumerate(applied):
            per_item[item_index] = per_item.get(item_index, 0) + share + (remainder if position == 0 else 0)
    return {index: Decimal(amount).scaleb(-exponent) for index, amount in per_item.items()}


# --- settlements (merchantEarning) --------------------------------------------------------------------------


def _earning(page: LandedPage, item: dict[str, Any], currency: str) -> Settlement | None:
    """The order's provisional settlement (revision 1) where Grab reports ``merchantEarning``; the settlement
    report (revision 2) supersedes it and adds refunds."""
    earning = (item.get("price") or {}).get("merchantEarning")
    if not earning:
        return None
    exponent = _exponent(item, currency)
    order_id = text(item.get("orderID"), "orderID")
    commission = minor_units(earning.get("commission"), exponent, "price.merchantEarning.commission")
    components = (SettlementComponent(FeeKind.COMMISSION, -commission, "commission"),) if commission else ()
    return Settlement(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        settlement_ref=order_id,
        order_ref=order_id,
        released_at=iso_time(item.get("completeTime"), "completeTime"),
        currency=currency,
        gross=minor_units(earning.get("revenue"), exponent, "price.merchantEarning.revenue"),
        components=components,
        net=minor_units(earning.get("netEarning"), exponent, "price.merchantEarning.netEarning"),
        revision="1",
        raw=RawRef(page.id, order_id),
    )


def _malformed(page: LandedPage, currency: str) -> Iterator[Parsed]:
    yield _rejected(page, f"page:{page.id}", "malformed_push", "an authenticated Grab push that is not an order")


def _report(page: LandedPage, currency: str) -> Iterator[Parsed]:
    return parse_report(page, LAYOUT)


PARSERS: dict[str, Parser] = {
    "submit_order": _submitted,
    "order_list": _listed,
    "malformed_push": _malformed,
    "settlement_report_csv": _report,
    "settlement_report_xlsx": _report,
}
