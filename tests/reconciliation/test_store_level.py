"""The store level (POS takings ↔ bank) through the real POS importer, pipeline, bank import, matching and
ledger, on both databases, with every figure worked by hand.

The day (GERAI-01, Monday 5 January 2026):
  R-0001 cash      2 × 15 000 keripik + 1 × 22 000 sambal − 2 000 off        =  50 000
  R-0002 QRIS      4 × 15 000 keripik                                        =  60 000
  R-0003 QRIS      2 × 22 000 sambal                                         =  44 000
  R-0004 cash      1 × 15 000 keripik + 1 × 22 000 sambal                    =  37 000
  cash 87 000 in the till (1-1100), QRIS 104 000 in the clearing (1-1305).
The bank (Tuesday 6 January): the acquirer's QRIS settlement 104 000 − MDR 0.7 % (728) = 103 272, and the
cashier's deposit of 82 000: Rp 5.000 short.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from core_mapping.csv_io import import_mappings
from foundation.bank_layouts import PRESETS
from foundation.config import OmnikopConfig, parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import JournalEntry, JournalLine
from members.csv_io import import_members
from reconciliation.actions import resolve_variance
from reconciliation.bank_csv import parse_statement
from reconciliation.bank_store import store_statement
from reconciliation.models import BankMatch, Variance
from reconciliation.report.write import write_report
from reconciliation.run import run_reconciliation
from tests.connectors.store.test_pos_import import MAPPINGS, MEMBERS, post

OUTLET = "GERAI-01"
SHOP = f"store:{OUTLET}"
AS_OF = date(2026, 1, 12)
POS = (
    "date,outlet,receipt_no,sku,quantity,unit_price,discount,payment_method\n"
    "2026-01-05 09:15,GERAI-01,R-0001,KRP-01,2,15000,0,cash\n"
    "2026-01-05 09:15,GERAI-01,R-0001,SBL-01,1,22000,2000,cash\n"
    "2026-01-05 10:40,GERAI-01,R-0002,KRP-01,4,15000,0,QRIS\n"
    "2026-01-05 11:05,GERAI-01,R-0003,SBL-01,2,22000,0,qris\n"
    "2026-01-05 16:20,GERAI-01,R-0004,KRP-01,1,15000,0,tunai\n"
    "2026-01-05 16:20,GERAI-01,R-0004,SBL-01,1,22000,0,tunai\n"
)
BANK_HEAD = (
    "Informasi Rekening - Mutasi Rekening\n"
    "No. rekening : ,0123456789\n"
    "Periode : ,06/01/2026 - 12/01/2026\n"
    "\n"
    "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n"
)
QRIS_CREDIT = '06/01/2026,KR OTOMATIS QRIS MERCHANT GERAI-01 050126,0000,"103,272.00 CR","5,103,272.00"\n'
CASH_DEPOSIT = '06/01/2026,SETORAN TUNAI GERAI-01 KASIR SARI,0000,"82,000.00 CR","5,185,272.00"\n'
MONTH_FEE = '12/01/2026,BIAYA ADM,0000,"10,000.00 DB","5,175,272.00"\n'
BANK_FOOT = 'Saldo Awal,,,"5,000,000.00"\nSaldo Akhir,,,"5,175,272.00"\n'


def configured(mdr_bps: int) -> OmnikopConfig:
    return parse_config(
        {"reconciliation": {"bank_accounts": {"ops": {"preset": "bca"}}, "store_qris_mdr_bps": mdr_bps}}
    )


def the_day_posted(engine: Engine, tmp_path: Path) -> None:
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
        import_mappings(session, io.StringIO(MAPPINGS))
    path = tmp_path / "pos-20260105.csv"
    path.write_text(POS, encoding="utf-8")
    assert post(engine, path)["quarantined"] == 0


def import_bank(engine: Engine, text: str, name: str = "mutasi.csv") -> None:
    data = text.encode()
    with transaction(engine) as session:
        store_statement(session, "ops", name, data, parse_statement(data, PRESETS["bca"], name), "bca")


def reconcile(engine: Engine, config: OmnikopConfig):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return run_reconciliation(session, config, AS_OF)


def balance(engine: Engine, account: str, shop: str | None = SHOP) -> int:
    with transaction(engine) as session:
        rows = session.execute(
            select(JournalLine.side, func.sum(JournalLine.amount))
            .where(JournalLine.account_code == account, JournalLine.shop_ref == shop)
            .group_by(JournalLine.side)
        ).all()
    sums = dict(rows)
    return int(sums.get("D", 0)) - int(sums.get("C", 0))


def variances(engine: Engine) -> list[tuple[str, str, int, int, int, str]]:
    with transaction(engine) as session:
        return [
            (v.category, v.subject, v.expected, v.actual, v.difference, v.status)
            for v in session.scalars(select(Variance).order_by(Variance.category))
        ]


def count(engine: Engine, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_qris_less_the_configured_mdr_matches_and_a_short_deposit_is_one_store_cash_short(engine, tmp_path):
    the_day_posted(engine, tmp_path)
    assert balance(engine, "1-1100") == 87_000
    assert balance(engine, "1-1305") == 104_000
    import_bank(engine, BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT)
    result = reconcile(engine, configured(70))

    items = result.tables["store"]
    got = {
        row["tender"]: (
            row["takings"],
            row["fee"],
            row["expected"],
            row["bank_amount"],
            row["difference"],
            row["result"],
        )
        for row in items.to_dict("records")
    }
    assert got == {
        "cash": (87_000, 0, 87_000, 82_000, -5_000, "store_cash_short"),
        "qris": (104_000, 728, 103_272, 103_272, 0, "matched"),
    }
    assert variances(engine) == [
        ("store_cash_short", "GERAI-01 2026-01-05 cash takings (2 receipts)", 87_000, 82_000, -5_000, "open")
    ]
    # The store's credits are the store's: level 3 lists them as matched, not as unexplained credits.
    lines = result.tables["bank_lines"]
    assert sorted(lines.loc[lines["amount"] > 0, "matched_to"]) == [
        "store:GERAI-01 cash:2026-01-05",
        "store:GERAI-01 qris:2026-01-05",
    ]
    assert result.matches_posted == 2
    # Matched money left the till and the clearing: QRIS 103 272 to the bank + 728 MDR to 6-1200 = 104 000;
    # the deposit 82 000 to the bank, the missing 5 000 still in the outlet's till.
    assert balance(engine, "1-1305") == 0
    assert balance(engine, "6-1200") == 728
    assert balance(engine, "1-1100") == 5_000
    assert balance(engine, "1-1200") == 103_272 + 82_000
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_re_running_the_matching_posts_and_records_nothing_twice(engine, tmp_path):
    the_day_posted(engine, tmp_path)
    import_bank(engine, BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT)
    reconcile(engine, configured(70))
    entries, matches, found = count(engine, JournalEntry), count(engine, BankMatch), variances(engine)
    again = reconcile(engine, configured(70))
    assert again.matches_posted == 0
    assert (again.saved.detected, again.saved.changed, again.saved.unchanged) == (0, 0, 1)
    assert (count(engine, JournalEntry), count(engine, BankMatch), variances(engine)) == (entries, matches, found)
    # The same statement imported again adds no line, so still nothing new.
    import_bank(engine, BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT, "mutasi-again.csv")
    assert reconcile(engine, configured(70)).matches_posted == 0
    assert count(engine, JournalEntry) == entries
    assert [row["result"] for row in again.tables["store"].to_dict("records")] == ["store_cash_short", "matched"]


def test_writing_off_the_cash_short_empties_the_till_and_survives_a_re_run(engine, tmp_path):
    the_day_posted(engine, tmp_path)
    import_bank(engine, BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT)
    reconcile(engine, configured(70))
    with transaction(engine) as session:
        (short,) = session.scalars(select(Variance.id).where(Variance.category == "store_cash_short"))
    with transaction(engine) as session:
        outcome = resolve_variance(
            session, configured(70), short, "write-off", "cashier counted 5 000 short", "siti", today=AS_OF
        )
    assert (outcome.outcome, outcome.status) == ("posted", "written_off")
    assert outcome.message.endswith("Dr 6-1900 / Cr 1-1100 5000")
    assert balance(engine, "1-1100") == 0
    assert balance(engine, "6-1900") == 5_000
    with transaction(engine) as session:
        repeat = resolve_variance(session, configured(70), short, "write-off", "again", "siti", today=AS_OF)
    assert repeat.outcome == "no-op"
    reconcile(engine, configured(70))
    assert [status for *_, status in variances(engine)] == ["written_off"]
    assert balance(engine, "6-1900") == 5_000


def test_without_a_configured_mdr_the_deduction_is_a_store_qris_fee_and_a_missing_day_is_unsettled(engine, tmp_path):
    the_day_posted(engine, tmp_path)
    later = tmp_path / "pos-20260106.csv"  # Tuesday: one more QRIS sale, which the acquirer never settles
    later.write_text(POS.splitlines(keepends=True)[0] + "2026-01-06 10:00,GERAI-01,R-0005,KRP-01,1,15000,0,qris\n")
    assert post(engine, later)["entries"] > 0
    import_bank(engine, BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT)
    reconcile(engine, configured(0))
    assert variances(engine) == [
        ("store_cash_short", "GERAI-01 2026-01-05 cash takings (2 receipts)", 87_000, 82_000, -5_000, "open"),
        ("store_qris_fee", "GERAI-01 2026-01-05 qris takings (2 receipts)", 104_000, 103_272, -728, "open"),
        # 6 Jan + 3 window days = 9 Jan < 12 Jan, the statement's last day: no longer just late.
        ("store_qris_unsettled", "GERAI-01 2026-01-06 qris takings (1 receipts)", 15_000, 0, -15_000, "open"),
    ]
    # Only the credited 103 272 left the clearing; the 728 deduction and Tuesday's 15 000 are still in it.
    assert balance(engine, "1-1305") == 728 + 15_000
    with transaction(engine) as session:
        fee = session.scalar(select(Variance.id).where(Variance.category == "store_qris_fee"))
        assert fee is not None
        outcome = resolve_variance(session, configured(0), fee, "write-off", "acquirer MDR 0.7 %", "siti", today=AS_OF)
    assert outcome.outcome == "posted"
    assert balance(engine, "1-1305") == 15_000
    assert Counter(status for *_, status in variances(engine)) == Counter({"open": 2, "written_off": 1})


@pytest.mark.slow(seconds=31)
def test_recon_run_on_the_command_line_reports_the_store_level(db_url, tmp_path):
    """The real path: ``omnikop import pos``, ``omnikop import bank``, ``omnikop recon run``, ``recon resolve``."""
    config = tmp_path / "omnikop.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": {"url": db_url},
                "reconciliation": {"bank_accounts": {"ops": {"preset": "bca"}}, "store_qris_mdr_bps": 70},
            }
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "OMNIKOP_CONFIG": str(config), "COLUMNS": "200"}
    omnikop = str(Path(sys.executable).with_name("omnikop"))

    def cli(*args: str) -> str:
        done = subprocess.run([omnikop, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    (tmp_path / "mappings.csv").write_text(MAPPINGS, encoding="utf-8")
    (tmp_path / "pos.csv").write_text(POS, encoding="utf-8")
    (tmp_path / "mutasi.csv").write_text(BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT)
    cli("members", "import", str(tmp_path / "members.csv"))
    cli("mappings", "import", str(tmp_path / "mappings.csv"))
    cli("import", "pos", str(tmp_path / "pos.csv"))
    cli("import", "bank", str(tmp_path / "mutasi.csv"), "--account", "ops")
    out = cli("recon", "run", "--as-of", AS_OF.isoformat())
    assert "2 bank match(es) posted" in out
    assert "store_cash_short: 1" in out
    assert "bank_line_unmatched" not in out
    listed = cli("recon", "list", "--open", "--category", "store_cash_short")
    (variance_id,) = re.findall(r"\bV[0-9A-F]{12}\b", listed)
    resolved = cli("recon", "resolve", variance_id, "--action", "accept", "--note", "counted twice", "--by", "siti")
    assert "accepted" in resolved
    assert "no open variances" in cli("recon", "list", "--open")


def test_the_report_has_a_store_section_with_the_days_figures(engine, tmp_path):
    the_day_posted(engine, tmp_path)
    import_bank(engine, BANK_HEAD + QRIS_CREDIT + CASH_DEPOSIT + MONTH_FEE + BANK_FOOT)
    result = reconcile(engine, configured(70))
    with transaction(engine) as session:
        files = write_report(session, configured(70), result, "2026-01", tmp_path / "report")
    page = (tmp_path / "report" / "reconciliation-2026-01.html").read_text(encoding="utf-8")
    assert '<h2 id="store">Toko / Store: cash &amp; QRIS · POS takings ↔ bank <small>(2 rows)</small></h2>' in page
    for shown in ("Rp 103.272", "Rp 82.000", "-Rp 5.000", "store_cash_short"):
        assert shown in page
    table = pd.read_csv(tmp_path / "report" / "reconciliation-2026-01-store.csv")
    assert table[["tender", "takings", "fee", "expected", "bank_amount", "difference", "result"]].values.tolist() == [
        ["cash", 87_000, 0, 87_000, 82_000, -5_000, "store_cash_short"],
        ["qris", 104_000, 728, 103_272, 103_272, 0, "matched"],
    ]
    assert any(path.suffix == ".xlsx" for path in files)
    sheet = load_workbook(tmp_path / "report" / "reconciliation-2026-01.xlsx")["Toko Cash-QRIS"]
    assert [row[4] for row in sheet.iter_rows(min_row=3, max_row=4, values_only=True)] == [87_000, 104_000]
    coverage = pd.read_csv(tmp_path / "report" / "reconciliation-2026-01-coverage.csv").fillna("")
    outlet = coverage[coverage["shop_ref"] == OUTLET]
    assert outlet[["level", "checked", "items", "not_matched", "expected", "actual"]].values.tolist() == [
        ["1 · Order ↔ settlement", "yes", 4, 0, 191_000, 191_000],
        ["2 · Settlement ↔ wallet", "no", 0, 0, 0, 0],
        ["2 · Ledger receivable ↔ wallet balance", "no", 0, 0, 0, 0],
        ["3 · Withdrawal ↔ bank", "no", 0, 0, 0, 0],
        ["Toko · POS takings ↔ bank", "yes", 2, 1, 190_272, 185_272],
    ]
    assert outlet["note"].str.contains("not applicable: an outlet has no wallet").sum() == 3
