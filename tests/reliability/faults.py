"""The faults of the matrix: each one runs the sync while something goes wrong and returns its *evidence*, a
count showing the fault really happened (a fault that never bit would make its cell pass vacuously).

The cell runner then clears every fault, re-runs the sync to completion and measures the books.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DBAPIError

from connectors.base.landing import RawPage
from connectors.base.sandbox.emitter import EmitOptions
from connectors.base.tokens import StoredToken
from core_mapping.models import ProcessedPage
from foundation.db import transaction
from ledger.models import JournalEntry
from sync.pipeline import sync_shop
from tests.reliability.bench import PUSH_PLATFORMS, Instance, deliver_pushes, sync
from tests.reliability.crash import SyncOrder, sync_until_killed
from tests.reliability.dbdrop import dropped_once


@dataclass
class CellContext:
    instance: Instance
    engine: Engine
    db_url: str


FaultRun = Callable[[CellContext], int]


@dataclass(frozen=True)
class Fault:
    name: str
    run: FaultRun
    evidence: str  # what the evidence count counts, for the table
    # Push platforms have no paginated pulls: their "pages" are webhook deliveries, so these cells start before
    # any push and deliver them (duplicated or shuffled) themselves.
    starts_before_pushes: bool = False
    # Faults of an API omnikop calls (answers, tokens): no cell for a platform that pulls nothing (WhatsApp).
    needs_api: bool = False
    push_only: bool = False  # faults of webhook deliveries (forged signatures): push platforms only


def sandbox_switches(switches: dict[str, Any], marker: str | None) -> FaultRun:
    """Sandbox faults (``FaultPlan``); evidence: faulted requests, or requests served while a switch was on."""

    def run(cell: CellContext) -> int:
        faults = cell.instance.sandbox.state.faults
        faults.update(switches)
        try:
            sync(cell.engine, cell.instance)
        finally:
            faults.reset()
        if marker:
            return cell.instance.faults_seen(marker)
        return len(cell.instance.sandbox.state.requests)

    return run


def between_pages(switches: dict[str, Any], pushes: EmitOptions) -> FaultRun:
    """Faults that live between pages. Pull platforms: the sandbox switch, evidence = list pages after the first
    (where the repeat or reversal happens). Push platforms: every webhook delivered with ``pushes`` (duplicates
    or shuffled order), evidence = repeated deliveries or events delivered out of their natural order."""

    def run(cell: CellContext) -> int:
        instance = cell.instance
        if instance.platform in PUSH_PLATFORMS:
            delivered = deliver_pushes(cell.engine, instance, pushes)
            sync(cell.engine, instance)
            if pushes.duplicates:
                return sum(1 for result in delivered if result.duplicate)
            emitter: Any = instance.sandbox.emitter  # type: ignore[attr-defined]
            natural = [e.event_id for shop in instance.shops for e in emitter.events(shop)]
            return sum(1 for a, b in zip(natural, [r.event_id for r in delivered], strict=False) if a != b)
        instance.sandbox.state.faults.update(switches)
        try:
            sync(cell.engine, instance)
        finally:
            instance.sandbox.state.faults.reset()
        return sum(1 for request in instance.sandbox.state.requests if _later_page(request["path"], request["params"]))

    return run


# Lists whose page numbers count from 0 (Shopee's wallet: "page_no ... Default is 0"); the others count from 1.
ZERO_BASED_PAGES = ("/api/v2/payment/get_wallet_transaction_list",)


def _later_page(path: str, params: dict[str, Any]) -> bool:
    """A list request for a page after the first, in any platform's paging dialect."""
    first = 0 if path.endswith(ZERO_BASED_PAGES) else 1
    for name, value in params.items():
        text = str(value)
        if name in ("cursor", "page_token") and text:
            return True
        if name in ("page_no", "page") and text.isdigit() and int(text) > first:
            return True
        if name == "offset" and text.isdigit() and int(text) > 0:
            return True
    return False


def forged_pushes(cell: CellContext) -> int:
    """Webhooks with bad signatures (tampered bodies signed with another key, or bearer tokens that are not the
    platform's) interleaved with the real, shuffled ones; evidence: forged deliveries refused with 401."""
    delivered = deliver_pushes(cell.engine, cell.instance, EmitOptions(forged=5, reorder=True, seed=11))
    sync(cell.engine, cell.instance)
    return sum(1 for result in delivered if result.forged and result.status == 401)


def token_refresh_race(cell: CellContext) -> int:
    """Two workers find the shop's access token expired at the same moment; evidence: exactly one refresh."""
    shop = cell.instance.shops[0]
    cell.instance.connector(cell.engine, shop).check()
    with transaction(cell.engine) as session:
        session.execute(
            update(StoredToken)
            .where(StoredToken.shop_ref == shop)
            .values(access_expires_at=datetime.now(UTC) - timedelta(hours=1))
        )
    workers = [cell.instance.connector(cell.engine, shop) for _ in range(2)]
    _concurrently([lambda c=c: _sync_one(cell, c) for c in workers])
    refreshes = sum(worker.context.tokens.renewals for worker in workers)
    return 1 if refreshes == 1 else 0


def overlapping_runs(cell: CellContext) -> int:
    """Two runs of every shop over the same window at once (an Airflow retry racing a manual trigger)."""
    _concurrently([lambda: sync(cell.engine, cell.instance), lambda: sync(cell.engine, cell.instance)])
    return 2


def killed_at(point: str) -> FaultRun:
    """SIGKILL at a pipeline fault point; evidence: the child died of SIGKILL with pages landed and the books
    exactly as the point promises (nothing processed after landing; nothing committed mid-batch)."""

    def run(cell: CellContext) -> int:
        exit_code = sync_until_killed(SyncOrder.of(cell.instance, cell.db_url), point)
        with transaction(cell.engine) as session:
            pages = session.scalar(select(func.count()).select_from(RawPage)) or 0
            processed = session.scalar(select(func.count()).select_from(ProcessedPage)) or 0
            entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
        killed = exit_code == -9 and pages > 0 and processed == 0 and entries == 0
        return 1 if killed else 0

    return run


def connection_dropped(cell: CellContext) -> int:
    """The database connection dies at the first journal insert; evidence: the drop fired and the run failed."""
    with dropped_once(cell.engine) as dropper:
        try:
            sync(cell.engine, cell.instance)
        except DBAPIError:
            return dropper.fired
    return 0  # the run survived a dropped connection: the drop did not happen where it should


def _sync_one(cell: CellContext, connector: Any) -> None:
    config = cell.instance.config(str(cell.engine.url))
    sync_shop(cell.engine, config, connector, cell.instance.window())


def _concurrently(jobs: list[Callable[[], object]]) -> None:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def work(job: Callable[[], object]) -> None:
        barrier.wait(10)
        try:
            job()
        except BaseException as error:  # surfaced below: a worker failing is a failed cell
            errors.append(error)

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]


FAULTS = (
    Fault(
        "429 storm + Retry-After",
        sandbox_switches({"rate_limit": 4, "retry_after": 1}, "rate_limit"),
        "429s",
        needs_api=True,
    ),
    Fault("5xx burst", sandbox_switches({"server_errors": 4}, "server_errors"), "5xx", needs_api=True),
    Fault("slow > client timeout", sandbox_switches({"slow": 2, "slow_seconds": 0.6}, "slow"), "slow", needs_api=True),
    Fault(
        "connection resets", sandbox_switches({"connection_resets": 3}, "connection_resets"), "resets", needs_api=True
    ),
    Fault("malformed JSON", sandbox_switches({"malformed_json": 3}, "malformed_json"), "bodies", needs_api=True),
    Fault("truncated pages", sandbox_switches({"truncated": 3}, "truncated"), "bodies", needs_api=True),
    Fault(
        "record on two pages",
        between_pages({"duplicate_across_pages": True}, EmitOptions(duplicates=True, seed=3)),
        "later pages / repeated pushes",
        starts_before_pushes=True,
    ),
    Fault(
        "records out of order",
        between_pages({"out_of_order": True}, EmitOptions(reorder=True, seed=3)),
        "later pages / shuffled pushes",
        starts_before_pushes=True,
    ),
    Fault(
        "token expiry mid-pagination",
        sandbox_switches({"expire_token_after": 2}, "expire_token"),
        "expiries",
        needs_api=True,
    ),
    Fault("two workers refresh token", token_refresh_race, "1 refresh", needs_api=True),
    Fault("bad signatures", forged_pushes, "forged refused", starts_before_pushes=True, push_only=True),
    Fault("SIGKILL after landing", killed_at("after_landing"), "killed"),
    Fault("SIGKILL mid posting batch", killed_at("mid_batch"), "killed"),
    Fault("DB connection dropped", connection_dropped, "drops"),
    Fault("overlapping runs", overlapping_runs, "runs"),
)
FAULTS_BY_NAME = {fault.name: fault for fault in FAULTS}
