"""A TikTok-flavored and a legacy Tokopedia shop sync side by side into the same ledger, and every member's
money there equals the world's truth."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from connectors.base.records import FeeKind
from connectors.base.sandbox.world import WorldConfig
from connectors.base.testing.truth import world_summary
from foundation.db import make_engine, transaction
from ledger.check import check_ledger
from tests.sync.conftest import import_mappings, platform_setup
from tests.sync.expected import latest_documents, member_totals_from_documents
from tests.sync.ledger_view import ledger_member_totals, settlement_documents


def test_tiktok_and_legacy_shops_side_by_side_match_the_world(db_url: str, tmp_path: Path):
    config = WorldConfig(days=6, orders_per_day=4, platforms=("tokopedia",))
    with platform_setup("tokopedia", db_url, tmp_path, config) as setup:
        flavors = {shop.flavor for shop in setup.world.shops_on("tokopedia")}
        assert flavors == {"tiktok", "legacy"}
        import_mappings(setup)
        setup.sync_all()
        documents = settlement_documents(db_url, "tokopedia")
        for shop in setup.shops:  # the documents the ledger was posted from equal the world, order by order
            per_order: Counter[str] = Counter()
            nets: Counter[str] = Counter()
            for doc in latest_documents([d for d in documents if d.shop_ref == shop]):
                per_order[doc.order_ref] += int(doc.gross)
                nets[doc.order_ref] += int(doc.net)
            truth = world_summary(setup.world, "tokopedia", shop, "settlements")
            assert {ref: (per_order[ref], nets[ref]) for ref in per_order} == truth, shop
        expected = member_totals_from_documents(setup.world, "tokopedia", documents)
        actual = ledger_member_totals(setup.world, db_url)
        # Legacy: the fs API's one deduction is itemised (issue 23 case 3): the world's PPh 22 is in 1-1600 and
        # its refunds are refunds, not fees, to the rupiah.
        legacy = next(s.shop_ref for s in setup.world.shops_on("tokopedia") if s.flavor == "legacy")
        settled = [s for _, s in setup.world.iter_settled("tokopedia", legacy)]
        assert (
            actual.get(f"shop:{legacy}", Counter())["pph22"]
            == -sum(s.fees.get("TAX_WITHHELD_PPH22", 0) for s in settled)
            > 0
        )
        refunds = sum(
            int(d.component_total(FeeKind.REFUND)) for d in latest_documents(documents) if d.shop_ref == legacy
        )
        assert refunds == sum(s.refunds for s in settled) < 0
        for member in setup.world.members:
            assert actual[member.member_no] == +expected[member.member_no], member.member_no
        engine = make_engine(db_url)
        with transaction(engine) as session:
            assert check_ledger(session).ok
        engine.dispose()
