"""Savings from CSV into their own member-subledger accounts: whole files or nothing, once, never negative."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from foundation.csv_import import ImportRejected
from foundation.db import transaction
from ledger.members import register_member
from ledger.models import JournalEntry
from ledger.reports import balances_by
from members.csv_io import import_members
from shu.errors import SavingsImportRejected
from shu.savings import import_savings

TRANSACTIONS = """member_no,kind,date,amount,reference
0001,pokok,2025-01-02,100000,POKOK-0001
0001,wajib,2025-01-31,50000,WJB-2025-01
0001,wajib,2025-02-28,50000,WJB-2025-02
0001,sukarela,2025-03-01,300000,TRF-1
0001,sukarela,2025-03-05,-120000,TRF-2
0002,sukarela,2025-03-01,10000,TRF-3
"""


def members(engine, *numbers: str) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        for number in numbers:
            register_member(session, number, f"Member {number}", date(2024, 1, 1))


def savings_balances(engine) -> dict[tuple[str, str | None], int]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return {key: -net for key, net in balances_by(session, "member").items() if net and key[1]}


def entries(engine) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_transactions_post_to_their_own_accounts_once(engine):
    members(engine, "0001", "0002")
    with transaction(engine) as session:
        result = import_savings(session, io.StringIO(TRANSACTIONS), "savings.csv")
    assert (result.shape, result.posted, result.already_posted) == ("transactions", 6, 0)
    assert savings_balances(engine) == {
        ("3-1100", "0001"): 100_000,
        ("3-1200", "0001"): 100_000,
        ("2-1300", "0001"): 180_000,
        ("2-1300", "0002"): 10_000,
    }
    with transaction(engine) as session:
        again = import_savings(session, io.StringIO(TRANSACTIONS), "savings.csv")
    assert (again.posted, again.already_posted) == (0, 6)
    assert entries(engine) == 6


def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(engine):
    members(engine, "0001")
    bad = (
        "member_no,kind,date,amount,reference\n"
        "0001,pokok,2025-01-02,100000,P-1\n"
        "0001,tabungan,2025-01-02,5,X\n"
        "0001,wajib,2025-02-30,5,Y\n"
        "0001,wajib,2025-02-01,12.5,Z\n"
        "0009,wajib,2025-02-01,5,W\n"
        "0001,pokok,2025-01-03,7,P-1\n"
        "0001,sukarela,2025-01-03,0,Q\n"
    )
    with transaction(engine) as session, pytest.raises(SavingsImportRejected) as rejected:
        import_savings(session, io.StringIO(bad), "bad.csv")
    problems = rejected.value.problems
    assert [problem.split(":")[0] for problem in problems] == ["line 3", "line 4", "line 5", "line 7", "line 8"]
    assert "kind 'tabungan'" in problems[0] and "repeats line 2" in problems[3]
    unknown = "member_no,kind,date,amount,reference\n0001,pokok,2025-01-02,100000,P-1\n0009,wajib,2025-02-01,5,W\n"
    with transaction(engine) as session, pytest.raises(SavingsImportRejected, match="line 3: member '0009'"):
        import_savings(session, io.StringIO(unknown))
    assert entries(engine) == 0


def test_sukarela_may_not_go_negative_on_any_day_counting_what_is_booked(engine):
    members(engine, "0001")
    with transaction(engine) as session:
        import_savings(session, io.StringIO("member_no,kind,amount,as_of\n0001,sukarela,100000,2025-01-01\n"))
    overdraw = (
        "member_no,kind,date,amount,reference\n"
        "0001,sukarela,2025-02-01,-150000,W-1\n"  # 100 000 − 150 000 < 0 on 1 February…
        "0001,sukarela,2025-02-10,80000,D-1\n"  # …even though a later deposit would cover it
    )
    with transaction(engine) as session, pytest.raises(SavingsImportRejected) as rejected:
        import_savings(session, io.StringIO(overdraw), "overdraw.csv")
    assert rejected.value.problems == [
        "line 2: simpanan sukarela of member 0001 would be -50000 on 2025-02-01; a balance cannot go negative"
    ]
    assert entries(engine) == 1


def test_a_ledger_refusal_imports_nothing_of_the_file(engine):
    members(engine, "0001")
    future = "member_no,kind,date,amount,reference\n0001,wajib,2025-01-31,50000,A\n0001,wajib,2099-01-31,50000,B\n"
    with transaction(engine) as session:
        with pytest.raises(SavingsImportRejected, match="line 3: .*2099-01-31"):
            import_savings(session, io.StringIO(future), "future.csv")
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def test_the_members_csv_savings_columns_post_opening_balances(engine):
    csv_text = (
        "member_no,name,join_date,status,exit_date,simpanan_pokok,simpanan_wajib,simpanan_sukarela,savings_as_of\n"
        "0001,Ani,2024-01-01,active,,100000,250000,,2025-01-01\n"
        "0002,Budi,2024-06-01,active,,100000,,5000,\n"
    )
    with transaction(engine) as session:
        result = import_members(session, io.StringIO(csv_text))
    assert result.added == 2 and result.notes == ["savings opening balances: 4 posted, 0 already posted"]
    assert savings_balances(engine) == {
        ("3-1100", "0001"): 100_000,
        ("3-1200", "0001"): 250_000,
        ("3-1100", "0002"): 100_000,
        ("2-1300", "0002"): 5_000,
    }
    with transaction(engine) as session:
        assert import_members(session, io.StringIO(csv_text)).notes == [
            "savings opening balances: 0 posted, 4 already posted"
        ]
    changed = csv_text.replace("0001,Ani,2024-01-01,active,,100000", "0001,Ani,2024-01-01,active,,200000")
    with transaction(engine) as session, pytest.raises(ImportRejected, match="line 2: .*savings:opening:0001:pokok"):
        import_members(session, io.StringIO(changed))
