"""Exact money helpers: conversion, rounding, and largest-remainder allocation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.money import MoneyError, allocate, bps_of, format_idr, from_minor, to_minor


def test_conversion_is_exact_and_refuses_floats_and_fractions():
    assert to_minor(Decimal("25500")) == 25_500 and to_minor(Decimal("25500.00")) == 25_500
    assert from_minor(25_500) == Decimal("25500")
    for bad in (25500.0, Decimal("25500.5"), Decimal("NaN"), True, "25500"):
        with pytest.raises(MoneyError):
            to_minor(bad)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="USD"):
        to_minor(Decimal(1), "USD")


def test_bps_rounds_half_up_in_integers():
    assert bps_of(200_000, 1000) == 20_000
    assert bps_of(12_345, 500) == 617  # 617.25
    assert bps_of(12_350, 500) == 618  # 617.5 → 618
    assert bps_of(-12_350, 500) == -618


def test_allocation_follows_the_worked_example_of_coop_accounting_1_4():
    assert allocate(2_000_000, {"A": 1_500_000, "B": 1_000_000, "C": 500_000}) == {
        "A": 1_000_000,
        "B": 666_667,
        "C": 333_333,
    }


def test_allocation_ties_go_to_the_lowest_key_and_zero_weights_get_nothing():
    assert allocate(2, {"0003": 1, "0001": 1, "0002": 1, "0004": 0}) == {"0001": 1, "0002": 1, "0003": 0, "0004": 0}
    with pytest.raises(MoneyError):
        allocate(5, {"A": 0})
    assert allocate(0, {"A": 0}) == {"A": 0}


@given(
    total=st.integers(min_value=0, max_value=10**15),
    weights=st.dictionaries(st.text(min_size=1, max_size=4), st.integers(min_value=0, max_value=10**12), min_size=1),
)
def test_allocation_parts_always_sum_to_the_whole(total, weights):
    if sum(weights.values()) == 0:
        return
    shares = allocate(total, weights)
    assert sum(shares.values()) == total
    weight_sum = sum(weights.values())
    for key, weight in weights.items():
        exact = Decimal(total) * weight / weight_sum
        assert 0 <= shares[key] and abs(shares[key] - exact) < 1


def test_indonesian_display_format():
    assert format_idr(1_234_567) == "Rp 1.234.567" and format_idr(-1_000) == "-Rp 1.000" and format_idr(0) == "Rp 0"
