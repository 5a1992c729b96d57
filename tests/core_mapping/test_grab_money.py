"""An IDR amount of 2 550 000 Grab minor units posts Rp25 500 to the ledger (not Rp2 550 000), and a foreign
currency or an unknown exponent is quarantined instead of posted."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from sqlalchemy import select

from connectors.base.landing import RawPage, as_landed, land_page
from connectors.base.protocol import FetchedPage
from connectors.grab import parse
from core_mapping.csv_io import import_mappings
from core_mapping.mapper import ShopMapper
from core_mapping.policy import PolicyResolver
from foundation.config import parse_config
from foundation.db import transaction
from ledger.models import JournalLine
from members.csv_io import import_members
from sync.posting import post_batch
from tests.connectors.grab.test_money import grab_order

SHOP = "1-CYNGRUNGSBCCC1"


def post(engine, payload: dict) -> object:  # type: ignore[no-untyped-def, type-arg]
    with transaction(engine) as session:
        import_members(session, io.StringIO("member_no,name,join_date\n0004,Ibu Rina,2024-01-01\n"))
        import_mappings(
            session,
            io.StringIO(
                "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
                f"shop,grab,{SHOP},,,,,0004,2020-01-01,,\n"
            ),
        )
        body = json.dumps({"more": False, "orders": [payload]}).encode()
        page_id, _ = land_page(
            session, "grab", SHOP, FetchedPage("settlements", "order_list", {}, body, 200, datetime.now(UTC))
        )
        records = [(page_id, r) for r in parse.parse_page(as_landed(session.get(RawPage, page_id)))]
        batch = ShopMapper(session, PolicyResolver.for_shop(parse_config({}), "grab", SHOP), "grab", SHOP).map(records)
        return post_batch(session, "grab", SHOP, batch)


def test_2550000_minor_units_post_rp25500(engine):
    earning = {"revenue": 2_550_000, "commission": 637_500, "netEarning": 1_912_500, "mexFundDiscount": 0}
    summary = post(engine, grab_order(merchantEarning=earning))
    assert summary.posted_entries == 2 and not summary.quarantined  # type: ignore[attr-defined]
    with transaction(engine) as session:
        lines = {(line.account_code, line.side, line.tag): line.amount for line in session.scalars(select(JournalLine))}
    assert lines[("2-1200", "C", "member_volume")] == 25_500  # Rp25 500 gross to member 0004
    assert lines[("1-1345", "D", None)] == 19_125  # net receivable from Grab
    assert lines[("2-1200", "D", "marketplace_fee")] == 6_375
    assert lines[("2-1200", "D", "coop_commission")] == 1_275  # 5 % of Rp25 500


def test_a_foreign_currency_is_quarantined_not_posted(engine):
    earning = {"revenue": 2_550_000, "commission": 637_500, "netEarning": 1_912_500, "mexFundDiscount": 0}
    summary = post(engine, grab_order(code="SGD", merchantEarning=earning))
    assert summary.posted_entries == 0 and summary.quarantined == {"unexpected_currency": 1}  # type: ignore[attr-defined]
