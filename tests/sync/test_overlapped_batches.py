"""Overlapped batches (PostgreSQL): batch N posts and commits in a worker thread while batch N+1 is mapped.

The claim of ``sync.pipeline._process_backlog_overlapped``: the books are exactly those of one batch after the
other, row for row and id for id, although consecutive batches share documents (an order revised on a later
page, a settlement whose order the previous batch recorded). The world is landed once and processed twice from
the same landed pages, in small batches so that there are many of them: first one batch after the other, then
overlapped; every table processing writes must hold the same rows.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import sync.pipeline
from connectors.base.sandbox.world import WorldConfig
from connectors.base.windows import Window
from foundation.config import load_config
from foundation.db import make_engine, transaction
from ledger.fingerprint import ledger_fingerprint
from omnikop.shops import connector_for
from tests.sync.conftest import PlatformSetup, import_mappings, platform_setup

pytestmark = pytest.mark.postgres
WORLD = WorldConfig(days=8, orders_per_day=6, platforms=("shopee",))
# What processing writes; landing (raw pages, checkpoints), members and mappings are kept between the two runs.
WRITTEN = ("journal_lines", "journal_entries", "goods_movements", "documents", "quarantine", "processed_pages")
CLOCK_COLUMNS = {"recorded_at", "updated_at", "processed_at", "created_at", "quarantined_at", "resolved_at"}
SMALL_BATCH = 3  # landed pages per batch: dozens of batches from this world
POST_BATCH = sync.pipeline.post_batch


def _written_rows(engine: Any) -> dict[str, list[tuple[object, ...]]]:
    """Every row processing wrote, in id order, ids included, without the clock columns. A stock level's
    revision and payload are the time it was observed: of those only the identity counts."""
    rows: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as connection:
        for table in WRITTEN:
            columns = [
                name
                for name in connection.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = :t"
                        " ORDER BY ordinal_position"
                    ),
                    {"t": table},
                ).scalars()
                if name not in CLOCK_COLUMNS
            ]
            order = "page_id" if table == "processed_pages" else "id"
            result = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"))  # noqa: S608
            rows[table] = [
                tuple(row)[:4] if table == "documents" and row.doc_type == "stock" else tuple(row) for row in result
            ]
    return rows


def _land(setup: PlatformSetup, engine: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    """Point omnikop at the sandbox (this process's environment), land every pulled stream of every shop
    without processing it; the number of landed pages."""
    import_mappings(setup)
    for name, value in setup.env.items():
        monkeypatch.setenv(name, value)
    config = load_config()
    window = Window.of(datetime(2025, 12, 1, tzinfo=UTC), setup.world.as_of)
    for shop in config.shops:
        connector = connector_for(config, engine, shop.platform, shop.shop_ref)
        for stream in sorted(connector.streams, key=sync.pipeline._stream_rank):
            if stream not in connector.push_streams:
                list(sync.pipeline.Lander(engine, connector).pull(stream, window))
    with engine.begin() as connection:
        return int(connection.execute(text("SELECT count(*) FROM raw_pages")).scalar_one())


def _forget_processing(engine: Any) -> None:
    """Empty what processing wrote, ids restarted; the landed pages stay."""
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(WRITTEN)} RESTART IDENTITY CASCADE"))


def _process_all(
    engine: Any, *, overlap: bool, monkeypatch: pytest.MonkeyPatch, fail_on_batch: int | None = None
) -> set[str]:
    """Map and post every landed page of every shop; the names of the threads that posted. ``fail_on_batch``:
    the posting of that batch (counted from 1) raises instead."""
    posting_threads: set[str] = set()
    calls = 0

    def recording_post_batch(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == fail_on_batch:
            raise RuntimeError(f"posting of batch {calls} failed")
        posting_threads.add(threading.current_thread().name)
        return POST_BATCH(*args, **kwargs)

    monkeypatch.setattr(sync.pipeline, "post_batch", recording_post_batch)
    monkeypatch.setattr(sync.pipeline, "OVERLAP_BATCHES", overlap)
    config = load_config()
    for shop in config.shops:
        sync.pipeline.process_shop(engine, config, connector_for(config, engine, shop.platform, shop.shop_ref))
    return posting_threads


@pytest.mark.slow(seconds=40)
def test_overlapped_batches_write_the_rows_of_one_batch_after_the_other(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync.pipeline, "PAGES_PER_BATCH", SMALL_BATCH)
    engine = make_engine(pg_url)
    with platform_setup("shopee", pg_url, tmp_path, WORLD) as setup:
        pages = _land(setup, engine, monkeypatch)

    one_after_the_other = _process_all(engine, overlap=False, monkeypatch=monkeypatch)
    sequential = _written_rows(engine)
    _forget_processing(engine)
    overlapped_threads = _process_all(engine, overlap=True, monkeypatch=monkeypatch)
    overlapped = _written_rows(engine)
    engine.dispose()

    assert pages > 10 * SMALL_BATCH, "the world must make many batches for the overlap to mean anything"
    assert len(sequential["journal_entries"]) > 50 and len(sequential["documents"]) > 50
    assert len(sequential["processed_pages"]) == pages
    assert one_after_the_other == {threading.main_thread().name}
    assert overlapped_threads and all(name.startswith("omnikop-post") for name in overlapped_threads)
    for table in WRITTEN:
        assert overlapped[table] == sequential[table], f"{table} differs between overlapped and sequential batches"


@pytest.mark.slow(seconds=30)
def test_a_failed_posting_stops_the_overlapped_loop_and_the_next_run_completes_the_same_books(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A posting that fails in the worker reaches the caller; the batch mapped behind it is rolled back (its
    session closed, no connection left checked out, nothing committed), and a later run posts exactly the books of
    a run without the failure (ids aside: the failed batch used sequence values)."""
    monkeypatch.setattr(sync.pipeline, "PAGES_PER_BATCH", SMALL_BATCH)
    engine = make_engine(pg_url)
    with platform_setup("shopee", pg_url, tmp_path, WORLD) as setup:
        _land(setup, engine, monkeypatch)
    _process_all(engine, overlap=True, monkeypatch=monkeypatch)
    with transaction(engine) as session:
        expected = ledger_fingerprint(session)
    _forget_processing(engine)

    with pytest.raises(RuntimeError, match="posting of batch 4 failed"):
        _process_all(engine, overlap=True, monkeypatch=monkeypatch, fail_on_batch=4)
    assert engine.pool.checkedout() == 0, "a batch's session was left open"
    with engine.begin() as connection:
        done = connection.execute(text("SELECT count(*) FROM processed_pages")).scalar_one()
    _process_all(engine, overlap=True, monkeypatch=monkeypatch)
    with transaction(engine) as session:
        after_failure = ledger_fingerprint(session)
    engine.dispose()

    assert done == 3 * SMALL_BATCH, "the batches before the failure stay, none after it commits"
    assert after_failure == expected
