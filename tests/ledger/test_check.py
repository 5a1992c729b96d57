"""``ledger check`` finds what was changed behind the posting API."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import text

from foundation.db import transaction
from ledger.check import check_ledger
from ledger.posting import post_entries, reverse_entry
from tests.ledger.helpers import add_members, consignment_sale

TODAY = date(2026, 3, 1)
OMNIKOP = str(Path(sys.executable).with_name("omnikop"))


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMNIKOP_DATABASE_URL": db_url}
    return subprocess.run([OMNIKOP, *args], capture_output=True, text=True, env=env, timeout=120)


def populate(engine) -> int:  # type: ignore[no-untyped-def]
    add_members(engine, "0001", "0002")
    with transaction(engine) as session:
        results = post_entries(
            session, [consignment_sale("a"), consignment_sale("b", 50_000, member="0002")], today=TODAY
        )
        reverse_entry(session, results[1].entry_id, "returned", today=TODAY)
    return results[0].entry_id


def tamper(engine, statement: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    """What a DBA with full rights could do: switch off the immutability guard and edit a posted line."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_immutable"))
            connection.execute(text(statement), params)
            connection.execute(text("ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_immutable"))
        else:
            connection.execute(text("DROP TRIGGER journal_lines_no_update"))
            connection.execute(text(statement), params)


def test_clean_ledger_passes_every_check(engine, db_url):
    populate(engine)
    with transaction(engine) as session:
        report = check_ledger(session)
    assert report.ok, report.violations
    assert report.entries == 3 and len(report.checks_run) == 10
    result = run_cli(db_url, "ledger", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ledger check: clean") and result.stdout.count("\n") == 1


def test_a_line_amount_tampered_in_sql_makes_check_exit_1(engine, db_url):
    entry_id = populate(engine)
    tamper(engine, "UPDATE journal_lines SET amount = amount + 1000 WHERE entry_id = :e AND line_no = 1", e=entry_id)
    result = run_cli(db_url, "ledger", "check")
    assert result.returncode == 1
    assert f"entries_balance: entry {entry_id}: debits" in result.stderr
    assert "trial_balance_zero" in result.stderr and "content_matches_hash" in result.stderr


def test_a_balanced_tamper_is_still_caught_by_the_content_hash(engine):
    entry_id = populate(engine)
    # Move the member's credit to another member: the entry still balances.
    tamper(engine, "UPDATE journal_lines SET member_no = '0002' WHERE entry_id = :e AND line_no = 4", e=entry_id)
    with transaction(engine) as session:
        report = check_ledger(session)
    assert [violation.check for violation in report.violations] == ["content_matches_hash"]
    assert f"entry {entry_id}" in report.violations[0].message
