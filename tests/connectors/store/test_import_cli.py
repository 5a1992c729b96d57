"""``omnikop import pos`` as an operator runs it, on the sandbox world's store sales: each member's ledger
volume equals the world's sales of their goods, a second and an overlapping import post nothing twice, and a
bad file exits 2 listing its problems."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectors.base.sandbox.world import WorldConfig
from connectors.base.settlement_files.layout import WIB
from foundation.db import make_engine, transaction
from ledger.check import check_ledger
from ledger.models import JournalEntry, JournalLine
from tests.sync.conftest import import_mappings, platform_setup


@pytest.mark.slow(seconds=40)
def test_importing_the_worlds_pos_exports_books_each_member_once(db_url: str, tmp_path: Path) -> None:
    with platform_setup("store", db_url, tmp_path, WorldConfig(days=3, orders_per_day=4, platforms=("store",))) as s:
        import_mappings(s)
        first_day = min(o.created_at for o in s.world.orders if o.platform == "store").astimezone(WIB).date()
        last_day = s.world.as_of.astimezone(WIB).date()
        for shop in s.shops:
            day_one = s.sandbox.pos_export(shop, first_day, first_day)  # type: ignore[attr-defined]
            everything = s.sandbox.pos_export(shop, first_day, last_day, "pos_sales_xlsx")  # type: ignore[attr-defined]
            (tmp_path / f"{shop}-1.csv").write_bytes(day_one)
            (tmp_path / f"{shop}-all.xlsx").write_bytes(everything)
            first = s.cli("import", "pos", str(tmp_path / f"{shop}-1.csv"))
            assert first.returncode == 0, first.stderr
            again = s.cli("import", "pos", str(tmp_path / f"{shop}-1.csv"))
            assert "already landed" in again.stdout and again.returncode == 0
            overlap = s.cli("import", "pos", str(tmp_path / f"{shop}-all.xlsx"))
            assert overlap.returncode == 0, overlap.stderr
        expected: Counter[str] = Counter()
        for order in s.world.orders:
            if order.platform == "store" and order.created_at.astimezone(WIB).date() <= last_day:
                for line in order.lines:
                    expected[line.product.member_no] += line.amount
        engine = make_engine(db_url)
        with transaction(engine) as session:
            volume = session.execute(
                select(JournalLine.member_no, func.sum(JournalLine.amount))
                .where(JournalLine.tag == "member_volume", JournalLine.side == "C")
                .group_by(JournalLine.member_no)
            ).all()
            entries = session.scalar(select(func.count()).select_from(JournalEntry))
            assert check_ledger(session).ok
        assert dict(volume) == dict(expected) and expected
        receipts = sum(1 for o in s.world.orders if o.platform == "store")
        assert entries == 2 * receipts  # a sale and a commission entry per receipt, never a second time
        bad = s.write(
            "bad.csv",
            "date,outlet,receipt_no,sku,quantity,unit_price,payment_method\n"
            "2026-01-05,G1,R1,X,two,1000,cash\n2026-01-05,G1,R2,X,1,1000,card\n",
        )
        refused = s.cli("import", "pos", str(bad), check=False)
        assert refused.returncode == 2
        assert "row 2, quantity" in refused.stderr and "row 3, payment_method" in refused.stderr
