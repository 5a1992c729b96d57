"""The real path, end to end: the Shopee sandbox over loopback with a world that carries four injected
discrepancies → ``omnikop sync`` → ``omnikop import bank`` → matching. Exactly the injected discrepancies
are found, each in its category with its amounts; a clean world reports nothing; resolving the short payout
with ``adjust`` posts one balanced entry, resolving it again posts nothing, and the audit trail shows both."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ledger.check import check_ledger
from ledger.models import JournalEntry
from ledger.reports import balances_by
from reconciliation.actions import variance_source_ref
from reconciliation.models import AuditEntry, BankLine, Variance
from reconciliation.run import open_amount, run_reconciliation
from tests.reconciliation.helpers import BANK_ACCOUNT, IMPORT_BANK, SetupFactory, import_statement


@pytest.mark.slow(seconds=35)
def test_each_injected_discrepancy_is_found_once_with_its_amounts_and_an_adjustment_posts_once(
    served_world: SetupFactory, db_url: str
):
    layout = "bca" if db_url.startswith("sqlite") else "mandiri"  # each preset once over the real path
    setup = served_world(db_url, discrepancies=True, layout=layout)
    setup.sync_by_cli()
    imported = setup.cli(*IMPORT_BANK, str(setup.bank_statement()), "--account", BANK_ACCOUNT).stdout
    assert f"bank {BANK_ACCOUNT}: " in imported and "0 already imported" in imported, imported

    with setup.session() as session:
        entries_before = len(session.scalars(select(JournalEntry.id)).all())
        lines = len(session.scalars(select(BankLine.id)).all())
        result = run_reconciliation(session, setup.config())
    found = {(d.category, d.platform, d.shop_ref, d.expected, d.actual) for d in result.drafts}
    truth = {(t.kind, t.platform, t.shop_ref, t.expected, t.actual) for t in setup.world.discrepancies}
    assert found == truth and len(result.drafts) == 4
    by_category = {d.category: d for d in result.drafts}
    for injected in setup.world.discrepancies:
        draft = by_category[injected.kind]
        assert draft.difference == injected.difference
        assert injected.ref in (draft.refs[0] if draft.platform else _bank_reference(setup, draft.refs[0]))
    assert by_category["short_payout"].difference == -7_500
    assert by_category["bank_line_unmatched"].difference == 1_250_000
    withdrawals = result.tables["withdrawals"]
    assert set(withdrawals["result"]) == {"matched"} and result.matches_posted == len(withdrawals)
    assert lines == len(result.tables["bank_lines"])

    with setup.session() as session:
        in_transit = balances_by(session, "shop", account="1-1350")
        assert set(in_transit.values()) == {0}  # payout in transit is zero once matched (invariant 9)
        bank = balances_by(session, "shop", account="1-1200")
        assert sum(bank.values()) == int(withdrawals["amount"].sum())
        assert len(session.scalars(select(JournalEntry.id)).all()) == entries_before + len(withdrawals)
        assert check_ledger(session).ok

    short = by_category["short_payout"]
    note, who = "Shopee paid Rp 7.500 short; claim filed with seller support", "siti.finance"
    posted = setup.cli("recon", "resolve", short.id, "--action", "adjust", "--note", note, "--by", who).stdout
    repeat = setup.cli("recon", "resolve", short.id, "--action", "adjust", "--note", note, "--by", who).stdout
    assert ": posted" in posted and ": no-op" in repeat, (posted, repeat)
    with setup.session() as session:
        adjustments = session.scalars(
            select(JournalEntry).where(JournalEntry.source_ref == variance_source_ref(short.id))
        ).all()
        assert len(adjustments) == 1 and adjustments[0].kind == "ADJUSTMENT"
        lines = {(line.account_code, line.side, line.amount, line.shop_ref) for line in adjustments[0].lines}
        shop = f"shopee:{short.shop_ref}"
        assert lines == {("1-1800", "D", 7_500, shop), ("1-1310", "C", 7_500, shop)}
        trail = session.scalars(select(AuditEntry).where(AuditEntry.variance_id == short.id).order_by(AuditEntry.id))
        assert [(e.actor, e.action, e.outcome) for e in trail] == [
            ("reconciliation", "detected", "open"),
            (who, "adjust", "posted"),
            (who, "adjust", "no-op"),
        ]
        assert check_ledger(session).ok
        rerun = run_reconciliation(session, setup.config())
        assert (rerun.saved.detected, rerun.saved.reopened, rerun.saved.cleared) == (0, 0, 0)
        assert session.get(Variance, short.id).status == "resolved"
        assert set(rerun.tables["balances"]["result"]) == {"matched"}
        assert open_amount(session) == sum(abs(d.difference) for d in result.drafts if d.id != short.id)
    shown = setup.cli("recon", "show", short.id).stdout
    assert shown.count(who) == 2 and "no-op" in shown and "posted" in shown
    listing = setup.cli("recon", "list", "--open").stdout
    assert "3 variance(s)" in listing and short.id not in listing


def test_a_clean_world_reports_no_variance_at_any_level(served_world: SetupFactory, db_url: str):
    setup = served_world(db_url, discrepancies=False)
    setup.sync_in_process()
    with setup.session() as session:
        import_statement(session, setup.config(), BANK_ACCOUNT, setup.bank_statement())
        result = run_reconciliation(session, setup.config())
        assert result.drafts == []
        assert session.scalars(select(Variance.id)).all() == []
    assert set(result.tables["wallet"]["result"]) == {"matched"}
    assert set(result.tables["withdrawals"]["result"]) == {"matched"}
    assert set(result.tables["balances"]["result"]) == {"matched"}
    assert set(result.tables["bank_lines"]["result"]) == {"matched", "debit (not a marketplace payout)"}
    assert set(result.tables["orders"]["result"]) <= {"matched", "no settlement expected"}


def _bank_reference(setup, line_key: str) -> str:  # type: ignore[no-untyped-def]
    """The line key holds the bank's own reference; the injected reference is in the description or the
    reference column of that line."""
    with setup.session() as session:
        line = session.scalars(select(BankLine).where(BankLine.line_key == line_key)).one()
        return f"{line.reference} {line.description}"
