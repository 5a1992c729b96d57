"""A settlement's postings: the sale, fees and tax (``sale``) and the cooperative's commission (``commission``),
split over the members whose goods the order held; a settlement of a cancelled order is held for review."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from connectors.base.records import Order, OrderStatus, Settlement
from core_mapping.context import MappedBatch, MappingContext, Origin, Unmappable, business_date
from core_mapping.policy import settlement_account
from core_mapping.rules import SplitKeys, as_line_drafts, delta, held_targets, settlement_targets
from ledger.money import to_minor
from ledger.posting import EntryDraft

_PART_TEXT = {"sale": "sale, fees and tax", "commission": "coop commission"}


def map_settlement(context: MappingContext, settlement: Settlement, origin: Origin, batch: MappedBatch) -> None:
    context.check_currency(settlement.currency)
    if settlement.gross < 0:
        raise Unmappable("negative_amount", f"settlement gross {settlement.gross} is negative")
    order = context.known_order(settlement)
    held = order is not None and order.status is OrderStatus.CANCELLED
    if held:
        targets = held_targets(settlement, settlement_account(context.platform, settlement.tender))
        batch.stats["settlements_held"] += 1
    else:
        keys = split_keys(context, settlement, order)
        policies = {m: context.member_policy(m) for m in keys.goods}
        targets = settlement_targets(
            settlement, keys, policies, settlement_account(context.platform, settlement.tender)
        )
    day = business_date(settlement.released_at)
    drafts = []
    document = context.keys("settlement", settlement.settlement_ref)
    for part, target in (("sale", targets.sale), ("commission", targets.commission)):
        ref = document.source_ref(part)
        posted = context.posted.get(ref, {})
        change = delta(target, posted)
        if not change:
            continue
        key = document.idempotency_key(settlement.revision, part)
        drafts.append((key, part, ref, change, bool(posted)))
    for key, part, ref, change, adjusting in drafts:
        description = (
            f"{'Adjustment' if adjusting else 'Settlement'} {context.platform} {settlement.settlement_ref}"
            f" rev {settlement.revision}: " + ("held for review, the order is cancelled" if held else _PART_TEXT[part])
        )
        entry = EntryDraft(
            idempotency_key=key,
            effective_date=day,
            lines=as_line_drafts(change),
            description=description,
            kind="ADJUSTMENT" if adjusting else "ENTRY",
            source_type="settlement",
            source_ref=ref,
        )
        batch.entries.append((entry, origin))
    batch.stats["settlements"] += 1


def split_keys(context: MappingContext, settlement: Settlement, order: Order | None) -> SplitKeys:
    """Each member's merchandise amount in the order (the key that splits the settlement), the value of the
    items the order says came back, and who owns each SKU."""
    lines: list[tuple[str, str | None, Any]] = [(sku, None, amount) for sku, amount in settlement.line_gross]
    day = business_date(settlement.released_at)
    if order is not None:
        day = business_date(order.created_at)
        if not lines:
            lines = [(line.sku_ref, line.seller_sku, line.amount) for line in order.lines]
        else:
            sellers = {line.sku_ref: line.seller_sku for line in order.lines}
            lines = [(sku, sellers.get(sku), amount) for sku, _, amount in lines]
    if not lines:
        return _shop_level_key(context, settlement, day)
    weights: dict[str, int] = Counter()
    owners: dict[str, str] = {}
    for sku, seller_sku, amount in lines:
        _, member = context.owner(sku, seller_sku, day)
        owners[sku] = member
        weights[member] += max(0, to_minor(amount))
    if not any(weights.values()):
        weights = Counter({member: 1 for member in weights})
    returned: dict[str, int] = Counter()
    if order is not None:
        back = dict(order.returned_quantities)
        for line in order.lines:
            quantity = min(back.get(line.sku_ref, 0), line.quantity)
            if quantity and line.sku_ref in owners:
                returned[owners[line.sku_ref]] += to_minor(line.unit_price) * quantity
    return SplitKeys(dict(weights), dict(returned), owners)


def _shop_level_key(context: MappingContext, settlement: Settlement, day: date) -> SplitKeys:
    """No line names a SKU: the whole settlement goes to the shop's (outlet's) member, if the shop has one."""
    member = context.index.shop_member(day)
    if member is None:
        if not context.index.known_shop:
            raise Unmappable("unknown_shop", f"shop {context.platform}:{context.shop_ref} has no member mapping")
        raise Unmappable(
            "order_not_seen",
            f"order {settlement.order_ref} is not known yet, so the settlement cannot be split by SKU owner",
        )
    return SplitKeys({context.active_member(member, day): max(1, to_minor(settlement.gross))})
