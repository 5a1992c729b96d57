"""Members' money in the five cases of issue 23, with figures worked by hand (both databases).

1. a member who has left is refused on every path, the whole-outlet fallback included;
4. a refund is charged to the owner of the returned item where the order names it, spread only otherwise;
5. a settled cancelled order is held in suspense (2-1700), not booked as member volume;
and the commission of an order is rounded once, then split with ties to the lowest member number.
"""

from __future__ import annotations

import io
from decimal import Decimal

from sqlalchemy import case, func, select

from connectors.base.records import FeeKind, Order, OrderLine, OrderStatus, RawRef, Settlement, SettlementComponent
from core_mapping.csv_io import import_mappings
from foundation.config import parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import JournalLine
from members.statement import member_statement, render_html
from tests.core_mapping.test_posting_rules import (
    HEADER_MAPPING,
    RELEASED,
    SHOP,
    balance,
    run,
    settlement,
    setup_books,
)

DEFAULT = parse_config({})  # 5 % commission, fees charged to the member, PPh 22 as prepaid tax
MEMBERS = "member_no,name,join_date,status,exit_date\n"


def map_skus(engine, rows: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """SKU ``sku`` → member ``member`` (product P-<sku>)."""
    text = HEADER_MAPPING + "".join(
        f"sku,shopee,{SHOP},{sku},,P-{sku},{sku},{member},2020-01-01,,\n" for sku, member in rows
    )
    with transaction(engine) as session:
        import_mappings(session, io.StringIO(text))


def order(page: int, lines: list[tuple[str, str]], *, status=OrderStatus.COMPLETED, returned=()) -> Order:  # type: ignore[no-untyped-def]
    return Order(
        "shopee",
        SHOP,
        "ORDER-1",
        status,
        RELEASED,
        RELEASED,
        "IDR",
        tuple(OrderLine(sku, None, sku, 1, Decimal(price)) for sku, price in lines),
        "1",
        RawRef(page, "ORDER-1"),
        shipped_at=None if status is OrderStatus.CANCELLED else RELEASED,
        returned_quantities=tuple(returned),
    )


def member_lines(engine, tag: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Debits − credits per member over the member's consignment payable (2-1200) lines carrying ``tag``."""
    signed = func.sum(case((JournalLine.side == "D", JournalLine.amount), else_=-JournalLine.amount))
    with transaction(engine) as session:
        rows = session.execute(
            select(JournalLine.member_no, signed)
            .where(JournalLine.tag == tag, JournalLine.account_code == "2-1200")
            .group_by(JournalLine.member_no)
        ).all()
    return {member: int(amount) for member, amount in rows}


# --- 1. exited members on outlet-level settlements ------------------------------------------------------------


def test_an_outlet_level_settlement_after_the_members_exit_is_refused(engine):
    # The shop belongs to member 0001, who left on 31 December 2025; the settlement (no item lines, its order
    # never seen: a settlement-report row) is released on 5 January 2026.
    members = MEMBERS + "0001,Ibu Sari,2024-03-01,exited,2025-12-31\n"
    page = setup_books(engine, members=members)
    row = settlement(components=((FeeKind.COMMISSION, "-20000"),))
    row = Settlement(
        row.platform, SHOP, "SR-1", None, RELEASED, "IDR", row.gross, row.components, row.net, "1", row.raw
    )
    summary = run(engine, page, [row], config=DEFAULT)
    assert summary.quarantined == {"member_exited": 1}
    assert summary.posted_entries == 0 and balance(engine, "2-1200") == 0


def test_an_outlet_level_settlement_before_the_exit_is_booked_to_the_member(engine):
    members = MEMBERS + "0001,Ibu Sari,2024-03-01,exited,2026-01-31\n"
    page = setup_books(engine, members=members)
    row = settlement(components=((FeeKind.COMMISSION, "-20000"),))
    row = Settlement(
        row.platform, SHOP, "SR-1", None, RELEASED, "IDR", row.gross, row.components, row.net, "1", row.raw
    )
    assert run(engine, page, [row], config=DEFAULT).posted_entries == 2
    # 200 000 gross − 20 000 fees − 5 % commission 10 000 = 170 000 owed to the member.
    assert balance(engine, "2-1200") == -170_000


# --- 4. refunds in shared orders ------------------------------------------------------------------------------


def test_a_refund_for_a_returned_item_is_charged_to_that_items_owner(engine):
    # Member 0001 sold A (120 000), member 0002 sold B (80 000); B came back and was refunded 80 000; Shopee's
    # fees of 10 000 are spread by goods value (6 000 / 4 000). Worked by hand:
    #   0001: 120 000 − 6 000 fees − 5 % × 120 000 = 108 000;
    #   0002:  80 000 − 4 000 fees − 80 000 refund − 5 % × 0 = −4 000 (the member owes the fees of the return).
    page = setup_books(engine, shop_member=None)
    map_skus(engine, [("A", "0001"), ("B", "0002")])
    sold = order(page, [("A", "120000"), ("B", "80000")], returned=(("B", 1),))
    paid = settlement(gross="200000", refund="-80000", components=((FeeKind.COMMISSION, "-10000"),))
    summary = run(engine, page, [sold, paid], config=DEFAULT)
    assert not summary.quarantined
    assert member_lines(engine, "member_refund") == {"0002": 80_000}
    assert member_lines(engine, "member_refund_shared") == {}
    assert member_lines(engine, "coop_commission") == {"0001": 6_000}
    with transaction(engine) as session:
        statements = {no: member_statement(session, no, RELEASED.date(), RELEASED.date()) for no in ("0001", "0002")}
        assert check_ledger(session).ok
    assert (statements["0001"].total.net, statements["0002"].total.net) == (108_000, -4_000)


def test_a_refund_the_platform_does_not_attribute_is_spread_and_the_statement_says_so(engine):
    # The same order, nothing marked as returned: the 80 000 refund is spread 48 000 / 32 000 by goods value.
    page = setup_books(engine, shop_member=None)
    map_skus(engine, [("A", "0001"), ("B", "0002")])
    sold = order(page, [("A", "120000"), ("B", "80000")])
    paid = settlement(gross="200000", refund="-80000", components=((FeeKind.COMMISSION, "-10000"),))
    run(engine, page, [sold, paid], config=DEFAULT)
    assert member_lines(engine, "member_refund_shared") == {"0001": 48_000, "0002": 32_000}
    with transaction(engine) as session:
        statement = member_statement(session, "0002", RELEASED.date(), RELEASED.date())
    assert (statement.total.refunds, statement.total.refunds_shared) == (32_000, 32_000)
    assert "Rp 32.000 dibagi menurut nilai barang" in render_html(statement)


def test_a_refund_component_that_names_its_sku_goes_to_that_skus_owner(engine):
    page = setup_books(engine, shop_member=None)
    map_skus(engine, [("A", "0001"), ("B", "0002")])
    sold = order(page, [("A", "120000"), ("B", "80000")])
    base = settlement(gross="200000", components=())
    named = (SettlementComponent(FeeKind.REFUND, Decimal("-80000"), "return", sku_ref="B"),)
    paid = Settlement(
        base.platform,
        SHOP,
        base.settlement_ref,
        base.order_ref,
        RELEASED,
        "IDR",
        base.gross,
        named,
        Decimal(120000),
        "0",
        base.raw,
    )
    run(engine, page, [sold, paid], config=DEFAULT)
    assert member_lines(engine, "member_refund") == {"0002": 80_000}


# --- 5. a cancelled order that was settled ----------------------------------------------------------------------


def test_a_settled_cancelled_order_is_held_in_suspense_not_booked_as_a_sale(engine):
    page = setup_books(engine)
    cancelled = order(page, [("A", "200000")], status=OrderStatus.CANCELLED)
    summary = run(engine, page, [cancelled, settlement()], config=DEFAULT)  # net 183 000
    assert summary.posted_entries == 1 and not summary.quarantined
    assert (balance(engine, "1-1310"), balance(engine, "2-1700")) == (183_000, -183_000)
    assert balance(engine, "2-1200") == balance(engine, "4-1300") == balance(engine, "1-1600") == 0
    assert member_lines(engine, "member_volume") == {}
    with transaction(engine) as session:
        assert check_ledger(session).ok
    assert run(engine, page, [cancelled, settlement()], config=DEFAULT).posted_entries == 0


# --- commission rounding and tie order ----------------------------------------------------------------------------


def test_an_orders_commission_is_rounded_once_and_split_with_numeric_tie_order(engine):
    # Three members' goods of 33 333 each: 5 % of 99 999 is 4 999.95 → 5 000 (not 3 × 1 667 = 5 001). The two
    # leftover units of the split go to the lowest member numbers in numeric order: 9 and 10, not 10 and 11.
    members = MEMBERS + "".join(f"{no},M{no},2024-03-01,active,\n" for no in ("9", "10", "11"))
    page = setup_books(engine, shop_member=None, members=members)
    map_skus(engine, [("A", "9"), ("B", "10"), ("C", "11")])
    sold = order(page, [("A", "33333"), ("B", "33333"), ("C", "33333")])
    run(engine, page, [sold, settlement(gross="99999", components=())], config=DEFAULT)
    assert member_lines(engine, "coop_commission") == {"9": 1_667, "10": 1_667, "11": 1_666}
    assert balance(engine, "4-1300") == -5_000


def test_settlement_parts_break_ties_numerically_too(engine):
    # 100 000 of fees over two members with equal goods: 50 000 each; 1 over two is a tie, member 9 gets it.
    members = MEMBERS + "9,M9,2024-03-01,active,\n10,M10,2024-03-01,active,\n"
    page = setup_books(engine, shop_member=None, members=members)
    map_skus(engine, [("A", "9"), ("B", "10")])
    sold = order(page, [("A", "50000"), ("B", "50000")])
    run(engine, page, [sold, settlement(gross="100000", components=((FeeKind.COMMISSION, "-1"),))], config=DEFAULT)
    assert member_lines(engine, "marketplace_fee") == {"9": 1}
