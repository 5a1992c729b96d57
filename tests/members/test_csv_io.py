"""Member CSV import: bad rows are reported with line numbers and nothing is half-imported; export round-trips."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from foundation.csv_import import ImportRejected
from foundation.db import transaction
from ledger.models import Member
from members.csv_io import export_members, import_members

MEMBERS = (
    "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,active,\n0002,Pak Budi,2023-07-15,active,\n"
)


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_members_with_bad_rows_import_nothing_and_every_problem_names_its_line(engine):
    bad = (
        MEMBERS
        + "0003,,2024-01-01,active,\n0004,Ani,2024-13-01,active,\n0001,Again,2024-01-01,active,\n0005,Eko,2024-01-01,gone,\n"
    )
    with pytest.raises(ImportRejected) as raised, transaction(engine) as session:
        import_members(session, io.StringIO(bad), "members.csv")
    message = str(raised.value)
    for expected in (
        "line 4: name is required",
        "line 5: join_date '2024-13-01' is not a date",
        "line 6: member 0001 appears twice",
        "line 7: status 'gone'",
        "nothing imported",
    ):
        assert expected in message
    assert count(engine, Member) == 0


def test_member_import_is_repeatable_and_records_exits(engine):
    with transaction(engine) as session:
        assert import_members(session, io.StringIO(MEMBERS)).added == 2
    exited = MEMBERS.replace("0002,Pak Budi,2023-07-15,active,", "0002,Pak Budi,2023-07-15,exited,2026-06-30")
    with transaction(engine) as session:
        result = import_members(session, io.StringIO(exited))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    out = io.StringIO()
    with transaction(engine) as session:
        export_members(session, out)
    assert "0002,Pak Budi,2023-07-15,exited,2026-06-30" in out.getvalue()
