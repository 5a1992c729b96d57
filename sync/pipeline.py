"""Pull → land → parse → map → post, for one shop. The CLI's ``omnikop sync`` and the sync DAGs both call this.

Processing works on *landed* pages not yet processed, in stream order (orders before settlements), in
batches. Each batch's postings, quarantine items and "processed" markers commit together, so a crash
between landing and posting loses nothing and posts nothing twice: the next run picks up where it stopped.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from connectors.base.landing import LandedPagesQuery, Lander, RawPage, as_landed, land_page, landed_pages_query
from connectors.base.protocol import Connector, LandedPage, Parsed
from connectors.base.windows import Window
from core_mapping.context import MappedBatch
from core_mapping.mapper import ShopMapper, newest_revisions
from core_mapping.models import ProcessedPage
from core_mapping.policy import PolicyResolver
from foundation.collector import collector_paused
from foundation.config import OmnikopConfig
from foundation.db import refresh_statistics, session_factory, transaction
from ledger.bulk import insert_rows
from ledger.models import table_of
from sync.posting import RunSummary, post_batch
from sync.replay import retry_transient

STREAM_ORDER = ("orders", "settlements", "wallet", "stock")
# Landed pages mapped and posted per transaction. Each batch pays fixed costs (finding the next pages, loading
# the shop's mappings and the chart, ~16 statements, the statistics check, a commit); 100 instead of 25 cut
# map+post at 20 000 orders from ~20 s to ~16.5 s (bench/throughput.py). Memory stays bounded by the batch.
PAGES_PER_BATCH = 100
FAULT_POINT_ENV = "OMNIKOP_FAULT_POINT"  # crash tests only; see ``fault_point``
# What a batch reads by key while it writes to them (see ``foundation.db.refresh_statistics``).
GROWING_TABLES = ("journal_entries", "journal_lines", "goods_movements", "documents", "raw_pages", "processed_pages")
BACKLOG_CHUNK = 200  # unprocessed pages read at a time when scanning the whole backlog
# PostgreSQL: post batch N while batch N+1 is mapped (``_process_backlog_overlapped``); the benchmark's reference
# run of the pipeline as it was before issue 22 turns it off.
OVERLAP_BATCHES = True

Progress = Callable[[str, int], None]  # (what, count) for progress bars
MappedPages = tuple[list[tuple[int, Parsed]], MappedBatch]  # a batch's parsed records and their drafts


def sync_shop(
    engine: Engine,
    config: OmnikopConfig,
    connector: Connector,
    window: Window,
    *,
    streams: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Pull every pull-stream of the shop for ``window`` into landing, then process the shop's backlog."""
    summary = RunSummary()
    pulled = [s for s in (streams or connector.streams) if s not in connector.push_streams]
    for stream in sorted(pulled, key=_stream_rank):
        for landed in Lander(engine, connector).pull(stream, window):
            summary.pages += 1
            summary.new_pages += landed.new
            if progress:
                progress(f"pull {stream}", 1)
    fault_point("after_landing")
    summary.add(process_shop(engine, config, connector, progress=progress))
    return summary


def process_shop(
    engine: Engine, config: OmnikopConfig, connector: Connector, *, progress: Progress | None = None
) -> RunSummary:
    """Map and post every landed, unprocessed page of the connector's shop; then retry transient quarantine.

    Pushed hints among those pages (an order changed) are followed up first: the connector fetches what they
    name, and the fetched pages are landed and processed with the rest."""
    summary = RunSummary()
    policy = PolicyResolver.for_shop(config, connector.platform, connector.shop_ref)
    summary.add(land_follow_ups(engine, connector))
    newest = _newest_pushed_revisions(engine, connector)
    if OVERLAP_BATCHES and engine.dialect.name == "postgresql":
        summary.add(_process_backlog_overlapped(engine, policy, connector, newest, progress))
    else:
        backlog = BacklogWalk(connector.platform, connector.shop_ref)
        while True:
            with collector_paused(), transaction(engine) as session:
                pages = backlog.next(session, PAGES_PER_BATCH)
                if not pages:
                    break
                summary.add(_process_pages(session, policy, connector, pages, newest))
            refresh_statistics(engine, GROWING_TABLES)
            if progress:
                progress("map+post", len(pages))
    summary.add(retry_transient(engine, config, connector))
    return summary


def _process_backlog_overlapped(
    engine: Engine,
    policy: PolicyResolver,
    connector: Connector,
    newest: dict[tuple[str, str], str],
    progress: Progress | None,
) -> RunSummary:
    """The batch loop with batch N's posting and commit (a worker thread, N's own transaction) running while
    batch N+1 is parsed and mapped (this thread, a second transaction).

    Why: posting is mostly PostgreSQL inserting the ledger rows, mapping mostly Python; on two cores they can
    overlap. Why it is safe: it is two overlapping runs, which the document store already serialises. Batch
    N+1 excludes N's pages (not yet marked processed), and any document both touch is locked by N until it
    commits, so N+1 reads it, and what N posted for it, only afterwards. N+1 is handed to the worker only after
    N committed, so rows get their ids in the same order as one batch after the other, and after a failed
    posting nothing behind it commits. (Two batches waiting for the worker were no faster at 20 000 orders,
    8.3 against 8.4 s, and held a third batch in memory.)"""
    summary = RunSummary()
    factory = session_factory(engine)
    backlog = BacklogWalk(connector.platform, connector.shop_ref)
    in_flight: tuple[list[LandedPage], Future[RunSummary]] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="omnikop-post") as poster:
        try:
            while True:
                session = factory()
                try:
                    with collector_paused():
                        session.begin()
                        posting_pages = [page.id for page in in_flight[0]] if in_flight else []
                        pages = backlog.next(session, PAGES_PER_BATCH, in_flight=posting_pages)
                        mapped = _map_pages(session, policy, connector, pages, newest) if pages else None
                        if in_flight is not None:
                            (done, posting), in_flight = in_flight, None
                            summary.add(posting.result())  # batch N committed: N+1 may post
                            if progress:
                                progress("map+post", len(done))
                except BaseException:
                    session.close()  # the batch being mapped is rolled back
                    raise
                if mapped is None:
                    session.close()
                    break
                in_flight = (pages, poster.submit(_post_and_commit, engine, session, connector, pages, mapped))
        finally:
            if in_flight is not None:  # only after an error here: the batch being posted is let finish
                wait([in_flight[1]])
    return summary


def _post_and_commit(
    engine: Engine, session: Session, connector: Connector, pages: list[LandedPage], mapped: MappedPages
) -> RunSummary:
    """Post a mapped batch in its own transaction and commit it (the worker's half of the overlapped loop)."""
    try:
        summary = _post_pages(session, connector, pages, *mapped)
        session.commit()
    finally:
        session.close()
    refresh_statistics(engine, GROWING_TABLES)
    return summary


def land_follow_ups(engine: Engine, connector: Connector) -> RunSummary:
    """Give the connector its unprocessed hint pages (``hint_kinds``), a chunk at a time in landing order, and
    land what it fetches. A connector without hint kinds costs no scan.

    Pages landed by the follow-ups themselves (above the starting ceiling) are not offered again."""
    summary = RunSummary()
    platform, shop_ref = connector.platform, connector.shop_ref
    if not connector.hint_kinds:
        return summary
    with transaction(engine) as session:
        ceiling = session.scalar(
            select(func.max(RawPage.id)).where(RawPage.platform == platform, RawPage.shop_ref == shop_ref)
        )
    if ceiling is None:
        return summary
    for pending in _backlog_chunks(engine, connector, ceiling, kinds=connector.hint_kinds):
        for page in connector.follow_ups(pending):
            with transaction(engine) as session:
                _, new = land_page(session, platform, shop_ref, page)
            summary.pages += 1
            summary.new_pages += new
    return summary


def _newest_pushed_revisions(engine: Engine, connector: Connector) -> dict[tuple[str, str], str]:
    """The latest revision of each document in the whole unprocessed backlog, for platforms that push.

    Pushed deliveries arrive duplicated and shuffled, so a document's revisions can straddle batches; posting
    only the newest waiting one gives the same books as in-order delivery. Pulled pages arrive in update
    order, so for pull-only platforms this is empty (no second parse, nothing held per document)."""
    newest: dict[tuple[str, str], str] = {}
    if connector.push_streams:
        for chunk in _backlog_chunks(engine, connector):
            newest_revisions((record for page in chunk for record in connector.parse(page)), into=newest)
    return newest


def _backlog_chunks(
    engine: Engine, connector: Connector, ceiling: int | None = None, *, kinds: frozenset[str] | None = None
) -> Iterator[list[LandedPage]]:
    """The shop's unprocessed pages in landing order (up to page id ``ceiling``, of ``kinds`` when given),
    ``BACKLOG_CHUNK`` at a time.

    Chunked so that memory does not grow with the backlog: after a large pull every landed page is unprocessed,
    and holding all their bodies at once made a sync's peak memory proportional to its window."""
    after = 0
    while True:
        with transaction(engine) as session:
            query = _unprocessed_query(connector.platform, connector.shop_ref).where(RawPage.id > after)
            if ceiling is not None:
                query = query.where(RawPage.id <= ceiling)
            if kinds is not None:
                query = query.where(RawPage.kind.in_(sorted(kinds)))
            pages = [as_landed(row) for row in session.execute(query.order_by(RawPage.id).limit(BACKLOG_CHUNK)).all()]
        if not pages:
            return
        after = pages[-1].id
        yield pages


def _unprocessed_query(platform: str, shop_ref: str) -> LandedPagesQuery:
    """Landed pages of the shop without a processed marker, as the rows ``as_landed`` reads."""
    return (
        landed_pages_query()
        .outerjoin(ProcessedPage, ProcessedPage.page_id == RawPage.id)
        .where(RawPage.platform == platform, RawPage.shop_ref == shop_ref, ProcessedPage.page_id.is_(None))
    )


def _stream_rank(stream: str) -> int:
    return STREAM_ORDER.index(stream) if stream in STREAM_ORDER else len(STREAM_ORDER)


class BacklogWalk:
    """The shop's unprocessed pages a batch at a time, in the order ``_unprocessed`` gives (stream rank, then
    landing order), each batch read from where the previous one ended.

    Why: ``_unprocessed`` finds a batch by sorting every unprocessed page of the shop, and the anti-join visits
    every page it ever landed: per batch linear in the shop's history, per sync quadratic (at 100 000 orders
    5.7 s of a 53 s map + post). Everything up to the last page handed out is processed or in flight, so the next
    batch is the first unprocessed pages after it, which the index ``ix_raw_pages_backlog`` finds stream by
    stream. The same batches, read by index. The first batch, and a last look when the walk runs dry (for a page
    landed meanwhile behind the cursor, by an overlapping pull), take ``_unprocessed`` itself."""

    def __init__(self, platform: str, shop_ref: str) -> None:
        self.platform, self.shop_ref = platform, shop_ref
        self.after: tuple[int, int] | None = None  # (stream rank, page id) of the last page handed out

    def next(self, session: Session, limit: int, *, in_flight: Sequence[int] = ()) -> list[LandedPage]:
        """The next batch of up to ``limit`` pages; ``in_flight``: pages handed out and not yet committed."""
        pages = self._after(session, limit, *self.after) if self.after else []
        if not pages:
            pages = _unprocessed(session, self.platform, self.shop_ref, limit, exclude=in_flight)
        if pages:
            self.after = (_stream_rank(pages[-1].stream), pages[-1].id)
        return pages

    def _after(self, session: Session, limit: int, rank: int, after_id: int) -> list[LandedPage]:
        """Up to ``limit`` unprocessed pages after page ``after_id`` of stream rank ``rank``, by index."""
        pages: list[LandedPage] = []
        for group in range(rank, len(STREAM_ORDER) + 1):
            in_group = (
                RawPage.stream == STREAM_ORDER[group]
                if group < len(STREAM_ORDER)
                else RawPage.stream.not_in(STREAM_ORDER)
            )
            query = _unprocessed_query(self.platform, self.shop_ref).where(in_group)
            if group == rank:
                query = query.where(RawPage.id > after_id)
            rows = session.execute(query.order_by(RawPage.id).limit(limit - len(pages))).all()
            pages += [as_landed(row) for row in rows]
            if len(pages) == limit:
                break
        return pages


def _unprocessed(
    session: Session, platform: str, shop_ref: str, limit: int, *, exclude: Sequence[int] = ()
) -> list[LandedPage]:
    """Landed pages not yet processed (nor in ``exclude``), orders before settlements before the rest, oldest
    first."""
    rank = case(
        {stream: index for index, stream in enumerate(STREAM_ORDER)}, value=RawPage.stream, else_=len(STREAM_ORDER)
    )
    query = _unprocessed_query(platform, shop_ref)
    if exclude:
        query = query.where(RawPage.id.not_in(exclude))
    query = query.order_by(rank, RawPage.id).limit(limit)
    return [as_landed(row) for row in session.execute(query).all()]


def _process_pages(
    session: Session,
    policy: PolicyResolver,
    connector: Connector,
    pages: list[LandedPage],
    newest: dict[tuple[str, str], str] | None = None,
) -> RunSummary:
    return _post_pages(session, connector, pages, *_map_pages(session, policy, connector, pages, newest))


def _map_pages(
    session: Session,
    policy: PolicyResolver,
    connector: Connector,
    pages: list[LandedPage],
    newest: dict[tuple[str, str], str] | None,
) -> MappedPages:
    parsed = [(page.id, record) for page in pages for record in connector.parse(page)]
    return parsed, ShopMapper(session, policy, connector.platform, connector.shop_ref).map(parsed, newest)


def _post_pages(
    session: Session,
    connector: Connector,
    pages: list[LandedPage],
    parsed: list[tuple[int, Parsed]],
    batch: MappedBatch,
) -> RunSummary:
    summary = post_batch(session, connector.platform, connector.shop_ref, batch)
    fault_point("mid_batch")
    summary.records = len(parsed)
    now = datetime.now(UTC)
    per_page = Counter(page_id for page_id, _ in parsed)
    rows = [{"page_id": p.id, "processed_at": now, "records": per_page[p.id], "quarantined": 0} for p in pages]
    insert_rows(session, table_of(ProcessedPage), rows, skip_any_conflict=True)
    return summary


def fault_point(name: str) -> None:
    """Crash-test hook: ``SIGKILL`` this process here when ``OMNIKOP_FAULT_POINT`` names this point.

    The reliability suite proves that a worker killed at the worst moments loses and doubles nothing, and a kill
    is the only honest way to show it (no ``finally``, no rollback handler runs). Points: ``after_landing`` (every
    page landed, nothing processed) and ``mid_batch`` (a batch's postings written, not yet committed with its
    processed markers). Unset in production, where this is one dictionary lookup per batch."""
    if os.environ.get(FAULT_POINT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
