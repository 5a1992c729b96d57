"""The files a finance person reads after a run: trial balance, journal, Beancount books, member statements,
quarantine list, and the reconciliation report the reconciliation DAG wrote into ``out/reconciliation/``."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from core_mapping.quarantine import open_items
from foundation.config import OmnikopConfig
from foundation.db import transaction
from ledger.export_beancount import write_beancount
from ledger.export_csv import write_journal_csv
from ledger.models import Member
from ledger.reports import trial_balance
from members.statement import member_statement, render_html
from omnikop.stock_report import member_goods

EVERYTHING = (date(2000, 1, 1), date(2100, 12, 31))


def write_outputs(engine: Engine, out: Path, config: OmnikopConfig | None = None) -> tuple[list[Path], str]:
    """Write every output under ``out``; return the paths and the bean-check verdict. With ``config`` the member
    statements list each member's goods in the store (stock per product and channel)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "statements").mkdir(exist_ok=True)
    files: list[Path] = []
    with transaction(engine) as session:
        path = out / "trial_balance.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["account", "name", "debits", "credits", "balance_debit", "balance_credit"])
            for row in trial_balance(session):
                net = row.net_debit
                writer.writerow([row.code, row.name, row.debits, row.credits, max(net, 0), max(-net, 0)])
        files.append(path)
        path = out / "journal.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            write_journal_csv(session, handle)
        files.append(path)
        books = out / "ledger.beancount"
        with books.open("w", encoding="utf-8") as handle:
            write_beancount(session, handle)
        files.append(books)
        for member_no in session.scalars(select(Member.member_no).order_by(Member.member_no)):
            path = out / "statements" / f"member-{member_no}.html"
            figures = member_statement(session, member_no, *EVERYTHING)
            if config is not None:
                figures.goods = member_goods(session, config, member_no)
            path.write_text(render_html(figures), encoding="utf-8")
            files.append(path)
        path = out / "quarantine.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "platform", "shop_ref", "stream", "record_key", "stage", "reason", "message"])
            for item in open_items(session):
                writer.writerow(
                    [
                        item.id,
                        item.platform,
                        item.shop_ref,
                        item.stream,
                        item.record_key,
                        item.stage,
                        item.reason,
                        item.message,
                    ]
                )
        files.append(path)
    files.extend(sorted((out / "reconciliation").glob("reconciliation-*")))
    return files, bean_check(books)


def bean_check(path: Path) -> str:
    """Let Beancount itself verify the exported books."""
    binary = Path(sys.executable).with_name("bean-check")
    command = str(binary) if binary.exists() else shutil.which("bean-check")
    if command is None:
        return "skipped (bean-check is not installed)"
    result = subprocess.run([command, str(path)], capture_output=True, text=True, timeout=300)
    return "passed" if result.returncode == 0 else f"FAILED:\n{result.stdout}{result.stderr}"
