"""The Beancount export is verified by Beancount itself (``bean-check``)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from foundation.db import transaction
from ledger.periods import close_period
from ledger.posting import EntryDraft, credit, debit, post_entries, reverse_entry
from tests.ledger.helpers import add_members, consignment_sale

BEAN_CHECK = str(Path(sys.executable).with_name("bean-check"))
TODAY = date(2026, 3, 1)


def realistic_books(engine) -> None:  # type: ignore[no-untyped-def]
    """Two members' consigned sales, commission, payout, remittance, a reversal and a closed January."""
    add_members(engine, "0001", "0002")
    with transaction(engine) as session:
        results = post_entries(
            session,
            [
                consignment_sale("sale-1", 200_000, member="0001", day=date(2026, 1, 5)),
                consignment_sale("sale-2", 75_000, member="0002", day=date(2026, 1, 6)),
                EntryDraft(
                    "commission-1",
                    date(2026, 1, 5),
                    (debit("2-1200", 10_000, member_no="0001"), credit("4-1300", 10_000)),
                    'Komisi 5 % "titip jual"',
                ),
                EntryDraft(
                    "payout-1",
                    date(2026, 1, 9),
                    (debit("1-1200", 183_000), credit("1-1310", 183_000, shop_ref="shopee:1")),
                    "Penarikan saldo Shopee",
                ),
                EntryDraft(
                    "remit-1",
                    date(2026, 1, 10),
                    (debit("2-1200", 174_000, member_no="0001"), credit("1-1200", 174_000)),
                    "Transfer ke anggota 0001",
                ),
            ],
            today=TODAY,
        )
        assert all(result.outcome == "created" for result in results)
        close_period(session, date(2026, 1, 31), "bendahara", today=TODAY)
        reverse_entry(session, results[1].entry_id, "pesanan dikembalikan", today=TODAY)


def export(tmp_path: Path, db_url: str) -> Path:
    from tests.ledger.test_check import run_cli

    out = tmp_path / "books.beancount"
    result = run_cli(db_url, "ledger", "export", "--format", "beancount", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def bean_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BEAN_CHECK, str(path)], capture_output=True, text=True, timeout=120)


def test_bean_check_accepts_the_export_and_rejects_a_corrupted_copy(engine, db_url, tmp_path):
    realistic_books(engine)
    out = export(tmp_path, db_url)
    text = out.read_text(encoding="utf-8")
    assert text.count(" * ") == 6 and 'reverses: "2"' in text
    checked = bean_check(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    corrupted = tmp_path / "corrupted.beancount"
    corrupted.write_text(text.replace("  183000 IDR", "  183100 IDR", 1), encoding="utf-8")
    failed = bean_check(corrupted)
    assert failed.returncode != 0
    assert "Transaction does not balance: (100 IDR)" in failed.stdout + failed.stderr


def test_csv_export_has_one_row_per_line_with_integer_amounts(engine, db_url, tmp_path):
    from tests.ledger.test_check import run_cli

    realistic_books(engine)
    out = tmp_path / "journal.csv"
    assert run_cli(db_url, "ledger", "export", "--format", "csv", "--out", str(out)).returncode == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("entry_id,effective_date,idempotency_key")
    assert len(rows) == 1 + 4 + 4 + 2 + 2 + 2 + 4
    debit_total = sum(int(row.split(",")[-3]) for row in rows[1:])
    credit_total = sum(int(row.split(",")[-2]) for row in rows[1:])
    assert debit_total == credit_total
