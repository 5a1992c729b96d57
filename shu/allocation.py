"""SHU allocation: component pools and member shares (coop_accounting.md §1.3-1.4). Pure functions, no I/O.

``pool_k = floor(S × bp_k / 10 000)`` for each component; the rounding residual goes to the reserve (cadangan).
The member pools are split over the eligible members only (member-only denominators, so the whole pool is
distributed): JUA by transaction volume, JMA by capital base, each by largest remainder in whole rupiah with
ties going to the lowest member number (``ledger.money.allocate``). A member pool that no eligible member has a
claim on (all weights zero) goes to the reserve as well, so the pools always add up to S exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from foundation.allocation_split import (
    CAPITAL,
    COMPONENTS,
    PATRONAGE,
    RESERVE,
    TOTAL_BPS,
    AllocationSplitError,
    check_bps,
)
from ledger.money import allocate, member_sort_key
from shu.errors import AllocationError

LABELS: dict[str, str] = {
    RESERVE: "Dana cadangan",
    PATRONAGE: "Jasa usaha anggota (JUA)",
    CAPITAL: "Jasa modal anggota (JMA)",
    "pengurus": "Dana pengurus & pengawas",
    "karyawan": "Dana karyawan",
    "pendidikan": "Dana pendidikan",
    "sosial": "Dana sosial",
    "pembangunan_daerah": "Dana pembangunan daerah kerja",
}


@dataclass(frozen=True, slots=True)
class MemberBasis:
    """One eligible member's claim: net transaction volume in the year and capital base (pokok + wajib)."""

    member_no: str
    volume: int
    capital: int

    @property
    def volume_weight(self) -> int:
        """Refunds of earlier years' sales can make a year's net volume negative: that is no claim, not a debt."""
        return max(0, self.volume)

    @property
    def capital_weight(self) -> int:
        return max(0, self.capital)


@dataclass(frozen=True, slots=True)
class Pool:
    """A component's pool; ``to_members`` went to members, ``to_reserve`` to cadangan, the rest stays its fund."""

    component: str
    bps: int
    amount: int
    to_members: int = 0
    to_reserve: int = 0


@dataclass(frozen=True, slots=True)
class MemberShare:
    member_no: str
    jua: int
    jma: int

    @property
    def total(self) -> int:
        return self.jua + self.jma


@dataclass(frozen=True, slots=True)
class Allocation:
    surplus: int
    pools: tuple[Pool, ...]
    rounding_residual: int
    shares: tuple[MemberShare, ...]

    def pool(self, component: str) -> Pool:
        return next(pool for pool in self.pools if pool.component == component)

    @property
    def reserve_total(self) -> int:
        """What cadangan receives: its pool, the rounding residual and any member pool nobody could claim."""
        return sum(pool.to_reserve for pool in self.pools) + self.rounding_residual

    @property
    def funds(self) -> dict[str, int]:
        """The non-member, non-reserve pools (pengurus, karyawan, …) that become liabilities after the RAT."""
        return {
            pool.component: pool.amount
            for pool in self.pools
            if pool.component not in (RESERVE, PATRONAGE, CAPITAL) and pool.amount
        }

    @property
    def members_total(self) -> int:
        return sum(share.total for share in self.shares)


def allocate_shu(surplus: int, bps: Mapping[str, int], members: Iterable[MemberBasis]) -> Allocation:
    """Split ``surplus`` (whole rupiah, after tax) into pools and member shares.

    Guarantees: Σ pools + rounding residual = surplus; Σ JUA shares = the JUA pool and Σ JMA shares = the JMA
    pool whenever some eligible member has a claim on it (otherwise that pool goes to the reserve); no share is
    negative; the result does not depend on the order of ``members``. Shares come out in member-number order.
    """
    if isinstance(surplus, bool) or not isinstance(surplus, int):
        raise AllocationError(f"the surplus must be whole rupiah (int), got {type(surplus).__name__}")
    if surplus < 0:
        raise AllocationError(f"the surplus is negative ({surplus}): a loss is not shared; the AD says how to cover it")
    try:
        split = check_bps(bps)
    except AllocationSplitError as refused:
        raise AllocationError(str(refused)) from None
    ordered = sorted(members, key=lambda member: member_sort_key(member.member_no))
    numbers = [member.member_no for member in ordered]
    if len(set(numbers)) != len(numbers):
        raise AllocationError("a member appears twice in the SHU basis")
    amounts = {component: surplus * split[component] // TOTAL_BPS for component in COMPONENTS}
    residual = surplus - sum(amounts.values())
    tie_order = {number: member_sort_key(number) for number in numbers}
    jua = _split(amounts[PATRONAGE], {m.member_no: m.volume_weight for m in ordered}, tie_order)
    jma = _split(amounts[CAPITAL], {m.member_no: m.capital_weight for m in ordered}, tie_order)
    pools = []
    for component in COMPONENTS:
        amount = amounts[component]
        if component == RESERVE:
            pools.append(Pool(component, split[component], amount, to_reserve=amount))
        elif component in (PATRONAGE, CAPITAL):
            shares = jua if component == PATRONAGE else jma
            distributed = sum(shares.values())
            pools.append(Pool(component, split[component], amount, distributed, amount - distributed))
        else:
            pools.append(Pool(component, split[component], amount))
    return Allocation(
        surplus=surplus,
        pools=tuple(pools),
        rounding_residual=residual,
        shares=tuple(MemberShare(number, jua[number], jma[number]) for number in numbers),
    )


def _split(pool: int, weights: dict[str, int], tie_order: Mapping[str, object]) -> dict[str, int]:
    if sum(weights.values()) == 0:
        return {number: 0 for number in weights}
    return allocate(pool, weights, tie_order=tie_order)
