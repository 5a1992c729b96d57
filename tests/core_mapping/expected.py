"""What the ledger must hold per member, computed independently of ``core_mapping.rules``.

Two layers of truth: the conformance kit proves each connector's settlements equal the world's per order;
here the written policy (design §5: consignment, fees charged to the member, PPh 22 as the cooperative's
prepaid tax, commission on gross net of refunds per settlement document) is applied to those settlement
documents, every split by largest remainder over the members' merchandise amounts in the world's order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from connectors.base.records import FeeKind, Settlement
from connectors.base.sandbox.world import World
from ledger.money import allocate, bps_of, to_minor

REDUCTIONS = (FeeKind.REFUND, FeeKind.ADJUSTMENT)


def split(total: int, weights: dict[str, int]) -> dict[str, int]:
    if len(weights) == 1:
        return {next(iter(weights)): total}
    parts = allocate(abs(total), weights)
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
        weights: Counter[str] = Counter()
        for line in orders[doc.order_ref].lines:
            weights[line.product.member_no] += line.amount
        refunds: Counter[str] = Counter()
        for kind in FeeKind:
            amount = sum((to_minor(c.amount) for c in doc.components if c.kind is kind), 0)
            if not amount:
                continue
            for member, part in split(amount, dict(weights)).items():
                if kind is FeeKind.TAX_WITHHELD_PPH22:
                    totals[f"shop:{doc.shop_ref}"]["pph22"] -= part
                elif kind in REDUCTIONS:
                    refunds[member] -= part
                else:
                    totals[member]["fees"] -= part
        for member, gross in split(to_minor(doc.gross), dict(weights)).items():
            totals[member]["gross"] += gross
            totals[member]["refunds"] += refunds[member]
            totals[member]["commission"] += bps_of(gross - refunds[member], commission_bps)
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
