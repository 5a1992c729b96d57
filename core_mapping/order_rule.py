"""An order's postings: goods leaving and returning to stock per (product, member), and, for principal-model
members, the cost of the goods sold. Money of the sale itself is booked from its settlement."""

from __future__ import annotations

from collections import Counter

from connectors.base.records import GOODS_OUT_STATUSES, Order, OrderStatus
from core_mapping.context import MappedBatch, MappingContext, Origin, Unmappable, business_date
from core_mapping.policy import COST_OF_GOODS_SOLD, INVENTORY
from core_mapping.rules import as_line_drafts, delta, goods_targets
from ledger.goods import MovementDraft
from ledger.posting import EntryDraft


def map_order(context: MappingContext, order: Order, origin: Origin, batch: MappedBatch) -> None:
    context.check_currency(order.currency)
    day = business_date(order.created_at)
    owners = {line.sku_ref: context.owner(line.sku_ref, line.seller_sku, day) for line in order.lines}
    goods_out = order.status in GOODS_OUT_STATUSES or (
        order.shipped_at is not None and order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED)
    )
    shipped: dict[tuple[str, str], int] = Counter()
    returned: dict[tuple[str, str], int] = Counter()
    returns = dict(order.returned_quantities)
    for line in order.lines:
        product, member = owners[line.sku_ref]
        if goods_out:
            shipped[(product, member)] += line.quantity
            back = (
                line.quantity
                if order.status is OrderStatus.RETURNED
                else min(returns.get(line.sku_ref, 0), line.quantity)
            )
            returned[(product, member)] += back
    keys = context.keys("order", order.order_ref)
    ref = keys.source_ref()
    posted = context.goods.get(ref, {})
    moment = order.shipped_at or order.updated_at
    movements = []
    for (product, member), quantity in sorted(goods_targets(shipped, returned).items()):
        change = quantity - posted.get((product, member), 0)
        if not change:
            continue
        draft = MovementDraft(
            idempotency_key=keys.idempotency_key(order.revision, product),
            effective_date=business_date(moment),
            product_ref=product,
            location=context.shop,
            quantity=change,
            reason="SALE_SHIPPED" if change < 0 else "RETURN_RECEIVED",
            member_no=member,
            source_type="order",
            source_ref=ref,
        )
        movements.append((draft, origin))
    cost_of_sales(context, order, goods_targets(shipped, returned), origin, batch)  # may refuse the order
    batch.movements.extend(movements)
    batch.stats["orders"] += 1


def cost_of_sales(
    context: MappingContext, order: Order, quantities: dict[tuple[str, str], int], origin: Origin, batch: MappedBatch
) -> None:
    """Principal-model members: goods leaving stock cost the cooperative their purchase price (COGS)."""
    shop = context.shop
    target: dict[tuple[str, str | None, str | None, str | None], int] = Counter()
    for (product, member), quantity in quantities.items():
        if context.member_policy(member).model != "principal" or not quantity:
            continue
        cost = context.unit_cost(product)
        if cost is None:
            raise Unmappable("missing_unit_cost", f"product {product} has no unit_cost for the principal model")
        target[(COST_OF_GOODS_SOLD, member, shop, None)] -= quantity * cost
        target[(INVENTORY, None, shop, None)] += quantity * cost
    keys = context.keys("order", order.order_ref)
    ref = keys.source_ref("cogs")
    change = delta({k: v for k, v in target.items() if v}, context.posted.get(ref, {}))
    if change:
        entry = EntryDraft(
            idempotency_key=keys.idempotency_key(order.revision, "cogs"),
            effective_date=business_date(order.shipped_at or order.updated_at),
            lines=as_line_drafts(change),
            description=f"Cost of goods sold, order {order.order_ref}",
            source_type="order",
            source_ref=ref,
        )
        batch.entries.append((entry, origin))
