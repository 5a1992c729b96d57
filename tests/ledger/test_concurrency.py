"""Two processes posting the same idempotency key at once produce exactly one entry (PostgreSQL)."""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from foundation.db import make_engine, session_factory, transaction
from ledger.models import JournalEntry
from ledger.posting import post_entry
from tests.ledger.helpers import add_members, consignment_sale

pytestmark = pytest.mark.postgres
TODAY = date(2026, 3, 1)


def _post_holding_transaction(url: str, key: str, posted, release, results) -> None:  # type: ignore[no-untyped-def]
    """Post, signal, and keep the transaction open until released, so the other process must wait on the key."""
    engine = make_engine(url)
    with session_factory(engine)() as session, session.begin():
        results.put(("first", post_entry(session, consignment_sale(key), today=TODAY).outcome))
        posted.set()
        release.wait(10)
    engine.dispose()


def _post(url: str, key: str, start, results) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    start.wait(10)
    with transaction(engine) as session:
        results.put(("second", post_entry(session, consignment_sale(key), today=TODAY).outcome))
    engine.dispose()


def test_concurrent_posts_of_one_key_from_two_processes_make_exactly_one_entry(pg_url):
    add_members(make_engine(pg_url), "0001")
    context = multiprocessing.get_context("spawn")
    posted, release, results = context.Event(), context.Event(), context.Queue()
    first = context.Process(target=_post_holding_transaction, args=(pg_url, "race", posted, release, results))
    second = context.Process(target=_post, args=(pg_url, "race", posted, results))
    first.start()
    second.start()
    assert posted.wait(30), "first poster never posted"
    release.set()  # the second poster is now blocked on the unique key; let the first commit
    first.join(30)
    second.join(30)
    outcomes = dict(results.get(timeout=5) for _ in range(2))
    assert outcomes == {"first": "created", "second": "exists"}
    assert first.exitcode == 0 and second.exitcode == 0
    engine = make_engine(pg_url)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 1


def test_many_processes_racing_on_one_key_still_make_one_entry(pg_url):
    add_members(make_engine(pg_url), "0001")
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_post, args=(pg_url, "stampede", start, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
    outcomes = sorted(results.get(timeout=5)[1] for _ in workers)
    assert outcomes == ["created", "exists", "exists", "exists"]
    engine = make_engine(pg_url)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 1


def test_database_refuses_unbalanced_lines_even_when_the_api_is_bypassed(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        entry_id = connection.execute(
            text(
                "INSERT INTO journal_entries (idempotency_key, content_hash, kind, effective_date, recorded_at,"
                " currency, description) VALUES ('raw', 'x', 'ENTRY', '2026-01-05', now(), 'IDR', '') RETURNING id"
            )
        ).scalar_one()
    with pytest.raises(DBAPIError, match="does not balance"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO journal_lines (entry_id, line_no, account_code, side, amount) VALUES"
                " (:e, 1, '1-1200', 'D', 100), (:e, 2, '4-1300', 'C', 90)"
            ),
            {"e": entry_id},
        )


def test_database_refuses_a_later_line_that_unbalances_a_posted_entry(pg_url):
    """The trigger checks each statement's lines per entry; since lines are never changed or removed, that keeps
    every entry balanced, also when a later statement adds to an entry that balanced before."""
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        entry_id = connection.execute(
            text(
                "INSERT INTO journal_entries (idempotency_key, content_hash, kind, effective_date, recorded_at,"
                " currency, description) VALUES ('raw-later', 'x', 'ENTRY', '2026-01-05', now(), 'IDR', '')"
                " RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO journal_lines (entry_id, line_no, account_code, side, amount) VALUES"
                " (:e, 1, '1-1200', 'D', 100), (:e, 2, '4-1300', 'C', 100)"
            ),
            {"e": entry_id},
        )
    with pytest.raises(DBAPIError, match="does not balance"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO journal_lines (entry_id, line_no, account_code, side, amount) VALUES (:e, 3, '1-1200', 'D', 5)"
            ),
            {"e": entry_id},
        )
