"""The SHU commands as an operator runs them, and the member statement's SHU section."""

from __future__ import annotations

import csv
import hashlib
from datetime import date

import pytest

from foundation.config import ShuConfig
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.posting import post_entries
from members.statement import member_statement, render_html
from shu.compute import compute_shu
from shu.posting import post_shu
from tests.ledger.test_check import run_cli
from tests.shu.books import RAT_DAY, YEAR, sale, worked_example_books


@pytest.mark.slow(seconds=17)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_compute_writes_the_tables_then_post_refuses_changed_inputs_and_posts_once(db_url, engine, tmp_path):
    worked_example_books(engine)
    savings = tmp_path / "wajib.csv"
    savings.write_text("member_no,kind,date,amount,reference\n0003,wajib,2025-12-31,0,W\n", encoding="utf-8")
    refused = run_cli(db_url, "savings", "import", str(savings))
    assert refused.returncode == 2 and "line 2: amount must not be zero" in refused.stderr

    computed = run_cli(db_url, "shu", "compute", "--year", "2025", "--out", str(tmp_path / "shu"))
    assert computed.returncode == 0, computed.stderr
    files = {path.name: path for path in (tmp_path / "shu").iterdir()}
    assert set(files) == {"shu-2025-members.csv", "shu-2025-pools.csv", "shu-2025.html", "shu-2025-inputs.json"}
    approved = hashlib.sha256(files["shu-2025-inputs.json"].read_bytes()).hexdigest()
    assert f"inputs hash {approved}" in computed.stdout and approved in files["shu-2025.html"].read_text()
    with files["shu-2025-members.csv"].open(encoding="utf-8") as handle:
        members = {row["member_no"]: row for row in csv.DictReader(handle)}
    assert {no: (row["jua"], row["jma"], row["total"]) for no, row in members.items()} == {
        "0001": ("1750000", "1000000", "2750000"),
        "0002": ("500000", "666667", "1166667"),
        "0003": ("250000", "333333", "583333"),
    }
    with files["shu-2025-pools.csv"].open(encoding="utf-8") as handle:
        pools = list(csv.DictReader(handle))
    assert sum(int(pool["amount"]) for pool in pools) == 10_000_000

    with transaction(engine) as session:
        post_entries(session, [sale("c3", "0003", 250_000, date(2025, 12, 30))])
    changed = run_cli(db_url, "shu", "post", "--year", "2025", "--approved-by", "Ketua RAT", "--date", "2026-03-14")
    assert changed.returncode == 2 and "Traceback" not in changed.stderr
    assert approved in changed.stderr and "member 0003 volume 1000000 → 1250000" in changed.stderr

    with transaction(engine) as session:  # the RAT sees the new figures (the compute command is shown above)
        compute_shu(session, YEAR, ShuConfig())
    posted = run_cli(db_url, "shu", "post", "--year", "2025", "--approved-by", "Ketua RAT", "--date", "2026-03-14")
    assert posted.returncode == 0 and "SHU 2025 posted: 3 entries dated 2026-03-14" in posted.stdout
    twice = run_cli(db_url, "shu", "post", "--year", "2025", "--approved-by", "Ketua RAT")
    assert twice.returncode == 0 and "already posted" in twice.stdout
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_the_member_statement_shows_the_years_shu_with_its_basis(engine):
    worked_example_books(engine)
    with transaction(engine) as session:
        assert member_statement(session, "0002", date(2025, 1, 1), date(2025, 12, 31)).shu is None
        compute_shu(session, YEAR, ShuConfig())
        draft = member_statement(session, "0002", date(2025, 1, 1), date(2025, 12, 31)).shu
        post_shu(session, YEAR, ShuConfig(), approved_by="Ketua RAT", on=RAT_DAY)
        statement = member_statement(session, "0002", date(2026, 3, 1), date(2026, 3, 31))
    assert draft is not None and draft.status.startswith("draf")
    shu = statement.shu
    assert shu is not None and shu.year == 2025 and shu.status == "diposting"
    assert (shu.volume, shu.total_volume, shu.jua_pool, shu.jua) == (2_000_000, 10_000_000, 2_500_000, 500_000)
    assert (shu.capital, shu.total_capital, shu.jma_pool, shu.jma) == (1_000_000, 3_000_000, 2_000_000, 666_667)
    page = render_html(statement)
    assert "SHU tahun buku 2025 (diposting)" in page and "Rp 1.166.667" in page and "Rp 666.667" in page
