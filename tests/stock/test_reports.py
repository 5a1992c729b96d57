"""The stock in the CLI and the member statement: receive, count and levels through ``omnikop`` itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from connectors.base.records import OrderStatus
from tests.stock.books import SHOPS, book_order, order, setup_books, stock_config

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))


@pytest.mark.slow(seconds=19)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_levels_and_member_statement_show_the_stock_across_channels(db_url, engine, tmp_path):  # type: ignore[no-untyped-def]
    pages = setup_books(engine)
    raw = {
        "database": {"url": db_url},
        "shops": [{"platform": p, "shop_ref": s, "conn_id": f"{p}_{s}"} for p, s in SHOPS.items()],
        "stock": {"channels": {"tokopedia": {"rule": "fixed", "value": 4}}},
    }
    (tmp_path / "omnikop.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    env = {**os.environ, "OMNIKOP_CONFIG": str(tmp_path / "omnikop.yaml"), "COLUMNS": "250"}  # one table row a line
    env.pop("OMNIKOP_DATABASE_URL", None)

    def cli(*args: str) -> str:
        result = subprocess.run([OMNIKOP, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    (tmp_path / "in.csv").write_text("receipt_ref,date,product_ref,quantity\nRCV-9,2026-03-01,P-KOPI,10\n")
    (tmp_path / "count.csv").write_text("count_ref,date,product_ref,counted\nOPN-9,2026-03-01,P-GULA,3\n")
    assert "1 movement(s) posted" in cli("stock", "receive", "in.csv")
    assert "0 movement(s) posted, 1 already booked" in cli("stock", "receive", "in.csv")
    assert "1 adjustment(s) posted" in cli("stock", "count", "count.csv")
    book_order(engine, stock_config(), pages, order("shopee", "O-7", "P-KOPI", 2, OrderStatus.PAID, 3))

    levels = cli("stock", "levels")
    kopi = next(line for line in levels.splitlines() if "P-KOPI" in line)
    cells = [cell.strip() for cell in kopi.split("│") if cell.strip()]
    assert cells[:8] == ["P-KOPI", "0001", "store", "10", "2", "0", "8", "0"]
    assert "8 (never pushed)" in kopi and "4 (never pushed)" in kopi

    out = tmp_path / "statement.html"
    cli("members", "statement", "0001", "--period", "2026-03", "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert "Barang titipan di toko koperasi" in page
    assert '<td>P-KOPI</td><td>store</td><td class="n">10</td><td class="n">2</td><td class="n">8</td>' in page
    assert "shopee:100001: 8, tokopedia:200001: 4" in page
