"""SHU allocation: the worked example of coop_accounting.md §1.4 exactly, and its invariants for any input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.allocation_split import DEFAULT_BPS, check_bps
from ledger.money import member_sort_key
from shu.allocation import (
    CAPITAL,
    COMPONENTS,
    PATRONAGE,
    RESERVE,
    MemberBasis,
    allocate_shu,
)
from shu.errors import AllocationError

WORKED_MEMBERS = [
    MemberBasis("A", volume=7_000_000, capital=1_500_000),
    MemberBasis("B", volume=2_000_000, capital=1_000_000),
    MemberBasis("C", volume=1_000_000, capital=500_000),
]


def test_the_worked_example_of_coop_accounting_1_4_comes_out_exactly():
    result = allocate_shu(10_000_000, DEFAULT_BPS, WORKED_MEMBERS)
    assert {pool.component: pool.amount for pool in result.pools} == {
        "cadangan": 4_000_000,
        "jasa_usaha": 2_500_000,
        "jasa_modal": 2_000_000,
        "pengurus": 500_000,
        "karyawan": 500_000,
        "pendidikan": 250_000,
        "sosial": 250_000,
        "pembangunan_daerah": 0,
    }
    assert sum(pool.amount for pool in result.pools) + result.rounding_residual == 10_000_000
    assert result.rounding_residual == 0
    shares = {share.member_no: (share.jua, share.jma, share.total) for share in result.shares}
    # JUA exact; JMA floors 1 000 000 / 666 666 / 333 333, the 1 rupiah left goes to B (remainder .67 > .33).
    assert shares == {
        "A": (1_750_000, 1_000_000, 2_750_000),
        "B": (500_000, 666_667, 1_166_667),
        "C": (250_000, 333_333, 583_333),
    }
    assert result.members_total == 4_500_000 == result.pool(PATRONAGE).amount + result.pool(CAPITAL).amount
    assert result.reserve_total == 4_000_000
    assert result.funds == {"pengurus": 500_000, "karyawan": 500_000, "pendidikan": 250_000, "sosial": 250_000}


def test_the_rounding_residual_of_the_pools_goes_to_the_reserve():
    result = allocate_shu(10_000_007, DEFAULT_BPS, WORKED_MEMBERS)
    # floors: 4 000 002 + 2 500 001 + 2 000 001 + 500 000 + 500 000 + 250 000 + 250 000 = 10 000 004
    assert sum(pool.amount for pool in result.pools) == 10_000_004
    assert result.rounding_residual == 3 and result.reserve_total == 4_000_002 + 3


def test_a_member_pool_nobody_can_claim_goes_to_the_reserve():
    result = allocate_shu(1_000_000, DEFAULT_BPS, [MemberBasis("1", volume=-5_000, capital=100)])
    assert result.shares[0].jua == 0 and result.shares[0].jma == 200_000
    assert result.pool(PATRONAGE).to_reserve == 250_000
    assert result.reserve_total == 400_000 + 250_000


def test_ties_go_to_the_lowest_member_number_numerically():
    members = [MemberBasis(no, volume=1, capital=0) for no in ("10", "9", "11")]
    result = allocate_shu(10_000, {RESERVE: 9_998, PATRONAGE: 2}, members)  # JUA pool 2 over 3 equal claims
    assert {s.member_no: s.jua for s in result.shares} == {"9": 1, "10": 1, "11": 0}
    assert [s.member_no for s in result.shares] == ["9", "10", "11"]
    assert sorted(["B", "10", "9", "A"], key=member_sort_key) == ["9", "10", "A", "B"]


@pytest.mark.parametrize(
    ("bps", "message"),
    [
        ({**DEFAULT_BPS, "cadangan": 4500}, "sum to 10500 basis points, not 10000"),
        ({"cadangan": 4000, "jasa_usaha": 4000, "pengurus": 500, "sosial": 500}, "sum to 9000 basis points"),
        ({**DEFAULT_BPS, "bonus": 0}, "unknown allocation component(s) bonus"),
        ({**DEFAULT_BPS, "sosial": -250, "pendidikan": 750}, "allocation_bps.sosial must be"),
        ({**DEFAULT_BPS, "sosial": 250.0}, "allocation_bps.sosial must be"),
    ],
)
def test_an_allocation_that_does_not_sum_to_10_000_bp_is_refused_with_the_sum(bps, message):
    with pytest.raises(AllocationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        allocate_shu(1_000, bps, WORKED_MEMBERS)


def test_missing_components_count_as_zero_and_negative_or_float_surplus_is_refused():
    assert check_bps({"cadangan": 10_000})["jasa_modal"] == 0
    with pytest.raises(AllocationError, match="negative"):
        allocate_shu(-1, DEFAULT_BPS, WORKED_MEMBERS)
    with pytest.raises(AllocationError, match="whole rupiah"):
        allocate_shu(1.0, DEFAULT_BPS, WORKED_MEMBERS)  # type: ignore[arg-type]


@st.composite
def allocations(draw: st.DrawFn) -> dict[str, int]:
    """Random basis points over the components that sum to exactly 10 000."""
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=len(COMPONENTS) - 1, max_size=len(COMPONENTS) - 1)))
    bounds = [0, *cuts, 10_000]
    return {component: bounds[i + 1] - bounds[i] for i, component in enumerate(COMPONENTS)}


member_lists = st.lists(
    st.builds(
        MemberBasis,
        member_no=st.one_of(st.integers(1, 99_999).map(str), st.text("ABCXYZ-0123", min_size=1, max_size=6)),
        volume=st.integers(-(10**9), 10**12),
        capital=st.integers(0, 10**10),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda member: member.member_no,
)


@settings(max_examples=300, deadline=None)
@given(surplus=st.integers(0, 10**13), bps=allocations(), members=member_lists, seed=st.randoms(use_true_random=False))
def test_pools_sum_to_s_and_shares_to_their_pools_exactly_whatever_the_member_order(
    surplus: int, bps: dict[str, int], members: list[MemberBasis], seed: random.Random
):
    result = allocate_shu(surplus, bps, members)
    assert sum(pool.amount for pool in result.pools) + result.rounding_residual == surplus
    assert 0 <= result.rounding_residual < len(COMPONENTS)
    jua, jma = result.pool(PATRONAGE), result.pool(CAPITAL)
    assert sum(share.jua for share in result.shares) == jua.to_members
    assert sum(share.jma for share in result.shares) == jma.to_members
    if any(member.volume > 0 for member in members):
        assert jua.to_members == jua.amount and jua.to_reserve == 0
    if any(member.capital > 0 for member in members):
        assert jma.to_members == jma.amount and jma.to_reserve == 0
    # Money in = money out: members + reserve + the other funds.
    assert result.members_total + result.reserve_total + sum(result.funds.values()) == surplus
    assert all(share.jua >= 0 and share.jma >= 0 for share in result.shares)
    assert all(share.jua == 0 for share, m in zip(result.shares, _sorted(members), strict=True) if m.volume <= 0)

    shuffled = list(members)
    seed.shuffle(shuffled)
    assert allocate_shu(surplus, bps, shuffled) == result


def _sorted(members: list[MemberBasis]) -> list[MemberBasis]:
    return sorted(members, key=lambda member: member_sort_key(member.member_no))
