"""SHU from the books to the closing entries, on SQLite and PostgreSQL: the worked example, idempotent posting,
and a refusal when the ledger moved after the approved compute."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from foundation.config import ShuConfig
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import JournalEntry
from ledger.periods import close_period
from ledger.posting import post_entries
from ledger.reports import balances_by, trial_balance
from shu.compute import compute_shu, latest_computation
from shu.errors import AlreadyPosted, InputsChanged, NoComputation, NothingToDistribute, ShuError
from shu.figures import income_statement
from shu.posting import post_shu
from shu.snapshot import canonical_json
from tests.shu.books import RAT_DAY, YEAR, sale, worked_example_books

CONFIG = ShuConfig()


def entry_count(engine) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_compute_reads_the_worked_example_from_the_ledger_and_posts_nothing(engine):
    worked_example_books(engine)
    before = entry_count(engine)
    with transaction(engine) as session:
        run = compute_shu(session, YEAR, CONFIG)
    assert run.inputs["surplus"] == 10_000_000 and run.inputs["surplus_source"] == "ledger"
    assert [(m["member_no"], m["volume"], m["capital"]) for m in run.inputs["members"]] == [
        ("0001", 7_000_000, 1_500_000),
        ("0002", 2_000_000, 1_000_000),
        ("0003", 1_000_000, 500_000),
    ]
    assert {s.member_no: s.total for s in run.allocation.shares} == {
        "0001": 2_750_000,
        "0002": 1_166_667,
        "0003": 583_333,
    }
    assert sum(pool.amount for pool in run.allocation.pools) + run.allocation.rounding_residual == 10_000_000
    assert entry_count(engine) == before
    with transaction(engine) as session:
        stored = latest_computation(session, YEAR)
        assert stored is not None and stored.id == run.computation_id
        # The stored inputs are the canonical JSON whose sha256 is the hash the approver signs off.
        assert hashlib.sha256(stored.inputs_json.encode()).hexdigest() == stored.inputs_hash == run.inputs_hash
        assert stored.inputs_json == canonical_json(json.loads(stored.inputs_json))


def test_posting_closes_the_year_and_distributes_and_posting_twice_posts_once(engine):
    worked_example_books(engine)
    with transaction(engine) as session:
        run = compute_shu(session, YEAR, CONFIG)
    before = entry_count(engine)
    with transaction(engine) as session:
        first = post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", on=RAT_DAY)
    assert first.outcome == "posted" and first.entries == 3 and first.inputs_hash == run.inputs_hash
    assert entry_count(engine) == before + 3
    with transaction(engine) as session:
        second = post_shu(session, YEAR, CONFIG, approved_by="Someone else", on=date(2026, 3, 20))
        again = compute_shu(session, YEAR, CONFIG)  # the year's figures read the same after closing
        third = post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT")
    assert second.outcome == third.outcome == "already_posted" and second.approved_by == "Ketua RAT"
    assert again.inputs_hash == run.inputs_hash
    assert entry_count(engine) == before + 3

    with transaction(engine) as session:
        balances = {row.code: row.balance for row in trial_balance(session)}
        members = balances_by(session, "member", account="2-1510")
        assert check_ledger(session).ok
    assert balances["3-1600"] == 0  # closed in (10 M), distributed out (10 M)
    assert "4-1300" not in balances or balances["4-1300"] == 0
    assert balances["3-1500"] == 4_000_000
    assert {code: balances[code] for code in ("2-1520", "2-1530", "2-1540", "2-1550")} == {
        "2-1520": 500_000,
        "2-1530": 500_000,
        "2-1540": 250_000,
        "2-1550": 250_000,
    }
    assert {member: -net for (_, member), net in members.items()} == {
        "0001": 2_750_000,
        "0002": 1_166_667,
        "0003": 583_333,
    }


def test_a_transaction_changed_after_compute_makes_post_refuse_naming_both_hashes(engine):
    worked_example_books(engine)
    with transaction(engine) as session:
        approved = compute_shu(session, YEAR, CONFIG).inputs_hash
    with transaction(engine) as session:
        post_entries(session, [sale("b2", "0002", 100_000, date(2025, 11, 2))])
    before = entry_count(engine)
    with transaction(engine) as session, pytest.raises(InputsChanged) as refused:
        post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", on=RAT_DAY)
    message = str(refused.value)
    with transaction(engine) as session:
        now = compute_shu(session, YEAR, CONFIG, store=False).inputs_hash
    assert approved in message and now in message and approved != now
    assert "member 0002 volume 2000000 → 2100000" in message
    assert entry_count(engine) == before
    with transaction(engine) as session:  # the approver's pinned hash is refused the same way
        with pytest.raises(InputsChanged):
            post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", inputs_hash=approved, on=RAT_DAY)
        compute_shu(session, YEAR, CONFIG)
        assert post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", on=RAT_DAY).outcome == "posted"
        with pytest.raises(AlreadyPosted, match=approved):
            post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", inputs_hash=approved)


def test_changing_the_allocation_after_compute_also_refuses(engine):
    worked_example_books(engine)
    with transaction(engine) as session:
        compute_shu(session, YEAR, CONFIG)
    changed = ShuConfig(allocation_bps={**CONFIG.allocation_bps, "cadangan": 3000, "jasa_usaha": 3500})
    with transaction(engine) as session, pytest.raises(InputsChanged, match="allocation_bps"):
        post_shu(session, YEAR, changed, approved_by="Ketua RAT", on=RAT_DAY)


def test_post_without_compute_and_before_year_end_are_refused(engine):
    worked_example_books(engine)
    with transaction(engine) as session, pytest.raises(NoComputation, match="shu compute --year 2025"):
        post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT")
    with transaction(engine) as session:
        compute_shu(session, YEAR, CONFIG)
        with pytest.raises(ShuError, match="after the year ends"):
            post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", on=date(2025, 12, 31))


def test_an_explicit_surplus_is_frozen_and_3_1600_must_hold_it(engine):
    worked_example_books(engine)
    with transaction(engine) as session:
        run = compute_shu(session, YEAR, CONFIG, surplus=9_000_000)
    assert run.inputs["surplus_source"] == "given" and run.allocation.pool("jasa_usaha").amount == 2_250_000
    with transaction(engine) as session:
        assert post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", on=RAT_DAY).outcome == "posted"
        balances = {row.code: row.balance for row in trial_balance(session)}
    assert balances["3-1600"] == 1_000_000  # the books' 10 M closed in, 9 M distributed

    with transaction(engine) as session:
        run = compute_shu(session, 2024, CONFIG, surplus=5_000_000)  # nothing earned in 2024
        with pytest.raises(NothingToDistribute, match="3-1600 would hold"):
            post_shu(session, 2024, CONFIG, approved_by="Ketua RAT", on=RAT_DAY)


def test_a_locked_year_is_closed_on_the_first_open_day_and_next_years_result_is_untouched(engine):
    worked_example_books(engine)
    with transaction(engine) as session:
        close_period(session, date(2025, 12, 31), "akuntan")
        run = compute_shu(session, YEAR, CONFIG)
        post_shu(session, YEAR, CONFIG, approved_by="Ketua RAT", on=RAT_DAY)
        closing = session.scalars(select(JournalEntry).where(JournalEntry.source_type == "shu_close")).one()
        assert closing.effective_date == date(2026, 1, 1)
        assert compute_shu(session, YEAR, CONFIG, store=False).inputs_hash == run.inputs_hash
        assert income_statement(session, 2026) == {}  # the late closing of 2025 is not 2026's result
