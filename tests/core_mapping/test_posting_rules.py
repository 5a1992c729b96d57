"""Posting rules through the real mapper and ledger (both databases): the worked example, policies,
revisions, withdrawals and every quarantine reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.base.landing import land_page
from connectors.base.protocol import FetchedPage
from connectors.base.records import (
    FeeKind,
    Order,
    OrderLine,
    OrderStatus,
    RawRef,
    Settlement,
    SettlementComponent,
    WalletMovement,
    WalletMovementKind,
    check_settlement,
)
from core_mapping.csv_io import import_mappings
from core_mapping.mapper import ShopMapper
from core_mapping.models import QuarantineItem
from core_mapping.policy import PolicyResolver
from foundation.config import parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.members import remit_to_member
from ledger.models import JournalEntry, JournalLine
from ledger.posting import EntryDraft, credit, debit, post_entry
from ledger.reports import trial_balance
from members.csv_io import import_members
from sync.posting import post_batch

RELEASED = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
SHOP = "100001"


def setup_books(engine, *, shop_member: str | None = "0001", members: str = "") -> int:  # type: ignore[no-untyped-def]
    import io

    rows = (
        members
        or "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,active,\n0002,Pak Budi,2024-03-01,active,\n"
    )
    mapping = "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
    if shop_member:
        mapping += f"shop,shopee,{SHOP},,,,,{shop_member},2020-01-01,,\n"
    with transaction(engine) as session:
        import_members(session, io.StringIO(rows))
        import_mappings(session, io.StringIO(mapping))
        page = FetchedPage("settlements", "test", {}, b"{}", 200, RELEASED)
        return land_page(session, "shopee", SHOP, page)[0]


def settlement(
    ref: str = "ORDER-1",
    *,
    revision: str = "0",
    gross: str = "200000",
    refund: str = "0",
    components: tuple[tuple[FeeKind, str], ...] | None = None,
    currency: str = "IDR",
) -> Settlement:
    parts = (
        components
        if components is not None
        else ((FeeKind.COMMISSION, "-12000"), (FeeKind.SERVICE_FEE, "-4000"), (FeeKind.TAX_WITHHELD_PPH22, "-1000"))
    )
    if refund != "0":
        parts = (*parts, (FeeKind.REFUND, refund))
    comps = tuple(SettlementComponent(kind, Decimal(amount)) for kind, amount in parts)
    net = Decimal(gross) + sum((c.amount for c in comps), Decimal(0))
    return Settlement(
        "shopee", SHOP, ref, ref, RELEASED, currency, Decimal(gross), comps, net, revision, RawRef(1, ref)
    )


def run(engine, page_id: int, records, *, config=None):  # type: ignore[no-untyped-def]
    config = config or parse_config({"policy": {"members": {"0001": {"commission_bps": 1000}}}})
    with transaction(engine) as session:
        batch = ShopMapper(session, PolicyResolver.for_shop(config, "shopee", SHOP), "shopee", SHOP).map(
            [(page_id, record) for record in records]
        )
        return post_batch(session, "shopee", SHOP, batch)


def entry_lines(engine, source_like: str) -> list[tuple[str, str, int, str | None]]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        query = (
            select(JournalLine.account_code, JournalLine.side, JournalLine.amount, JournalLine.member_no)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.source_ref.like(source_like))
            .order_by(JournalEntry.id, JournalLine.line_no)
        )
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def balance(engine, code: str) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return next((row.net_debit for row in trial_balance(session) if row.code == code), 0)


def test_worked_example_1_10_b_gives_exactly_its_entries_and_balances(engine):
    page = setup_books(engine)
    summary = run(engine, page, [settlement()])
    assert summary.posted_entries == 2 and not summary.quarantined
    assert sorted(entry_lines(engine, "%#sale")) == sorted(
        [
            ("1-1310", "D", 183_000, None),
            ("1-1600", "D", 1_000, None),
            ("2-1200", "D", 16_000, "0001"),
            ("2-1200", "C", 200_000, "0001"),
        ]
    )  # B1
    assert entry_lines(engine, "%#commission") == [
        ("2-1200", "D", 20_000, "0001"),
        ("4-1300", "C", 20_000, "0001"),
    ]  # B2
    assert balance(engine, "2-1200") == -164_000  # the member is owed Rp164 000
    assert (balance(engine, "4-1300"), balance(engine, "1-1600"), balance(engine, "1-1310")) == (
        -20_000,
        1_000,
        183_000,
    )
    # B3 (the payout lands) and B4 (the member is paid): the cooperative keeps Rp19 000.
    with transaction(engine) as session:
        post_entry(
            session,
            EntryDraft(
                "b3", date(2026, 1, 8), (debit("1-1200", 183_000), credit("1-1310", 183_000, shop_ref="shopee:100001"))
            ),
        )
        remit_to_member(session, "0001", 164_000, date(2026, 1, 9), "TRF-0001")
    assert balance(engine, "1-1200") == 19_000 and balance(engine, "2-1200") == 0
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_rerunning_a_revision_posts_nothing_and_a_new_revision_posts_only_the_difference(engine):
    page = setup_books(engine)
    run(engine, page, [settlement(revision="0")])
    again = run(engine, page, [settlement(revision="0")])
    assert again.posted_entries == 0
    refunded = run(engine, page, [settlement(revision="1", refund="-50000")])
    assert refunded.posted_entries == 2  # a sale adjustment and a commission adjustment, never a second full entry
    with transaction(engine) as session:
        kinds = session.scalars(select(JournalEntry.kind).order_by(JournalEntry.id)).all()
    assert kinds == ["ENTRY", "ENTRY", "ADJUSTMENT", "ADJUSTMENT"]
    # Member: 200 000 − 16 000 fees − 50 000 refund − 10 % of (200 000 − 50 000) = 119 000.
    assert balance(engine, "2-1200") == -119_000 and balance(engine, "1-1310") == 133_000
    stale = run(engine, page, [settlement(revision="0")])  # the old revision arrives late: ignored
    assert stale.posted_entries == 0 and stale.stats["stale_revision"] == 1
    assert balance(engine, "2-1200") == -119_000


def test_absorbing_fees_and_recharging_pph22_follow_the_member_agreement(engine):
    page = setup_books(engine)
    config = parse_config({"policy": {"members": {"0001": {"marketplace_fees": "absorb", "pph22": "recharge_member"}}}})
    run(engine, page, [settlement()], config=config)
    # Fees are the cooperative's expense; PPh 22 and 5 % commission are charged to the member.
    assert (balance(engine, "6-1100"), balance(engine, "6-1200"), balance(engine, "1-1600")) == (12_000, 4_000, 0)
    assert balance(engine, "2-1200") == -(200_000 - 1_000 - 10_000)


def test_a_multi_member_order_is_split_by_merchandise_with_parts_summing_exactly(engine):
    import io

    page = setup_books(engine, shop_member=None)
    mapping = (
        "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
        f"sku,shopee,{SHOP},11:0,,P-1,Keripik,0001,2020-01-01,,\nsku,shopee,{SHOP},,BATIK-2,P-2,Batik,0002,2020-01-01,,\n"
    )
    with transaction(engine) as session:
        import_mappings(session, io.StringIO(mapping))
    order = Order(
        "shopee",
        SHOP,
        "ORDER-1",
        OrderStatus.COMPLETED,
        RELEASED,
        RELEASED,
        "IDR",
        (
            OrderLine("11:0", None, "Keripik", 1, Decimal("100001")),
            OrderLine("22:5", "BATIK-2", "Batik", 1, Decimal("99999")),
        ),
        "1",
        RawRef(page, "ORDER-1"),
        shipped_at=RELEASED,
    )
    summary = run(engine, page, [order, settlement(gross="200000", components=((FeeKind.COMMISSION, "-12001"),))])
    assert summary.posted_entries == 2 and summary.posted_movements == 2
    with transaction(engine) as session:
        fees = session.execute(
            select(JournalLine.member_no, JournalLine.amount)
            .where(JournalLine.tag == "marketplace_fee")
            .order_by(JournalLine.member_no)
        ).all()
    assert [tuple(row) for row in fees] == [("0001", 6_001), ("0002", 6_000)]
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_a_withdrawal_clears_the_receivable_into_money_in_transit(engine):
    page = setup_books(engine)
    run(engine, page, [settlement()])
    withdrawal = WalletMovement(
        "shopee",
        SHOP,
        "WD-9",
        WalletMovementKind.WITHDRAWAL,
        Decimal("-183000"),
        RELEASED,
        "IDR",
        "COMPLETED",
        RawRef(page, "WD-9"),
        bank_reference="TRF123",
    )
    assert run(engine, page, [withdrawal]).posted_entries == 1
    assert run(engine, page, [withdrawal]).posted_entries == 0
    assert (balance(engine, "1-1310"), balance(engine, "1-1350")) == (0, 183_000)


@pytest.mark.parametrize(
    ("records", "reason"),
    [
        (lambda page: [settlement(currency="USD")], "unsupported_currency"),
        (lambda page: [settlement(gross="-5")], "negative_amount"),
        (
            lambda page: [
                Order(
                    "shopee",
                    SHOP,
                    "O-2",
                    OrderStatus.SHIPPED,
                    RELEASED,
                    RELEASED,
                    "IDR",
                    (OrderLine("9:9", None, "x", 1, Decimal(10)),),
                    "1",
                    RawRef(page, "O-2"),
                )
            ],
            "member_exited",
        ),
    ],
)
def test_records_that_cannot_be_booked_are_quarantined_with_their_reason(engine, records, reason):
    members = "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,exited,2025-12-31\n"
    page = setup_books(engine, members=members) if reason == "member_exited" else setup_books(engine)
    summary = run(engine, page, records(page))
    assert summary.quarantined == {reason: 1} and summary.posted_entries == summary.posted_movements == 0
    with transaction(engine) as session:
        item = session.scalars(select(QuarantineItem)).one()
        assert (item.reason, item.stage, item.raw_page_id) == (reason, "map", page) and item.message


def test_an_unknown_shop_and_a_settlement_that_does_not_add_up_are_quarantined(engine):
    page = setup_books(engine, shop_member=None)
    broken = settlement()
    broken = Settlement(
        broken.platform,
        broken.shop_ref,
        "ORDER-2",
        "ORDER-2",
        RELEASED,
        "IDR",
        broken.gross,
        broken.components,
        broken.net + 7,
        "0",
        RawRef(page, "ORDER-2"),
    )
    rejected = check_settlement(broken)
    summary = run(engine, page, [settlement(), rejected])
    assert summary.quarantined == {"unknown_shop": 1, "settlement_does_not_add_up": 1}
    assert "difference -7" in rejected.message  # type: ignore[union-attr]


def test_a_principal_member_books_revenue_fees_as_expense_and_cost_of_goods_sold(engine):
    import io

    page = setup_books(engine, shop_member=None)
    mapping = HEADER_MAPPING + f"sku,shopee,{SHOP},11:0,,P-1,Keripik,0001,2020-01-01,,150000\n"
    with transaction(engine) as session:
        import_mappings(session, io.StringIO(mapping))
    config = parse_config({"policy": {"members": {"0001": {"model": "principal"}}}})
    order = Order(
        "shopee",
        SHOP,
        "ORDER-1",
        OrderStatus.COMPLETED,
        RELEASED,
        RELEASED,
        "IDR",
        (OrderLine("11:0", None, "Keripik", 1, Decimal("200000")),),
        "1",
        RawRef(page, "ORDER-1"),
        shipped_at=RELEASED,
    )
    summary = run(engine, page, [order, settlement()], config=config)
    assert summary.posted_entries == 2 and summary.posted_movements == 1 and not summary.quarantined
    # coop_accounting.md §1.10 A3 and A4.
    assert (balance(engine, "4-1200"), balance(engine, "6-1100"), balance(engine, "6-1200")) == (
        -200_000,
        12_000,
        4_000,
    )
    assert (balance(engine, "1-1600"), balance(engine, "1-1310"), balance(engine, "4-1300")) == (1_000, 183_000, 0)
    assert (balance(engine, "5-1100"), balance(engine, "1-1500")) == (150_000, -150_000)


HEADER_MAPPING = "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"


def test_a_lower_stock_level_observed_later_replaces_the_earlier_one(engine):
    from datetime import timedelta

    from connectors.base.records import StockLevel
    from core_mapping.models import Document

    page = setup_books(engine)
    earlier = StockLevel("shopee", SHOP, "11:0", "SKU-1", "IDZ01", 40, 0, RELEASED, RawRef(page, "11:0"), "40")
    later = StockLevel(
        "shopee", SHOP, "11:0", "SKU-1", "IDZ01", 7, 0, RELEASED + timedelta(hours=1), RawRef(page, "11:0"), "7"
    )
    run(engine, page, [earlier])
    run(engine, page, [later])
    with transaction(engine) as session:
        payload = session.scalars(select(Document.payload).where(Document.doc_type == "stock")).one()
    assert '"available": 7' in payload
