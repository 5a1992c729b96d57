"""Posting rules (design §5): a settlement's money and an order's goods as *target* postings.

Pure functions, no I/O. A document's postings are cumulative: the ledger already holds what earlier
revisions posted, and ``delta`` turns "target minus already posted" into the adjustment a new revision
needs — never a second full entry, never an edit. Amounts here are integer ledger units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from connectors.base.records import FeeKind, Settlement, SettlementComponent
from core_mapping.policy import (
    COMMISSION_INCOME,
    CONSIGNMENT_PAYABLE,
    FEE_EXPENSE,
    HELD_SETTLEMENTS,
    MEMBER_GOODS_REVENUE,
    PREPAID_PPH22,
    MemberPolicy,
)
from ledger.money import allocate_to_members, bps_of, to_minor
from ledger.posting import LineDraft

# (account, member_no, shop_ref, tag) → signed amount, debit positive.
LineKey = tuple[str, str | None, str | None, str | None]
Lines = dict[LineKey, int]

RETURNS_AND_ALLOWANCES = "4-1900"
SALE_REDUCTIONS = frozenset({FeeKind.REFUND, FeeKind.ADJUSTMENT})
# Line tags. A member's SHU transaction volume (design §5) is credits − debits over lines tagged
# ``member_volume`` (gross sales of the member's goods) and ``member_refund`` / ``member_refund_shared`` (refunds
# and clawbacks of them).
TAG_VOLUME, TAG_REFUND = "member_volume", "member_refund"
# A refund the platform does not attribute to an item of a multi-member order, spread by goods value.
TAG_REFUND_SHARED = "member_refund_shared"
TAG_FEE, TAG_PPH22, TAG_COMMISSION = "marketplace_fee", "pph22", "coop_commission"
VOLUME_TAGS = (TAG_VOLUME, TAG_REFUND, TAG_REFUND_SHARED)
KIND_ORDER = {kind: position for position, kind in enumerate(FeeKind)}  # components are split in this order


@dataclass(frozen=True, slots=True)
class SettlementTargets:
    sale: Lines
    commission: Lines


@dataclass(frozen=True, slots=True)
class SplitKeys:
    """Who bears which part of a settlement.

    ``goods``: each member's merchandise amount in the order, the key for gross, fees and whatever the platform
    does not attribute to an item. ``returned``: the value of the items the platform says came back, per member;
    a refund is charged to those owners first. ``sku_owner``: the member owning each SKU of the order, for a
    component that names its item (``SettlementComponent.sku_ref``)."""

    goods: Mapping[str, int]
    returned: Mapping[str, int] = field(default_factory=dict)
    sku_owner: Mapping[str, str] = field(default_factory=dict)


def settlement_targets(
    settlement: Settlement,
    keys: SplitKeys,
    policies: Mapping[str, MemberPolicy],
    receivable: str,
) -> SettlementTargets:
    """Split a settlement over members and apply each member's policy.

    Every amount is allocated with largest remainder (ties to the lowest member number), so the members' parts
    sum exactly to the document's. A refund goes to the owners of the returned items where the platform names
    them; the rest of it is spread by goods value and tagged ``member_refund_shared`` so the statement says so.
    The commission is computed once per order and rate, then split: rounding per member would charge more than
    the rate (three members of 33 333 pay 1 667 each, 5 001, where 5 % of 99 999 is 5 000)."""
    shop = f"{settlement.platform}:{settlement.shop_ref}"
    sale: Lines = defaultdict(int)
    gross = allocate_to_members(to_minor(settlement.gross), keys.goods)
    reductions: dict[str, int] = defaultdict(int)
    for kind, member, amount, tag in _member_parts(settlement, keys):
        policy = policies[member]
        if kind is FeeKind.TAX_WITHHELD_PPH22:
            if policy.pph22 == "prepaid_tax":
                sale[(PREPAID_PPH22, None, shop, None)] -= amount
            else:
                sale[(CONSIGNMENT_PAYABLE, member, shop, TAG_PPH22)] -= amount
        elif kind in SALE_REDUCTIONS:
            reductions[member] += amount
            account = CONSIGNMENT_PAYABLE if policy.model == "consignment" else RETURNS_AND_ALLOWANCES
            sale[(account, member, shop, tag)] -= amount
        elif policy.model == "consignment" and policy.marketplace_fees == "charge_member":
            sale[(CONSIGNMENT_PAYABLE, member, shop, TAG_FEE)] -= amount
        else:
            sale[(FEE_EXPENSE.get(kind.value, FEE_EXPENSE["OTHER"]), None, shop, None)] -= amount
    for member, amount in gross.items():
        account = CONSIGNMENT_PAYABLE if policies[member].model == "consignment" else MEMBER_GOODS_REVENUE
        sale[(account, member, shop, TAG_VOLUME)] -= amount
    sale[(receivable, None, shop, None)] += to_minor(settlement.net)
    bases = {member: gross[member] + reductions[member] for member in gross}
    return SettlementTargets(_clean(sale), _clean(_commission(bases, policies, shop)))


def held_targets(settlement: Settlement, receivable: str) -> SettlementTargets:
    """A settlement of an order the platform calls cancelled: its net is held in suspense (2-1700) until
    finance reviews it. No member volume, no commission: a cancelled order is nobody's sale yet."""
    shop = f"{settlement.platform}:{settlement.shop_ref}"
    net = to_minor(settlement.net)
    held: Lines = {(receivable, None, shop, None): net, (HELD_SETTLEMENTS, None, shop, None): -net}
    return SettlementTargets(_clean(held), {})


def _member_parts(settlement: Settlement, keys: SplitKeys) -> list[tuple[FeeKind, str, int, str | None]]:
    """Every component's amount per member, as ``(kind, member, signed amount, tag for sale reductions)``."""
    parts: list[tuple[FeeKind, str, int, str | None]] = []
    shared = TAG_REFUND_SHARED if len(keys.goods) > 1 else TAG_REFUND
    by_kind: dict[FeeKind, list[SettlementComponent]] = defaultdict(list)
    for component in settlement.components:
        by_kind[component.kind].append(component)
    for kind in sorted(by_kind, key=KIND_ORDER.__getitem__):  # the enum's order, whatever the components' order
        total = 0
        for component in by_kind[kind]:
            owner = keys.sku_owner.get(component.sku_ref or "")
            if owner is not None and kind in SALE_REDUCTIONS:
                parts.append((kind, owner, to_minor(component.amount), TAG_REFUND))
            else:
                total += to_minor(component.amount)
        if not total:
            continue
        if kind is FeeKind.REFUND and total < 0 and any(keys.returned.values()):
            attributed = -min(-total, sum(keys.returned.values()))
            parts += [(kind, m, a, TAG_REFUND) for m, a in allocate_to_members(attributed, keys.returned).items()]
            total -= attributed
        parts += [(kind, m, a, shared) for m, a in allocate_to_members(total, keys.goods).items() if a]
    return parts


def _commission(bases: Mapping[str, int], policies: Mapping[str, MemberPolicy], shop: str) -> Lines:
    """The cooperative's commission on consignment goods: one rounding per order and rate, then split by each
    member's base (gross net of refunds) with largest remainder."""
    commission: Lines = defaultdict(int)
    by_rate: dict[int, dict[str, int]] = defaultdict(dict)
    for member, base in bases.items():
        if policies[member].model == "consignment":
            by_rate[policies[member].commission_bps][member] = base
    for rate, members in by_rate.items():
        fee = bps_of(sum(members.values()), rate)
        weights = {member: max(0, base) for member, base in members.items()}
        if not any(weights.values()):
            weights = {member: 1 for member in members}
        for member, part in allocate_to_members(fee, weights).items():
            commission[(CONSIGNMENT_PAYABLE, member, shop, TAG_COMMISSION)] += part
            commission[(COMMISSION_INCOME, member, shop, TAG_COMMISSION)] -= part
    return commission


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
