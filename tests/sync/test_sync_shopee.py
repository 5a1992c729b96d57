"""End to end against the Shopee sandbox: after ``omnikop sync`` every member's money equals the world's truth."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from foundation.db import make_engine, transaction
from ledger.check import check_ledger
from ledger.models import JournalEntry
from ledger.reports import trial_balance
from tests.sync.conftest import ShopeeSetup, import_mappings
from tests.sync.expected import member_totals
from tests.sync.ledger_view import ledger_member_totals as ledger_totals


def ledger_member_totals(setup: ShopeeSetup) -> dict[str, Counter[str]]:
    return ledger_totals(setup.world, setup.db_url)


@pytest.mark.slow(seconds=27)
def test_sync_posts_each_members_money_exactly_and_a_second_sync_posts_nothing(shopee: ShopeeSetup):
    import_mappings(shopee)
    first = shopee.sync_all()
    assert "journal entries posted" in first[0].stdout and "quarantined" in first[0].stdout
    expected = member_totals(shopee.world, "shopee")
    actual = ledger_member_totals(shopee)
    for member in shopee.world.members:
        assert actual[member.member_no] == +expected[member.member_no], member.member_no
    for shop in shopee.shops:
        assert actual[f"shop:{shop}"]["pph22"] == expected[f"shop:{shop}"]["pph22"]
    engine = make_engine(shopee.db_url)
    with transaction(engine) as session:
        assert check_ledger(session).ok
        entries = session.scalar(select(func.count()).select_from(JournalEntry))
        receivable_plus_transit = sum(
            row.net_debit for row in trial_balance(session) if row.code in ("1-1310", "1-1350")
        )
    assert receivable_plus_transit == sum(expected[f"shop:{s}"]["receivable"] for s in shopee.shops)
    assert shopee.cli("ledger", "check").stdout.startswith("ledger check: clean")
    again = shopee.sync_all()
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == entries
    assert [_row(run.stdout, "journal entries posted") for run in again] == ["0"] * len(again)
    assert [_row(run.stdout, "goods movements posted") for run in again] == ["0"] * len(again)


def _row(output: str, label: str) -> str:
    line = next(line for line in output.splitlines() if label in line)
    return line.strip("│ ").split("│")[-1].strip()


@pytest.mark.slow(seconds=27)
def test_an_unmapped_sku_is_quarantined_then_replayed_once(shopee: ShopeeSetup):
    shared = next(s for s in shopee.world.shops_on("shopee") if len(s.member_nos) > 1)
    missing = shopee.world.products_of("shopee", shared.shop_ref)[0]
    import_mappings(shopee, omit_skus=(missing.sku_ref,))
    shopee.sync_all()
    listing = shopee.cli("quarantine", "list").stdout
    assert "unknown_sku" in listing
    import_mappings(shopee)  # the missing row now included
    replayed = shopee.cli("quarantine", "replay").stdout
    assert "posting(s) made" in replayed and "0 record(s) still quarantined" in replayed
    assert shopee.cli("quarantine", "list").stdout.strip() == "quarantine is empty"
    again = shopee.cli("quarantine", "replay").stdout
    assert again.startswith("replay: 0 posting(s) made")
    expected = member_totals(shopee.world, "shopee")
    actual = ledger_member_totals(shopee)
    for member in shopee.world.members:
        assert actual[member.member_no] == +expected[member.member_no]


@pytest.mark.slow(seconds=20)
def test_a_completed_order_refunded_later_ends_equal_to_the_truth(shopee: ShopeeSetup):
    import_mappings(shopee)
    late = [o for o in shopee.world.orders if len(o.settlements) > 1]
    assert late, "the world must contain a completed order refunded after settlement"
    refund_time = min(o.settlements[1].released_at for o in late)
    final_as_of = shopee.world.as_of
    shopee.world.as_of = refund_time - timedelta(seconds=1)
    shopee.sync_all(until=shopee.world.as_of.strftime("%Y-%m-%dT%H:%M:%S"))
    shopee.world.as_of = final_as_of
    shopee.sync_all()
    expected = member_totals(shopee.world, "shopee")
    actual = ledger_member_totals(shopee)
    for member in shopee.world.members:
        assert actual[member.member_no] == +expected[member.member_no]
    engine = make_engine(shopee.db_url)
    with transaction(engine) as session:
        adjustments = session.scalar(
            select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "ADJUSTMENT")
        )
        assert adjustments >= 1
        assert check_ledger(session).ok


@pytest.mark.slow(seconds=20)
def test_member_statement_shows_the_members_money_per_channel(shopee: ShopeeSetup):
    import_mappings(shopee)
    shopee.sync_all()
    member = shopee.world.shops_on("shopee")[0].member_nos[0]
    expected = member_totals(shopee.world, "shopee")[member]
    out = shopee.workdir / "statement.html"
    result = shopee.cli("members", "statement", member, "--period", "2026", "--out", str(out))
    assert f"net owed {expected['payable']}" in result.stdout
    page = out.read_text(encoding="utf-8")
    from ledger.money import format_idr

    for figure in ("gross", "fees", "commission", "payable"):
        assert format_idr(expected[figure]) in page, figure
    shopee.cli("members", "pay", member, "--amount", "100000", "--reference", "TRF-1", "--date", "2026-02-10")
    shopee.cli("members", "pay", member, "--amount", "100000", "--reference", "TRF-1", "--date", "2026-02-10")
    again = shopee.cli("members", "statement", member, "--period", "2026", "--out", str(out))
    assert "net owed" in again.stdout
    assert f"{format_idr(100_000)}</td>" in out.read_text(encoding="utf-8")  # paid once, not twice
    assert format_idr(expected["payable"] - 100_000) in out.read_text(encoding="utf-8")
