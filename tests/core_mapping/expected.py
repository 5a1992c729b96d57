"""What the ledger must hold per member, computed from the sandbox world and the written policy.

Independent of ``core_mapping.rules``: the policy is restated here from design §5 (consignment, fees charged
to the member, PPh 22 as the cooperative's prepaid tax, commission on gross net of refunds per settlement
document) and every split uses largest remainder by the members' merchandise amounts, per fee kind.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from connectors.base.sandbox.world import World
from ledger.money import allocate, bps_of


def split(total: int, weights: dict[str, int]) -> dict[str, int]:
    if len(weights) == 1:
        return {next(iter(weights)): total}
    parts = allocate(abs(total), weights)
    return {member: part if total >= 0 else -part for member, part in parts.items()}


def member_totals(
    world: World, platform: str, *, commission_bps: int = 500, as_of: datetime | None = None
) -> dict[str, Counter[str]]:
    """Per member: gross, refunds (≥ 0), fees (≥ 0), commission, payable; and per shop: pph22, receivable."""
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    as_of = as_of or world.as_of
    for shop in world.shops_on(platform):
        for order, latest in world.iter_settled(platform, shop.shop_ref, as_of):
            weights: Counter[str] = Counter()
            for line in order.lines:
                weights[line.product.member_no] += line.amount
            first = order.settlements[0]
            kinds = dict(latest.fees)
            # The Shopee dialect reports a return refund with the release and a later refund as an adjustment.
            kinds["REFUND"] = first.refunds
            kinds["ADJUSTMENT"] = latest.refunds - first.refunds
            gross = split(latest.gross, weights)
            refunds: Counter[str] = Counter()
            for kind, amount in kinds.items():
                if not amount:
                    continue
                for member, part in split(amount, weights).items():
                    if kind == "TAX_WITHHELD_PPH22":
                        totals[f"shop:{shop.shop_ref}"]["pph22"] -= part
                    elif kind in ("REFUND", "ADJUSTMENT"):
                        refunds[member] -= part
                    else:
                        totals[member]["fees"] -= part
            for member, amount in gross.items():
                totals[member]["gross"] += amount
                totals[member]["refunds"] += refunds[member]
                totals[member]["commission"] += bps_of(amount - refunds[member], commission_bps)
            totals[f"shop:{shop.shop_ref}"]["receivable"] += latest.net
    for member, figures in totals.items():
        if not member.startswith("shop:"):
            figures["payable"] = figures["gross"] - figures["refunds"] - figures["fees"] - figures["commission"]
    return totals
