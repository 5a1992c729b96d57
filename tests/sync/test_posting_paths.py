"""The set-based ledger write (``ledger.staged``: COPY staging) keeps the row path's books and guarantees.

PostgreSQL only: SQLite has no COPY and always takes the row path. The same sandbox world is synced once per path
into the same (emptied) database; the two ledgers' fingerprints must be identical, a second sync must post
nothing, and a COPY of unbalanced lines must still be refused by the balance trigger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from connectors.base.sandbox.world import WorldConfig
from core_mapping.models import Document
from foundation.db import make_engine, transaction
from ledger.errors import Unbalanced
from ledger.fingerprint import ledger_fingerprint
from ledger.models import JournalEntry, JournalLine
from ledger.posting import EntryDraft, credit, debit, post_entries
from ledger.staged import POSTING_PATH_ENV, copy_rows, insert_new, posting_path
from tests.conftest import _truncate_all
from tests.sync.conftest import import_mappings, platform_setup

pytestmark = pytest.mark.postgres
WORLD = WorldConfig(days=8, orders_per_day=6, platforms=("shopee",))
Books = tuple[str, int, list[tuple[object, ...]]]  # fingerprint, journal entries, document rows


def _books(db_url: str) -> Books:
    """The ledger fingerprint, the entry count and every document row as written (ids included; the document
    store writes through COPY staging on the set path too). A stock level's revision and payload are the time
    it was observed, a clock reading that differs between any two syncs: of those only the identity counts."""
    engine = make_engine(db_url)
    with transaction(engine) as session:
        query = select(Document.id, Document.doc_type, Document.external_id, Document.revision, Document.payload)
        documents = [
            tuple(row) if row.doc_type != "stock" else tuple(row)[:3]
            for row in session.execute(query.order_by(Document.id))
        ]
        entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
        result = ledger_fingerprint(session), entries, documents
    engine.dispose()
    return result


def _sync(path: str, pg_url: str, workdir: Path, monkeypatch: pytest.MonkeyPatch, runs: int = 1) -> list[Books]:
    """Sync the world ``runs`` times on ``path``; the books after each run."""
    monkeypatch.setenv(POSTING_PATH_ENV, path)
    workdir.mkdir()
    _truncate_all(pg_url)
    books = []
    with platform_setup("shopee", pg_url, workdir, WORLD) as setup:
        import_mappings(setup)
        for _ in range(runs):
            setup.sync_all()
            books.append(_books(pg_url))
    return books


@pytest.mark.slow(seconds=50)
def test_set_path_books_equal_the_row_path_and_a_rerun_posts_nothing(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (rows,) = _sync("rows", pg_url, tmp_path / "rows", monkeypatch)
    staged, rerun = _sync("set", pg_url, tmp_path / "set", monkeypatch, runs=2)
    assert rows[1] > 50, "the world must post entries for the comparison to mean anything"
    assert len(rows[2]) > 50, "and record documents"
    assert staged == rows
    # The rerun lands the pages the sandbox renders afresh, so documents may point at newer pages; the books not.
    assert rerun[:2] == staged[:2]


def test_staged_post_is_idempotent_and_reports_created_then_exists(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POSTING_PATH_ENV, "set")
    engine = make_engine(pg_url)
    drafts = [
        EntryDraft(f"test:staged:{n}", _today(), (debit("1-1200", 100 + n), credit("4-1300", 100 + n)))
        for n in range(3)
    ]
    drafts.append(EntryDraft("test:staged:bad", _today(), (debit("1-1200", 5), credit("4-1300", 4))))
    with transaction(engine) as session:
        first = post_entries(session, drafts)
        second = post_entries(session, drafts[:2])  # same transaction: the staging table is emptied in between
    with transaction(engine) as session:
        third = post_entries(session, drafts[:3])
        lines = session.scalar(select(func.count()).select_from(JournalLine))
    engine.dispose()
    assert [r.outcome for r in first] == ["created", "created", "created", "rejected"]
    assert isinstance(first[3].error, Unbalanced)
    assert [r.outcome for r in second + third] == ["exists"] * 5
    assert [r.entry_id for r in third] == [r.entry_id for r in first[:3]]
    assert lines == 6


def test_copy_of_unbalanced_lines_is_refused_by_the_balance_trigger(pg_url: str) -> None:
    engine = make_engine(pg_url)
    with transaction(engine) as session:
        (result,) = post_entries(
            session, [EntryDraft("test:copy", _today(), (debit("1-1200", 7), credit("4-1300", 7)))]
        )
    line = {"entry_id": result.entry_id, "line_no": 3, "account_code": "1-1200", "side": "D", "amount": 1}
    line |= {"member_no": None, "shop_ref": None, "tag": None}
    with pytest.raises(Exception, match="does not balance"), transaction(engine) as session:
        copy_rows(session, JournalLine.__table__, [line])
    with transaction(engine) as session:
        count = session.execute(text("SELECT count(*) FROM journal_lines WHERE entry_id = :e"), {"e": result.entry_id})
        assert count.scalar() == 2
    engine.dispose()


def test_an_unknown_posting_path_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(POSTING_PATH_ENV, "fast")
    with pytest.raises(ValueError, match="use 'set' .* or 'rows'"):
        posting_path()


def _today():  # type: ignore[no-untyped-def]
    from ledger.posting import business_today

    return business_today()


def test_staged_inserts_with_other_columns_in_one_transaction_each_get_their_own_stage(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staging table is created per connection from its first use's columns; a second call on the same
    table with another column set must still insert its rows (it once would have found the first one's stage)."""
    monkeypatch.setenv(POSTING_PATH_ENV, "set")
    _truncate_all(pg_url)
    now = datetime(2026, 1, 5, tzinfo=UTC)

    def document(external_id: str) -> dict[str, object]:
        return dict(
            platform="shopee",
            shop_ref="1",
            doc_type="order",
            external_id=external_id,
            revision="1",
            payload="{}",
            raw_page_id=1,
            updated_at=now,
        )

    engine = make_engine(pg_url)
    with transaction(engine) as session:
        returning = ("external_id", "id")
        first = insert_new(session, Document.__table__, [document("A")], conflict=None, returning=returning)
        second = insert_new(
            session, Document.__table__, [{"id": 900, **document("B")}], conflict=None, returning=returning
        )
        again = insert_new(
            session, Document.__table__, [document("A"), document("C")], conflict=None, returning=returning
        )
    engine.dispose()
    assert [key for key, _ in first] == ["A"] and second == [("B", 900)]
    assert [key for key, _ in again] == ["C"], "a clash on the identity is skipped, the new row inserted"
