"""Posting rules (design §5): a settlement's money and an order's goods as *target* postings.

Pure functions, no I/O. A document's postings are cumulative: the ledger already holds what earlier
revisions posted, and ``delta`` turns "target minus already posted" into the adjustment a new revision
needs — never a second full entry, never an edit. Amounts here are integer ledger units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from connectors.base.records import FeeKind, Settlement
from core_mapping.policy import (
    COMMISSION_INCOME,
    CONSIGNMENT_PAYABLE,
    FEE_EXPENSE,
    MEMBER_GOODS_REVENUE,
    PREPAID_PPH22,
    MemberPolicy,
)
from ledger.money import allocate, bps_of, to_minor
from ledger.posting import LineDraft

# (account, member_no, shop_ref, tag) → signed amount, debit positive.
LineKey = tuple[str, str | None, str | None, str | None]
Lines = dict[LineKey, int]

RETURNS_AND_ALLOWANCES = "4-1900"
SALE_REDUCTIONS = frozenset({FeeKind.REFUND, FeeKind.ADJUSTMENT})
# Line tags. A member's SHU transaction volume (design §5) is credits − debits over lines tagged
# ``member_volume`` (gross sales of the member's goods) and ``member_refund`` (refunds and clawbacks of them).
TAG_VOLUME, TAG_REFUND = "member_volume", "member_refund"
TAG_FEE, TAG_PPH22, TAG_COMMISSION = "marketplace_fee", "pph22", "coop_commission"
VOLUME_TAGS = (TAG_VOLUME, TAG_REFUND)


@dataclass(frozen=True, slots=True)
class SettlementTargets:
    sale: Lines
    commission: Lines


def settlement_targets(
    settlement: Settlement,
    weights: Mapping[str, int],
    policies: Mapping[str, MemberPolicy],
    receivable: str,
) -> SettlementTargets:
    """Split a settlement over members by ``weights`` (their merchandise amounts) and apply each member's policy.

    Every amount is allocated with largest remainder, so the members' parts sum exactly to the document's.
    """
    shop = f"{settlement.platform}:{settlement.shop_ref}"
    sale: Lines = defaultdict(int)
    commission: Lines = defaultdict(int)
    gross = _split(to_minor(settlement.gross), weights)
    reductions: dict[str, int] = defaultdict(int)
    for kind in FeeKind:
        total = sum((to_minor(c.amount) for c in settlement.components if c.kind is kind), 0)
        if not total:
            continue
        for member, amount in _split(total, weights).items():
            policy = policies[member]
            if kind is FeeKind.TAX_WITHHELD_PPH22:
                if policy.pph22 == "prepaid_tax":
                    sale[(PREPAID_PPH22, None, shop, None)] -= amount
                else:
                    sale[(CONSIGNMENT_PAYABLE, member, shop, TAG_PPH22)] -= amount
            elif kind in SALE_REDUCTIONS:
                reductions[member] += amount
                account = CONSIGNMENT_PAYABLE if policy.model == "consignment" else RETURNS_AND_ALLOWANCES
                sale[(account, member, shop, TAG_REFUND)] -= amount
            elif policy.model == "consignment" and policy.marketplace_fees == "charge_member":
                sale[(CONSIGNMENT_PAYABLE, member, shop, TAG_FEE)] -= amount
            else:
                sale[(FEE_EXPENSE.get(kind.value, FEE_EXPENSE["OTHER"]), None, shop, None)] -= amount
    for member, amount in gross.items():
        policy = policies[member]
        account = CONSIGNMENT_PAYABLE if policy.model == "consignment" else MEMBER_GOODS_REVENUE
        sale[(account, member, shop, TAG_VOLUME)] -= amount
        if policy.model == "consignment":
            fee = bps_of(amount + reductions[member], policy.commission_bps)
            commission[(CONSIGNMENT_PAYABLE, member, shop, TAG_COMMISSION)] += fee
            commission[(COMMISSION_INCOME, member, shop, TAG_COMMISSION)] -= fee
    sale[(receivable, None, shop, None)] += to_minor(settlement.net)
    return SettlementTargets(_clean(sale), _clean(commission))


def _split(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Largest-remainder split of a signed amount (ties → lowest member number)."""
    if len(weights) == 1:
        return {next(iter(weights)): total}
    parts = allocate(abs(total), weights)
    return {member: part if total >= 0 else -part for member, part in parts.items()}


def _clean(lines: Lines) -> Lines:
    return {key: amount for key, amount in lines.items() if amount}


def delta(target: Lines, posted: Lines) -> Lines:
    """What must still be posted for the ledger to hold ``target`` (zero lines dropped)."""
    keys = set(target) | set(posted)
    return _clean({key: target.get(key, 0) - posted.get(key, 0) for key in keys})


def as_line_drafts(lines: Lines) -> tuple[LineDraft, ...]:
    """Signed lines as drafts (debits first, in a stable order so the content hash is reproducible)."""
    ordered = sorted(lines.items(), key=lambda item: (item[1] < 0, item[0][0], item[0][1] or "", item[0][3] or ""))
    return tuple(
        LineDraft(account, "D" if amount > 0 else "C", abs(amount), member_no=member, shop_ref=shop, tag=tag)
        for (account, member, shop, tag), amount in ordered
    )


def goods_targets(
    shipped: Mapping[tuple[str, str], int], returned: Mapping[tuple[str, str], int]
) -> dict[tuple[str, str], int]:
    """Net quantity change per (product_ref, member_no): shipped out negative, returned back positive."""
    keys = set(shipped) | set(returned)
    return {key: returned.get(key, 0) - shipped.get(key, 0) for key in keys}
