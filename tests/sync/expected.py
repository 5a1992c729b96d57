"""What the ledger must hold per member, computed independently of ``core_mapping.rules``.

Two layers of truth: the conformance kit proves each connector's settlements equal the world's per order;
here the written policy (design §5: consignment, fees charged to the member, PPh 22 as the cooperative's
prepaid tax, commission on gross net of refunds rounded once per settlement document) is applied to those
settlement documents, every split by largest remainder (ties to the lowest member number) over the members'
merchandise amounts in the world's order, except a refund of returned items, which is their owners'.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from connectors.base.records import FeeKind, Settlement
from connectors.base.sandbox.world import World
from ledger.money import allocate, bps_of, member_sort_key, to_minor

REDUCTIONS = (FeeKind.REFUND, FeeKind.ADJUSTMENT)


def split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Largest remainder, ties to the lowest member number in numeric order."""
    if len(weights) == 1:
        return {next(iter(weights)): total}
    parts = allocate(abs(total), weights, tie_order={member: member_sort_key(member) for member in weights})
    return {member: part if total >= 0 else -part for member, part in parts.items()}


def latest_documents(settlements: list[Settlement]) -> list[Settlement]:
    latest: dict[str, Settlement] = {}
    for s in settlements:
        key = s.settlement_ref
        if key not in latest or int(s.revision or 0) >= int(latest[key].revision or 0):
            latest[key] = s
    return list(latest.values())


def member_totals_from_documents(
    world: World, platform: str, documents: list[Settlement], *, commission_bps: int = 500
) -> dict[str, Counter[str]]:
    orders = {o.order_ref: o for o in world.orders if o.platform == platform}
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in latest_documents(documents):
        order = orders[doc.order_ref]
        weights: Counter[str] = Counter()
        returned: Counter[str] = Counter()
        for line in order.lines:
            weights[line.product.member_no] += line.amount
            returned[line.product.member_no] += line.unit_price * order.returned.get(line.product.sku_ref, 0)
        refunds: Counter[str] = Counter()
        for kind in FeeKind:
            amount = sum((to_minor(c.amount) for c in doc.components if c.kind is kind), 0)
            if not amount:
                continue
            parts: Counter[str] = Counter()
            if kind is FeeKind.REFUND and amount < 0 and sum(returned.values()):
                # The refund of the returned items is their owners'; only the rest is spread by goods value.
                attributed = -min(-amount, sum(returned.values()))
                parts.update(split(attributed, {m: v for m, v in returned.items() if v}))
                amount -= attributed
            if amount:
                parts.update(split(amount, dict(weights)))
            for member, part in parts.items():
                if kind is FeeKind.TAX_WITHHELD_PPH22:
                    totals[f"shop:{doc.shop_ref}"]["pph22"] -= part
                elif kind in REDUCTIONS:
                    refunds[member] -= part
                else:
                    totals[member]["fees"] -= part
        gross = split(to_minor(doc.gross), dict(weights))
        bases = {member: gross[member] - refunds[member] for member in gross}
        # The order's commission is rounded once, then split by each member's base.
        fee = bps_of(sum(bases.values()), commission_bps)
        shares = {m: max(0, b) for m, b in bases.items()}
        commission = split(fee, shares if any(shares.values()) else {m: 1 for m in bases})
        for member in gross:
            totals[member]["gross"] += gross[member]
            totals[member]["refunds"] += refunds[member]
            totals[member]["commission"] += commission[member]
        totals[f"shop:{doc.shop_ref}"]["receivable"] += to_minor(doc.net)
    for member, figures in totals.items():
        if not member.startswith("shop:"):
            figures["payable"] = figures["gross"] - figures["refunds"] - figures["fees"] - figures["commission"]
    return totals


def member_totals(
    world: World, platform: str, *, commission_bps: int = 500, as_of: datetime | None = None
) -> dict[str, Counter[str]]:
    """The Shopee dialect straight from the world: a return refund is reported with the release, a later
    refund as an adjustment of the same document."""
    documents = []
    as_of = as_of or world.as_of
    from decimal import Decimal

    from connectors.base.records import RawRef, SettlementComponent

    for shop in world.shops_on(platform):
        for order, latest in world.iter_settled(platform, shop.shop_ref, as_of):
            first = order.settlements[0]
            kinds = {**latest.fees, "REFUND": first.refunds, "ADJUSTMENT": latest.refunds - first.refunds}
            components = tuple(SettlementComponent(FeeKind(k), Decimal(v)) for k, v in kinds.items() if v)
            documents.append(
                Settlement(
                    platform,
                    shop.shop_ref,
                    order.order_ref,
                    order.order_ref,
                    latest.released_at,
                    "IDR",
                    Decimal(latest.gross),
                    components,
                    Decimal(latest.net),
                    str(latest.revision),
                    RawRef(0),
                )
            )
    return member_totals_from_documents(world, platform, documents, commission_bps=commission_bps)
