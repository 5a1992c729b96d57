"""What a fault-matrix cell measures after the re-run: the ledger's canonical hash, duplicate postings and
landed records that were neither posted nor quarantined.

*Landed records* are what the connector parses out of every landed page of the shop (parsed or rejected).
A record counts as *posted* when its document holds a real revision (the mapper recorded it and its postings
committed in the same transaction) and as *quarantined* when an open quarantine item names it. A record on a
page never marked processed is lost whatever else is true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from connectors.base.landing import RawPage, as_landed
from connectors.base.protocol import Connector
from connectors.base.records import Rejected
from core_mapping.documents import PLACEHOLDER
from core_mapping.mapper import doc_identity, stream_of
from core_mapping.models import Document, ProcessedPage, QuarantineItem
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.fingerprint import ledger_fingerprint
from ledger.models import GoodsMovement, JournalEntry

STREAMS_OF_DOCS = {"order": "orders", "settlement": "settlements", "wallet": "wallet", "stock": "stock"}

RecordKey = tuple[str, str, str]  # (shop_ref, stream, record key)


@dataclass(frozen=True)
class Books:
    """The measurable state of one database after a run."""

    fingerprint: str
    posting_keys: frozenset[str]  # idempotency keys of journal entries and goods movements
    posting_rows: int
    landed: int
    lost: int
    quarantined: int
    violations: tuple[str, ...]

    def duplicates_against(self, reference: Books) -> int:
        """Postings beyond the reference: rows sharing a key, plus keys the reference never posted (a document
        booked twice under a second revision or part)."""
        return (self.posting_rows - len(self.posting_keys)) + len(self.posting_keys - reference.posting_keys)


def measure(engine: Engine, connector_for: Callable[[str], Connector], shops: list[str]) -> Books:
    with transaction(engine) as session:
        fingerprint = ledger_fingerprint(session)
        violations = tuple(str(v) for v in check_ledger(session).violations)
        entry_keys = list(session.scalars(select(JournalEntry.idempotency_key)))
        movement_keys = list(session.scalars(select(GoodsMovement.idempotency_key)))
        pages = list(session.scalars(select(RawPage).where(RawPage.shop_ref.in_(shops))))
        processed = set(session.scalars(select(ProcessedPage.page_id)))
        posted = {
            (shop, STREAMS_OF_DOCS[doc_type], external_id)
            for shop, doc_type, external_id in session.execute(
                select(Document.shop_ref, Document.doc_type, Document.external_id).where(
                    Document.revision != PLACEHOLDER
                )
            )
        }
        quarantined = {
            (shop, stream, key)
            for shop, stream, key in session.execute(
                select(QuarantineItem.shop_ref, QuarantineItem.stream, QuarantineItem.record_key).where(
                    QuarantineItem.resolved_at.is_(None)
                )
            )
        }
        open_items = session.scalar(
            select(func.count()).select_from(QuarantineItem).where(QuarantineItem.resolved_at.is_(None))
        )
        landed_pages = [as_landed(page) for page in pages]
    connectors = {shop: connector_for(shop) for shop in shops}
    landed: set[RecordKey] = set()
    unprocessed: set[RecordKey] = set()
    for page in landed_pages:
        for record in connectors[page.shop_ref].parse(page):
            key = _record_key(page.shop_ref, record)
            landed.add(key)
            if page.id not in processed:
                unprocessed.add(key)
    lost = (landed - posted - quarantined) | unprocessed
    keys = frozenset(entry_keys) | frozenset(movement_keys)
    return Books(
        fingerprint, keys, len(entry_keys) + len(movement_keys), len(landed), len(lost), open_items or 0, violations
    )


def _record_key(shop_ref: str, record: object) -> RecordKey:
    if isinstance(record, Rejected):
        return shop_ref, record.stream, record.record_key
    _, external_id = doc_identity(record)  # type: ignore[arg-type]
    return shop_ref, stream_of(record), external_id  # type: ignore[arg-type]
