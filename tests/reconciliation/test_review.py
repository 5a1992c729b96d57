"""Variances across matching runs, and finance's actions on them: what each action posts, what it refuses,
and that every attempt lands in the audit trail."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from foundation.config import parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import GoodsMovement, JournalEntry
from reconciliation.actions import resolve_variance, variance_source_ref
from reconciliation.categories import VarianceDraft
from reconciliation.models import AuditEntry, Variance
from reconciliation.variance_store import save_variances

AS_OF = date(2026, 2, 20)
CONFIG = parse_config({"reconciliation": {"bank_accounts": {"ops": {"preset": "bca", "ledger_account": "1-1200"}}}})


def short(actual: int = 42_500) -> VarianceDraft:
    return VarianceDraft("short_payout", "shopee", "100", ("A",), "order A", date(2026, 1, 6), 50_000, actual)


def duplicate() -> VarianceDraft:
    return VarianceDraft(
        "duplicate_wallet_credit", "shopee", "100", ("D",), "order D", date(2026, 1, 7), 20_000, 40_000
    )


def missing() -> VarianceDraft:
    return VarianceDraft("settlement_missing", "shopee", "100", ("M",), "order M", date(2026, 1, 8), 35_000, 0)


def statuses(engine) -> dict[str, tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return {v.id: (v.status, v.resolution) for v in session.scalars(select(Variance))}


def resolve(engine, draft: VarianceDraft, action: str):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return resolve_variance(session, CONFIG, draft.id, action, f"because {action}", "andi", today=AS_OF)


def lines_of(engine, draft: VarianceDraft) -> list[set[tuple[str, str, int]]]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        entries = session.scalars(
            select(JournalEntry)
            .where(JournalEntry.source_ref == variance_source_ref(draft.id))
            .order_by(JournalEntry.id)
        )
        return [{(line.account_code, line.side, line.amount) for line in entry.lines} for entry in entries]


def test_rerunning_updates_instead_of_duplicating_and_reopens_only_when_amounts_change(engine):
    with transaction(engine) as session:
        first = save_variances(session, [short(), missing()], AS_OF)
    assert (first.detected, len(statuses(engine))) == (2, 2)
    resolve(engine, missing(), "accept")
    with transaction(engine) as session:
        same = save_variances(session, [short(), missing()], AS_OF)
    assert (same.detected, same.unchanged, same.reopened) == (0, 2, 0)
    assert statuses(engine)[missing().id] == ("accepted", "accept")
    with transaction(engine) as session:
        changed = VarianceDraft("settlement_missing", "shopee", "100", ("M",), "order M", date(2026, 1, 8), 36_000, 0)
        again = save_variances(session, [short(), changed], AS_OF)
    assert (again.reopened, statuses(engine)[missing().id]) == (1, ("open", None))
    with transaction(engine) as session:
        gone = save_variances(session, [changed], AS_OF)
    assert (gone.cleared, statuses(engine)[short().id]) == (1, ("resolved", "cleared"))
    with transaction(engine) as session:
        back = save_variances(session, [short(), changed], AS_OF)
        trail = [
            (e.variance_id, e.actor, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert back.reopened == 1 and statuses(engine)[short().id] == ("open", None)
    assert trail == [
        (short().id, "reconciliation", "detected"),
        (missing().id, "reconciliation", "detected"),
        (missing().id, "andi", "accept"),
        (missing().id, "reconciliation", "reopened"),
        (short().id, "reconciliation", "cleared"),
        (short().id, "reconciliation", "reopened"),
    ]


def test_write_off_takes_the_difference_to_profit_or_loss_and_adjust_to_the_suspense_account(engine):
    with transaction(engine) as session:
        save_variances(session, [short(), duplicate()], AS_OF)
    assert resolve(engine, short(), "write-off").outcome == "posted"
    assert lines_of(engine, short()) == [{("6-1900", "D", 7_500), ("1-1310", "C", 7_500)}]
    assert resolve(engine, duplicate(), "write-off").outcome == "posted"
    assert lines_of(engine, duplicate()) == [{("1-1310", "D", 20_000), ("4-9000", "C", 20_000)}]
    assert statuses(engine)[duplicate().id] == ("written_off", "write-off")
    refused = resolve(engine, duplicate(), "adjust")
    assert refused.outcome == "refused" and "reopen it first" in refused.message
    assert resolve(engine, duplicate(), "reopen").outcome == "changed"
    assert resolve(engine, duplicate(), "adjust").outcome == "no-op"  # already corrected: nothing more to post
    assert len(lines_of(engine, duplicate())) == 1
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_when_amounts_change_after_an_adjustment_only_the_remainder_is_posted(engine):
    with transaction(engine) as session:
        save_variances(session, [short()], AS_OF)
    assert resolve(engine, short(), "adjust").outcome == "posted"
    with transaction(engine) as session:  # the platform later pays 2 500 of the 7 500
        assert save_variances(session, [short(actual=45_000)], AS_OF).reopened == 1
    assert resolve(engine, short(), "adjust").outcome == "posted"
    assert lines_of(engine, short()) == [
        {("1-1800", "D", 7_500), ("1-1310", "C", 7_500)},
        {("1-1310", "D", 2_500), ("1-1800", "C", 2_500)},
    ]


def test_level_one_variances_change_no_balance_so_money_actions_are_refused_and_audited(engine):
    with transaction(engine) as session:
        save_variances(session, [missing()], AS_OF)
    outcome = resolve(engine, missing(), "adjust")
    assert outcome.outcome == "refused" and "changes no ledger balance" in outcome.message
    assert resolve(engine, missing(), "accept").outcome == "changed"
    assert resolve(engine, missing(), "accept").outcome == "no-op"
    with transaction(engine) as session:
        assert session.scalars(select(JournalEntry.id)).all() == []
        actions = [(e.action, e.outcome) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("detected", "open"), ("adjust", "refused"), ("accept", "changed"), ("accept", "no-op")]


def test_a_stock_adjustment_brings_the_unit_ledger_to_the_platform_count(engine):
    draft = VarianceDraft(
        "stock_mismatch", "shopee", "100", ("s2",), "SKU s2", date(2026, 1, 20), 15, 12, unit="pcs",
        links={"product": "shopee:100:s2"},
    )  # fmt: skip
    with transaction(engine) as session:
        save_variances(session, [draft], AS_OF)
    assert resolve(engine, draft, "adjust").outcome == "posted"
    assert resolve(engine, draft, "adjust").outcome == "no-op"
    with transaction(engine) as session:
        moved = session.scalars(select(GoodsMovement)).all()
    assert [(m.product_ref, m.location, m.quantity, m.reason) for m in moved] == [
        ("shopee:100:s2", "shopee:100", -3, "STOCK_COUNT_ADJUSTMENT")
    ]
