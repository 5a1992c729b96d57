"""CSV imports: bad rows are reported with line numbers and nothing is half-imported; export round-trips."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core_mapping.csv_io import ImportRejected, export_mappings, export_members, import_mappings, import_members
from core_mapping.models import ShopMapping, SkuMapping
from ledger.models import Member
from omnikop.db import transaction

MEMBERS = (
    "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,active,\n0002,Pak Budi,2023-07-15,active,\n"
)
HEADER = "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"


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


def test_mappings_with_bad_rows_import_nothing(engine):
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
    bad = HEADER + (
        "shop,shopee,100001,,,,,0001,2020-01-01,,\n"
        "sku,lazada,200,1,,P-1,x,0001,2020-01-01,,\n"
        "sku,shopee,100002,,,P-2,x,0009,2020-01-01,,\n"
        "sku,shopee,100002,5,,,x,0001,2020-01-01,,\n"
        "sku,shopee,100002,6,,P-3,x,0001,2021-01-01,2020-01-01,\n"
        "shop,shopee,100001,,,,,0002,2020-01-01,,\n"
    )
    with pytest.raises(ImportRejected) as raised, transaction(engine) as session:
        import_mappings(session, io.StringIO(bad))
    message = str(raised.value)
    for expected in (
        "line 3: platform 'lazada'",
        "line 4: member '0009' does not exist",
        "line 5: product_ref is required",
        "line 6: effective_to is before effective_from",
        "line 7: duplicate mapping",
    ):
        assert expected in message
    assert count(engine, ShopMapping) == count(engine, SkuMapping) == 0


def test_mappings_export_in_the_import_format_and_reimport_unchanged(engine):
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
    good = (
        HEADER
        + "shop,shopee,100001,,,,,0001,2020-01-01,,\nsku,shopee,100002,3000010:0,M1-001,P-1,Keripik,0001,2020-01-01,,15000\n"
    )
    with transaction(engine) as session:
        assert import_mappings(session, io.StringIO(good)).added == 2
    out = io.StringIO()
    with transaction(engine) as session:
        assert export_mappings(session, out) == 2
    with transaction(engine) as session:
        again = import_mappings(session, io.StringIO(out.getvalue()))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
