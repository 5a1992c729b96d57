"""A TikTok-flavored shop and a legacy shop, pulled side by side into one landing database, both parse to the
world's ground truth (connector level; the ledger-level version comes with core mapping)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from connectors.base.landing import RawPage
from connectors.base.records import FeeKind, Settlement
from connectors.base.testing.conformance import KitEnv
from connectors.base.testing.truth import parsed_summary
from foundation.db import transaction
from tests.connectors.tokopedia.conftest import shop_of

STREAMS = ("orders", "settlements", "wallet", "stock")


def test_both_flavors_land_into_one_database_and_each_equals_the_truth(env: KitEnv):
    tiktok, legacy = shop_of(env.world, "tiktok"), shop_of(env.world, "legacy")
    connectors = {shop: env.connector(shop) for shop in (tiktok, legacy)}
    pulled: dict[tuple[str, str], list] = {}
    for stream in STREAMS:  # interleaved, as two Airflow tasks sharing one database would be
        for shop, connector in connectors.items():
            records, rejected, pages = env.pull(connector, stream, env.window())
            assert rejected == [] and pages > 0, (shop, stream, rejected[:3])
            pulled[shop, stream] = records
    for (shop, stream), records in pulled.items():
        assert {r.shop_ref for r in records} == {shop}
        assert parsed_summary(records, stream) == env.truth(shop, stream), (shop, stream)
    with transaction(env.engine) as session:
        kinds = Counter((row.shop_ref, row.kind.split("_")[0]) for row in session.scalars(select(RawPage)))
    assert set(kinds) == {(tiktok, "tts"), (legacy, "fs")}  # each shop landed only its own API's pages


def test_each_flavor_itemises_settlements_as_far_as_its_api_allows(env: KitEnv):
    """TikTok names every fee it documents (PPh 22 withholding is not one of them, see the connector README);
    the legacy fs API only shows the net: refunds (from resolution tickets) and PPh 22 are itemised, the fees
    stay one OTHER line."""
    kinds: dict[str, set[FeeKind]] = {}
    for flavor in ("tiktok", "legacy"):
        shop = shop_of(env.world, flavor)
        records, _, _ = env.pull(env.connector(shop), "settlements", env.window())
        kinds[flavor] = {c.kind for r in records if isinstance(r, Settlement) for c in r.components}
    assert {FeeKind.COMMISSION, FeeKind.SERVICE_FEE, FeeKind.PAYMENT_FEE} <= kinds["tiktok"]
    assert FeeKind.OTHER not in kinds["tiktok"] and FeeKind.TAX_WITHHELD_PPH22 not in kinds["tiktok"]
    assert kinds["legacy"] == {FeeKind.OTHER, FeeKind.REFUND, FeeKind.TAX_WITHHELD_PPH22}
