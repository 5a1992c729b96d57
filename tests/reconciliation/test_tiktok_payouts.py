"""TikTok Shop's wallet records name no order and report no running balance, so neither the per-order match
nor the balance assertion can see a short payout there (issue 23, case 2). What TikTok documents links the
money instead: each statement names the payment that pays it (``payment_id`` ↔ payment ``id``). Over the
real path (the Tokopedia sandbox on loopback → sync → bank import → matching), a TikTok payout short by
7 777 is exactly one ``short_payout`` of 7 777 on that shop, and a clean TikTok world reports nothing. The
report says per shop and level what was checked, with its figures, and why a level cannot be."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from reconciliation.models import Variance
from reconciliation.report.write import write_report
from reconciliation.run import ReconResult, run_reconciliation
from tests.reconciliation.helpers import BANK_ACCOUNT, ReconSetup, SetupFactory, import_statement, tiktok_world

SHORT = 7_777
PERIOD = "2026-01"  # the small world's month
NO_BALANCE = "cannot be checked: the platform reports no running wallet balance"


def _reconcile(setup: ReconSetup) -> ReconResult:
    setup.sync_in_process()
    with setup.session() as session:
        import_statement(session, setup.config(), BANK_ACCOUNT, setup.bank_statement())
        result = run_reconciliation(session, setup.config())
        write_report(session, setup.config(), result, PERIOD, setup.workdir / "report")
        return result


def _coverage(setup: ReconSetup) -> dict[tuple[str, str], dict[str, str]]:
    """The report's checks-per-shop CSV, by (shop, level)."""
    path = setup.workdir / "report" / f"reconciliation-{PERIOD}-coverage.csv"
    with path.open(encoding="utf-8") as handle:
        return {(row["shop_ref"], row["level"].split(" · ")[1]): row for row in csv.DictReader(handle)}


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

    checks = _coverage(setup)
    legacy = next(s.shop_ref for s in setup.world.shops_on("tokopedia") if s.flavor == "legacy")
    paid = checks[truth.shop_ref, "Settlement ↔ wallet"]
    assert (paid["checked"], paid["not_matched"], paid["difference"]) == ("yes", "1", str(-SHORT))
    assert paid["basis"].startswith("per payout") and int(paid["items"]) == len(tiktok)
    balance = checks[truth.shop_ref, "Ledger receivable ↔ wallet balance"]
    assert (balance["checked"], balance["items"]) == ("no", "0") and balance["note"].startswith(NO_BALANCE)
    assert "every payout is checked against its settlements instead" in balance["note"]
    assert checks[truth.shop_ref, "Withdrawal ↔ bank"]["checked"] == "yes"
    assert "payouts name no withdrawal" in checks[truth.shop_ref, "Withdrawal ↔ bank"]["note"]
    # The Legacy shop reports a running balance but names no order in its saldo: the other way round.
    assert checks[legacy, "Ledger receivable ↔ wallet balance"]["checked"] == "yes"
    assert checks[legacy, "Ledger receivable ↔ wallet balance"]["difference"] == "0"
    assert checks[legacy, "Settlement ↔ wallet"]["checked"] == "no"
    assert "balance assertion checks the settlements in aggregate" in checks[legacy, "Settlement ↔ wallet"]["note"]
    assert {shop for shop, _ in checks} == {truth.shop_ref, legacy} and len(checks) == 8
    _assert_shown_in_html_and_workbook(setup.workdir / "report", truth.shop_ref)


def _assert_shown_in_html_and_workbook(folder: Path, shop: str) -> None:
    html = (folder / f"reconciliation-{PERIOD}.html").read_text(encoding="utf-8")
    assert 'id="coverage"' in html and NO_BALANCE in html and "-Rp 7.777" in html
    sheet = load_workbook(folder / f"reconciliation-{PERIOD}.xlsx")["Checks per shop"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[1] == shop]
    assert any(row[3] == "yes" and row[9] == -SHORT for row in rows), rows  # raw integers, not text


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
    checks = _coverage(setup)
    assert checks[_tiktok_shop(setup), "Settlement ↔ wallet"]["checked"] == "yes"
    assert {row["difference"] for row in checks.values()} == {"0"}
    assert checks[_tiktok_shop(setup), "Ledger receivable ↔ wallet balance"]["note"].startswith(NO_BALANCE)
