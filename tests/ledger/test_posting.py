"""The posting API's guarantees, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from foundation.db import transaction
from ledger.errors import (
    AlreadyReversed,
    DimensionMissing,
    FutureDated,
    IdempotencyConflict,
    InvalidEntry,
    PeriodClosed,
    Unbalanced,
    UnknownAccount,
    UnknownMember,
)
from ledger.models import JournalEntry, JournalLine
from ledger.money import MoneyError, from_minor, to_minor
from ledger.periods import close_period
from ledger.posting import EntryDraft, credit, debit, post_entries, post_entry, reverse_entry
from ledger.reports import balances_by, trial_balance
from tests.ledger.helpers import DAY, add_members, consignment_sale

TODAY = date(2026, 3, 1)


def count_entries(engine) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(JournalEntry))


def test_balanced_entry_is_created_with_its_lines(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        result = post_entry(session, consignment_sale("s1"), today=TODAY)
    assert result.outcome == "created"
    with transaction(engine) as session:
        lines = session.scalars(select(JournalLine).where(JournalLine.entry_id == result.entry_id)).all()
    assert [(line.account_code, line.side, line.amount) for line in lines] == [
        ("1-1310", "D", 183_000),
        ("1-1600", "D", 1_000),
        ("2-1200", "D", 16_000),
        ("2-1200", "C", 200_000),
    ]


def test_unbalanced_entry_is_rejected_and_nothing_is_written(engine):
    draft = EntryDraft("bad", DAY, (debit("1-1200", 100), credit("4-1300", 99)))
    with pytest.raises(Unbalanced, match="debits 100 ≠ credits 99"), transaction(engine) as session:
        post_entry(session, draft, today=TODAY)
    assert count_entries(engine) == 0


def test_same_key_and_same_content_is_a_no_op(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        first = post_entry(session, consignment_sale("s1"), today=TODAY)
    with transaction(engine) as session:
        again = post_entry(session, consignment_sale("s1"), today=TODAY)
    assert (again.outcome, again.entry_id) == ("exists", first.entry_id)
    assert count_entries(engine) == 1


def test_rewording_the_description_is_not_a_conflict(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        post_entry(session, consignment_sale("s1"), today=TODAY)
    reworded = consignment_sale("s1")
    reworded = EntryDraft(reworded.idempotency_key, reworded.effective_date, reworded.lines, "new wording")
    with transaction(engine) as session:
        assert post_entry(session, reworded, today=TODAY).outcome == "exists"


def test_same_key_with_different_content_raises_a_conflict_naming_both(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        first = post_entry(session, consignment_sale("s1", 200_000), today=TODAY)
    with pytest.raises(IdempotencyConflict) as raised, transaction(engine) as session:
        post_entry(session, consignment_sale("s1", 300_000), today=TODAY)
    error = raised.value
    assert error.existing_id == first.entry_id and error.existing_hash != error.new_hash
    assert f"entry {first.entry_id}" in str(error) and error.new_hash[:12] in str(error)
    assert count_entries(engine) == 1


def test_a_refused_draft_never_blocks_the_rest_of_a_batch(engine):
    add_members(engine, "0001")
    drafts = [
        consignment_sale("a"),
        EntryDraft("b", DAY, (debit("1-1200", 5), credit("4-1300", 4))),
        consignment_sale("c"),
        consignment_sale("a"),
    ]
    with transaction(engine) as session:
        results = post_entries(session, drafts, today=TODAY)
    assert [result.outcome for result in results] == ["created", "rejected", "created", "exists"]
    assert isinstance(results[1].error, Unbalanced)
    assert results[3].entry_id == results[0].entry_id
    assert count_entries(engine) == 2


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ((debit("1-1200", 100),), InvalidEntry),
        ((debit("1-1200", 0), credit("4-1300", 0)), InvalidEntry),
        ((debit("1-1200", -5), credit("4-1300", -5)), InvalidEntry),
        ((debit("1-1200", 100.0), credit("4-1300", 100.0)), InvalidEntry),  # float: never
        ((debit("1-1200", Decimal(100)), credit("4-1300", Decimal(100))), InvalidEntry),
        ((debit("9-9999", 100), credit("4-1300", 100)), UnknownAccount),
        ((debit("1-1000", 100), credit("4-1300", 100)), UnknownAccount),  # header account
        ((debit("1-1200", 100), credit("2-1200", 100)), DimensionMissing),
        ((debit("1-1310", 100), credit("4-1300", 100)), DimensionMissing),
        ((debit("1-1200", 100), credit("2-1200", 100, member_no="9999")), UnknownMember),
    ],
)
def test_malformed_entries_are_refused(engine, lines, error):
    with pytest.raises(error), transaction(engine) as session:
        post_entry(session, EntryDraft("x", DAY, lines), today=TODAY)
    assert count_entries(engine) == 0


def test_money_round_trips_exactly_from_decimal_to_ledger_and_back(engine):
    add_members(engine, "0001")
    amounts = [Decimal("183000"), Decimal("1000.00"), Decimal("16000"), Decimal("200000")]
    units = [to_minor(amount) for amount in amounts]
    assert all(type(unit) is int for unit in units)
    draft = EntryDraft(
        "exact",
        DAY,
        (
            debit("1-1310", units[0], shop_ref="shopee:1"),
            debit("1-1600", units[1]),
            debit("2-1200", units[2], member_no="0001"),
            credit("2-1200", units[3], member_no="0001"),
        ),
    )
    with transaction(engine) as session:
        entry_id = post_entry(session, draft, today=TODAY).entry_id
    with transaction(engine) as session:
        stored = session.scalars(
            select(JournalLine.amount).where(JournalLine.entry_id == entry_id).order_by(JournalLine.line_no)
        ).all()
    assert all(type(value) is int for value in stored)
    assert [from_minor(value) for value in stored] == amounts
    assert all(isinstance(from_minor(value), Decimal) for value in stored)
    with pytest.raises(MoneyError):
        to_minor(183000.0)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        to_minor(Decimal("0.5"))


def test_reversal_mirrors_the_entry_and_is_refused_the_second_time(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        entry_id = post_entry(session, consignment_sale("s1"), today=TODAY).entry_id
    with transaction(engine) as session:
        reversal = reverse_entry(session, entry_id, "order cancelled", today=TODAY)
    with pytest.raises(AlreadyReversed, match=f"already reversed by entry {reversal.entry_id}"):
        with transaction(engine) as session:
            reverse_entry(session, entry_id, "again", today=TODAY)
    with transaction(engine) as session:
        assert all(row.net_debit == 0 for row in trial_balance(session))
        assert session.get(JournalEntry, reversal.entry_id).reverses_entry_id == entry_id
    assert count_entries(engine) == 2


def test_posting_into_a_closed_period_is_refused_and_corrections_land_in_the_open_one(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        entry_id = post_entry(session, consignment_sale("jan", day=date(2026, 1, 15)), today=TODAY).entry_id
        close_period(session, date(2026, 1, 31), "bendahara", today=TODAY)
    with pytest.raises(PeriodClosed, match="closed through 2026-01-31"), transaction(engine) as session:
        post_entry(session, consignment_sale("late", day=date(2026, 1, 20)), today=TODAY)
    with transaction(engine) as session:
        reversal = reverse_entry(session, entry_id, "correction", today=TODAY)
        assert session.get(JournalEntry, reversal.entry_id).effective_date == TODAY


def test_future_dates_beyond_the_skew_are_refused(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        assert post_entry(session, consignment_sale("tomorrow", day=TODAY + timedelta(days=1)), today=TODAY)
    with pytest.raises(FutureDated), transaction(engine) as session:
        post_entry(session, consignment_sale("later", day=TODAY + timedelta(days=2)), today=TODAY)


def test_member_subledger_equals_the_control_account(engine):
    add_members(engine, "0001", "0002")
    with transaction(engine) as session:
        post_entries(
            session,
            [consignment_sale("a", 200_000, member="0001"), consignment_sale("b", 100_000, member="0002")],
            today=TODAY,
        )
    with transaction(engine) as session:
        per_member = balances_by(session, "member", account="2-1200")
        control = next(row for row in trial_balance(session) if row.code == "2-1200")
    assert per_member == {("2-1200", "0001"): -184_000, ("2-1200", "0002"): -92_000}
    assert sum(per_member.values()) == control.net_debit


def test_posted_rows_cannot_be_updated_or_deleted_through_sql(engine):
    add_members(engine, "0001")
    with transaction(engine) as session:
        post_entry(session, consignment_sale("s1"), today=TODAY)
    for statement in (
        "UPDATE journal_lines SET amount = amount + 1",
        "DELETE FROM journal_lines",
        "UPDATE journal_entries SET effective_date = effective_date",
        "DELETE FROM journal_entries",
        "UPDATE members SET member_no = '0009'",
        "DELETE FROM members",
    ):
        with pytest.raises(DBAPIError, match="immutable|never|record the exit"), engine.begin() as connection:
            connection.execute(text(statement))


def test_an_extraordinary_member_can_be_registered(engine):
    from ledger.members import register_member
    from ledger.models import Member

    with transaction(engine) as session:
        register_member(session, "0099", "Koperasi Mitra", date(2024, 1, 1), status="extraordinary")
    with transaction(engine) as session:
        assert session.get(Member, "0099").status == "extraordinary"
