"""Mapping CSV import: bad rows are reported with line numbers and nothing is half-imported; export round-trips."""

from __future__ import annotations

import io

import pytest

from core_mapping.csv_io import export_mappings, import_mappings
from core_mapping.models import ShopMapping, SkuMapping
from foundation.csv_import import ImportRejected
from foundation.db import transaction
from members.csv_io import import_members
from tests.members.test_csv_io import MEMBERS, count

HEADER = "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"


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
