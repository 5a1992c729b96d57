"""Store sales in the member's view, on both databases: the statement has a ``store`` channel beside the
marketplaces, and SHU JUA counts store volume with the marketplace volume (worked by hand below)."""

from __future__ import annotations

from datetime import date

from foundation.config import ShuConfig
from foundation.db import transaction
from ledger.posting import EntryDraft, credit, debit, post_entries
from members.statement import member_statement, render_html
from shu.compute import compute_shu
from tests.connectors.store.test_pos_import import DAY_1, HEADER, books, post, write


def store_and_shopee_books(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Store day 1 (Ibu Sari 0001: 75 000, Pak Budi 0002: 64 000) and a Shopee sale of 0001 for 61 000."""
    books(engine)
    post(engine, write(tmp_path, "day1.csv", HEADER + DAY_1))
    with transaction(engine) as session:
        shopee = EntryDraft(
            "test:shopee:s1",
            date(2026, 1, 7),
            (
                debit("1-1310", 61_000, shop_ref="shopee:1"),
                credit("2-1200", 61_000, member_no="0001", shop_ref="shopee:1", tag="member_volume"),
            ),
            "a Shopee sale",
        )
        assert [r.outcome for r in post_entries(session, [shopee])] == ["created"]


def test_the_statement_shows_the_store_beside_the_marketplaces(engine, tmp_path):
    store_and_shopee_books(engine, tmp_path)
    with transaction(engine) as session:
        statement = member_statement(session, "0001", date(2026, 1, 1), date(2026, 1, 31))
    assert set(statement.channels) == {"shopee", "store"}
    store = statement.channels["store"]
    # 30 000 (R-0001) + 45 000 (R-0002); commission 1 500 + 2 250; no fees at the till.
    assert (store.gross, store.refunds, store.fees, store.commission, store.net) == (75_000, 0, 0, 3_750, 71_250)
    assert statement.channels["shopee"].gross == 61_000 and statement.total.gross == 136_000
    assert "<td>store</td>" in render_html(statement)


def test_shu_jua_counts_store_volume_with_every_other_channel(engine, tmp_path):
    store_and_shopee_books(engine, tmp_path)
    with transaction(engine) as session:
        run = compute_shu(session, 2026, ShuConfig(), surplus=1_000_000, store=False)
    # Volumes: 0001 = 75 000 store + 61 000 Shopee = 136 000; 0002 = 64 000 store. Σ 200 000.
    # JUA pool = 2 500 bps of 1 000 000 = 250 000 → 0001: 250 000 × 136/200 = 170 000; 0002: 80 000.
    assert {m["member_no"]: m["volume"] for m in run.inputs["members"]} == {"0001": 136_000, "0002": 64_000}
    assert {s.member_no: s.jua for s in run.allocation.shares} == {"0001": 170_000, "0002": 80_000}
