"""TikTok Shop's wallet records name no order and report no running balance, so neither the per-order match
nor the balance assertion can see a short payout there (issue 23, case 2). What TikTok documents links the
money instead: each statement names the payment that pays it (``payment_id`` ↔ payment ``id``). Over the
real path (the Tokopedia sandbox on loopback → sync → bank import → matching), a TikTok payout short by
7 777 is exactly one ``short_payout`` of 7 777 on that shop, and a clean TikTok world reports nothing."""

from __future__ import annotations

from sqlalchemy import select

from reconciliation.models import Variance
from reconciliation.run import ReconResult, run_reconciliation
from tests.reconciliation.helpers import BANK_ACCOUNT, ReconSetup, SetupFactory, import_statement, tiktok_world

SHORT = 7_777


def _reconcile(setup: ReconSetup) -> ReconResult:
    setup.sync_in_process()
    with setup.session() as session:
        import_statement(session, setup.config(), BANK_ACCOUNT, setup.bank_statement())
        return run_reconciliation(session, setup.config())


def _tiktok_shop(setup: ReconSetup) -> str:
    return next(s.shop_ref for s in setup.world.shops_on("tokopedia") if s.flavor == "tiktok")


def test_a_tiktok_payout_short_by_7777_is_one_short_payout_of_that_shop(served_world: SetupFactory, db_url: str):
    setup = served_world(db_url, world=tiktok_world(short_by=SHORT))
    [truth] = setup.world.discrepancies
    result = _reconcile(setup)
    assert [(d.category, d.platform, d.shop_ref, d.difference) for d in result.drafts] == [
        ("short_payout", "tokopedia", _tiktok_shop(setup), -SHORT)
    ]
    [draft] = result.drafts
    # The payment pays the whole statement the short-paid order is on: expected is that statement's total.
    statement_total = sum(
        o.settlements[0].net
        for o in setup.world.orders_of("tokopedia", truth.shop_ref)
        if o.settlements and o.settlements[0].released_at.date() == truth.occurred_at.date()
    )
    assert (draft.expected, draft.actual) == (statement_total, statement_total - SHORT)
    assert draft.subject.startswith("payout ") and draft.refs[0].startswith("PAY")
    documents = {d["type"] for d in draft.links["documents"]}
    assert documents == {"settlement", "wallet"}  # the statement's transactions and the payment, with raw pages
    wallet = result.tables["wallet"]
    tiktok = wallet[wallet["shop_ref"] == truth.shop_ref]
    assert len(tiktok) > 1 and list(tiktok["result"]).count("short_payout") == 1
    assert set(tiktok["result"]) == {"matched", "short_payout"}


def test_a_clean_tiktok_world_reports_nothing_and_checks_every_payment(served_world: SetupFactory, db_url: str):
    setup = served_world(db_url, world=tiktok_world())
    result = _reconcile(setup)
    assert result.drafts == []
    with setup.session() as session:
        assert session.scalars(select(Variance.id)).all() == []
    wallet = result.tables["wallet"]
    tiktok = wallet[wallet["shop_ref"] == _tiktok_shop(setup)]
    statements = {
        (o.settlements[0].released_at.date())
        for o in setup.world.orders_of("tokopedia", _tiktok_shop(setup))
        if o.settlements
    }
    assert len(tiktok) >= len(statements) > 1  # one row per payment (a later refund statement adds its own)
    assert set(tiktok["result"]) == {"matched"} and (tiktok["difference"] == 0).all()
