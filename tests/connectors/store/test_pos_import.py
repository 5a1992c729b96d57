"""POS exports (CSV and XLSX) through the real importer, pipeline and ledger, on both databases: cash to the
outlet's till, QRIS/transfer to the store clearing account, re-imports and overlapping days post nothing twice,
and a file with bad lines is refused with every problem listed."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from connectors.base.landing import RawPage
from connectors.base.settlement_files.table import read_table, write_table
from connectors.store.connector import outlet_connector
from connectors.store.importer import import_pos_file
from connectors.store.pos_file import PosFileInvalid
from core_mapping.csv_io import import_mappings
from foundation.config import parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import GoodsMovement, JournalEntry, JournalLine
from members.csv_io import import_members
from sync.pipeline import process_shop

HEADER = "date,outlet,receipt_no,sku,quantity,unit_price,discount,payment_method\n"
DAY_1 = (
    "2026-01-05 09:15,GERAI-01,R-0001,KRP-01,2,15000,0,cash\n"  # Ibu Sari's keripik
    "2026-01-05 09:15,GERAI-01,R-0001,SBL-01,1,22000,2000,cash\n"  # Pak Budi's sambal, 2 000 off
    "2026-01-05 10:40,GERAI-01,R-0002,KRP-01,3,15000,0,QRIS\n"
    "2026-01-05 11:05,GERAI-01,R-0003,SBL-01,2,22000,0,transfer\n"
)
DAY_2 = "2026-01-06 08:30,GERAI-01,R-0004,KRP-01,1,15000,0,tunai\n"
MEMBERS = (
    "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,active,\n0002,Pak Budi,2024-03-01,active,\n"
)
MAPPINGS = (
    "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
    "sku,store,GERAI-01,KRP-01,,P-KRP,Keripik,0001,2020-01-01,,\n"
    "sku,store,GERAI-01,SBL-01,,P-SBL,Sambal,0002,2020-01-01,,\n"
)


def books(engine: Engine) -> None:
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
        import_mappings(session, io.StringIO(MAPPINGS))


def post(engine: Engine, path: Path) -> Counter[str]:
    """Import and post one file; returns the outcome counts of the run."""
    landed = import_pos_file(engine, path)
    counts: Counter[str] = Counter()
    for outlet in landed:
        summary = process_shop(engine, parse_config({}), outlet_connector(engine, outlet.outlet))
        counts["entries"] += summary.posted_entries
        counts["movements"] += summary.posted_movements
        counts["quarantined"] += sum(summary.quarantined.values())
    return counts


def balances(engine: Engine) -> dict[tuple[str, str | None], int]:
    """Debit-positive balance per (account, shop) and per (account, member)."""
    columns = (JournalLine.account_code, JournalLine.shop_ref, JournalLine.member_no, JournalLine.side)
    with transaction(engine) as session:
        rows = session.execute(select(*columns, JournalLine.amount)).all()
    out: Counter[tuple[str, str | None]] = Counter()
    for account, shop, member, side, amount in rows:
        sign = 1 if side == "D" else -1
        out[(account, shop)] += sign * amount
        if member is not None:
            out[(account, f"member:{member}")] += sign * amount
    return {key: value for key, value in out.items() if value}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    if name.endswith(".xlsx"):
        table = read_table(text.encode(), "pos_sales_csv")
        rows = [[row[column] for column in table.columns] for _, row in table.rows]
        path.write_bytes(write_table(list(table.columns), rows, "pos_sales_xlsx"))
    else:
        path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_day_of_store_sales_posts_cash_to_the_till_and_qris_transfer_to_clearing(engine, tmp_path, suffix):
    books(engine)
    counts = post(engine, write(tmp_path, f"day1.{suffix}", HEADER + DAY_1))
    # Worked by hand: R-0001 cash 30 000 (keripik) + 20 000 (sambal) = 50 000; R-0002 QRIS 45 000;
    # R-0003 transfer 44 000. Ibu Sari sold 30 000 + 45 000 = 75 000, Pak Budi 20 000 + 44 000 = 64 000.
    # Commission 5 % per receipt: R-0001 2 500 (1 500 + 1 000), R-0002 2 250, R-0003 2 200.
    assert counts == Counter({"entries": 6, "movements": 4})
    shop = "store:GERAI-01"
    got = balances(engine)
    assert got[("1-1100", shop)] == 50_000
    assert got[("1-1305", shop)] == 45_000 + 44_000
    assert got[("2-1200", "member:0001")] == -(75_000 - 1_500 - 2_250)
    assert got[("2-1200", "member:0002")] == -(64_000 - 1_000 - 2_200)
    assert got[("4-1300", shop)] == -(2_500 + 2_250 + 2_200)
    with transaction(engine) as session:
        assert check_ledger(session).ok
        volume = session.execute(
            select(JournalLine.member_no, func.sum(JournalLine.amount))
            .where(JournalLine.tag == "member_volume", JournalLine.side == "C")
            .group_by(JournalLine.member_no)
        ).all()
        assert dict(volume) == {"0001": 75_000, "0002": 64_000}
        units = dict(
            session.execute(
                select(GoodsMovement.product_ref, func.sum(GoodsMovement.quantity)).group_by(GoodsMovement.product_ref)
            ).all()
        )
        assert units == {"P-KRP": -5, "P-SBL": -3}


def test_reimporting_a_file_or_an_overlapping_one_posts_nothing_twice(engine, tmp_path):
    books(engine)
    first = post(engine, write(tmp_path, "day1.csv", HEADER + DAY_1))
    assert first["entries"] == 6
    assert post(engine, write(tmp_path, "day1-again.csv", HEADER + DAY_1)) == Counter()
    # The next export repeats yesterday's receipts (an overlapping "last 2 days" export) and adds R-0004.
    overlapping = post(engine, write(tmp_path, "days1-2.csv", HEADER + DAY_1 + DAY_2))
    assert overlapping == Counter({"entries": 2, "movements": 1})
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 8
        assert session.scalar(select(func.count()).select_from(RawPage)) == 2  # the identical file landed once
    assert balances(engine)[("1-1100", "store:GERAI-01")] == 50_000 + 15_000


def test_a_file_with_bad_lines_is_refused_whole_with_every_problem_listed(engine, tmp_path):
    books(engine)
    bad = HEADER + (
        "2026-01-05 09:15,GERAI-01,R-0001,KRP-01,2,15000,0,cash\n"
        "2026-01-05 09:15,GERAI-01,R-0001,SBL-01,1,22000,0,QRIS\n"  # receipt mixes payment methods
        "2026-01-05,GERAI-01,R-0002,KRP-01,0,15000,0,cash\n"  # quantity zero
        '05/01/2026,GERAI-01,R-0003,KRP-01,1,"15,000",0,debit card\n'  # date, price and tender all wrong
        "2026-01-05,,R-0004,,1,15000,20000,cash\n"  # no outlet, no sku, discount above the line
    )
    with pytest.raises(PosFileInvalid) as refused:
        import_pos_file(engine, write(tmp_path, "bad.csv", bad))
    problems = refused.value.problems
    assert problems == [
        "row 4, quantity: 0 must be positive",
        "row 5, date: '05/01/2026' is not a date (YYYY-MM-DD, optionally with HH:MM:SS)",
        "row 5, unit_price: '15,000' is not a plain whole number (no separators or currency signs)",
        "row 5, payment_method: 'debit card' is not cash, qris or transfer",
        "row 6, outlet: is empty",
        "row 6, sku: is empty (give sku or seller_sku)",
        "row 6, discount: 20000 is more than the line's 15000",
        "rows 2, 3: receipt R-0001 of outlet GERAI-01 mixes payment methods (one per receipt)",
    ]
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(RawPage)) == 0


def test_a_file_without_the_layout_or_with_buyer_columns_is_refused(engine, tmp_path):
    with pytest.raises(PosFileInvalid) as refused:
        import_pos_file(engine, write(tmp_path, "x.csv", "date,outlet,customer_phone,qty\n2026-01-05,G,0812,1\n"))
    text = str(refused.value)
    assert "missing column receipt_no" in text and "missing column unit_price" in text
    assert "customer_phone hold buyer personal data" in text
