"""Statement transactions in TikTok's documented 202309 field names, and an amount TikTok does not name
quarantined rather than guessed (issue 18).

The documented names are those of ``Finance202309GetTransactionsbyStatementResponseDataStatementTransactions``
in TikTok's Node SDK (see ``tests/contracts/tiktok/doc_trees.json``). It has no PPh 22 withholding field and no
seller-voucher field of its own (seller-funded discounts are ``seller_discount_amount``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.base.landing import RawPage
from connectors.base.records import Settlement
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import KitEnv
from connectors.base.testing.truth import parsed_summary
from connectors.tokopedia.sandbox import TokopediaSandbox
from connectors.tokopedia.testing import TikTokHarness
from foundation.db import transaction
from tests.connectors.tokopedia.conftest import shop_of

KIND = "tts_statement_transactions"
INVENTED = ("pph22_withholding_amount", "seller_voucher_discount_amount")


def test_the_sandbox_answers_carry_no_invented_statement_field(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    records, rejected, _ = env.pull(env.connector(shop), "settlements", env.window())
    assert records and not rejected
    with transaction(env.engine) as session:
        bodies = [body for (body,) in session.execute(select(RawPage.body).where(RawPage.kind == KIND))]
    assert bodies  # what TikTok's sandbox answered over HTTP, as landed
    assert not [name for name in INVENTED for body in bodies if name.encode() in body]


def test_a_world_without_pph22_on_tiktok_posts_every_settlement_exactly(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    records, rejected, _ = env.pull(env.connector(shop), "settlements", env.window())
    assert not rejected
    settled = [r for r in records if isinstance(r, Settlement)]
    assert any(c.kind == "VOUCHER_SELLER" for s in settled for c in s.components)  # seller_discount_amount read
    assert parsed_summary(records, "settlements") == env.truth(shop, "settlements")


@pytest.fixture
def pph22_env(tmp_path: Path) -> Iterator[KitEnv]:
    """A world whose first settled TikTok order had PPh 22 withheld: TikTok's documented fields cannot show it."""
    world = World.generate(WorldConfig(orders_per_day=4, days=7, platforms=("tokopedia",)))
    shop = shop_of(world, "tiktok")
    order = next(o for o in world.orders_of("tokopedia", shop) if o.settlements)
    first = order.settlements[0]
    order.settlements[0] = dataclasses.replace(first, fees={**first.fees, "TAX_WITHHELD_PPH22": -500})
    sandbox = TokopediaSandbox(world)
    with SandboxServer(sandbox.app) as server:
        yield KitEnv(TikTokHarness(), world, sandbox, server.url, f"sqlite:///{tmp_path}/landing.db")


def test_an_undocumented_withholding_is_quarantined_with_its_reason_not_guessed(pph22_env: KitEnv):
    env = pph22_env
    shop = shop_of(env.world, "tiktok")
    taxed = next(o for o in env.world.orders_of("tokopedia", shop) if o.settlements)
    records, rejected, _ = env.pull(env.connector(shop), "settlements", env.window())
    [quarantined] = rejected
    assert quarantined.record_key == taxed.order_ref and quarantined.reason == "settlement_does_not_add_up"
    assert quarantined.details["difference"] == "500"
    assert "PPh 22" in quarantined.message and "README" in quarantined.message
    assert taxed.order_ref not in {r.order_ref for r in records if isinstance(r, Settlement)}
    assert len([r for r in records if isinstance(r, Settlement)]) > 0  # every other order still posts
