"""The chart is the data file plus the rows callers declare (each connector's receivable); none can redefine one."""

from __future__ import annotations

import pytest

from ledger.chart import AccountSpec, ChartDrift, chart_rows, marketplace_receivable, read_chart


def test_a_declared_receivable_is_a_postable_shop_asset_under_the_marketplace_receivables():
    spec = marketplace_receivable("1-1301", "Piutang marketplace – Baru")
    assert spec == AccountSpec("1-1301", "Piutang marketplace – Baru", "ASSET", "D", True, "shop", "1-1300")
    rows = chart_rows(declared=[spec])
    assert rows[: len(read_chart())] == read_chart() and rows[-1] == spec


def test_a_declaration_identical_to_a_file_row_is_accepted_and_a_different_one_refused():
    lazada = marketplace_receivable("1-1330", "Piutang marketplace – Lazada")
    assert chart_rows(declared=[lazada]) == read_chart()
    with pytest.raises(ChartDrift, match="account 1-1330 is declared as"):
        chart_rows(declared=[marketplace_receivable("1-1330", "Piutang marketplace – Baru")])


def test_two_declarations_of_one_code_must_agree():
    with pytest.raises(ChartDrift):
        chart_rows(declared=[marketplace_receivable("1-1301", "A"), marketplace_receivable("1-1301", "B")])
