"""The document store: the latest revision of each source document, locked while its postings are computed.

Revisions only move forward: an older revision arriving late (out-of-order events, overlapping runs) is
recognised and ignored, so it can never roll the ledger back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core_mapping.models import Document
from ledger.bulk import any_of, key_chunks, update_rows
from ledger.models import table_of
from ledger.staged import insert_new

DocKey = tuple[str, str]  # (doc_type, external_id) within one shop


PLACEHOLDER = ""  # a document row created only to be locked; older than any real revision


def revision_order(revision: str) -> tuple[int, int, str]:
    """Numeric revisions compare as numbers, anything else as text after them; the placeholder is oldest."""
    if revision == PLACEHOLDER:
        return (-1, 0, "")
    return (0, int(revision), "") if revision.isdigit() else (1, 0, revision)


@dataclass(frozen=True, slots=True)
class StoredDoc:
    revision: str
    payload: str


class DocumentStore:
    """Documents of one shop, as seen inside the current transaction (rows locked on PostgreSQL).

    Rows are plain values, not ORM objects: ``put`` only records the change and ``save`` writes all of a batch's
    changes as one statement (the ORM's flush sent one UPDATE per document)."""

    def __init__(self, session: Session, platform: str, shop_ref: str) -> None:
        self.session, self.platform, self.shop_ref = session, platform, shop_ref
        self.ids: dict[DocKey, int] = {}
        self.docs: dict[DocKey, StoredDoc] = {}
        self.changed: dict[DocKey, dict[str, Any]] = {}
        self.created: set[DocKey] = set()  # rows ``load`` created with their ``fresh`` content

    def load(
        self, keys: Iterable[DocKey], raw_page_id: int, fresh: Mapping[DocKey, tuple[str, str, int]] | None = None
    ) -> None:
        """Lock (PostgreSQL) and read the documents; rows are created first so even a brand-new document is
        locked and two overlapping runs compute its postings one after the other.

        ``fresh`` gives (revision, payload, page id) of documents about to be ``put``: a new one is created with
        them rather than as a placeholder, so a first sync writes each document once instead of twice."""
        fresh = fresh or {}
        wanted = [key for key in dict.fromkeys(keys) if key not in self.docs]
        if not wanted:
            return
        postgres = self.session.get_bind().dialect.name == "postgresql"
        now = datetime.now(UTC)
        for chunk in key_chunks(wanted):
            rows: list[dict[str, Any]] = []
            for key in chunk:
                revision, payload, page_id = fresh.get(key, (PLACEHOLDER, "", raw_page_id))
                rows.append(
                    dict(
                        platform=self.platform,
                        shop_ref=self.shop_ref,
                        doc_type=key[0],
                        external_id=key[1],
                        revision=revision,
                        payload=payload,
                        raw_page_id=page_id,
                        updated_at=now,
                    )
                )
            # A row this statement created is this transaction's (no other can lock or change it before the
            # commit) and holds what was just written: only the documents that already existed are read back.
            written = {(row["doc_type"], row["external_id"]): row for row in rows}
            returning = ("doc_type", "external_id", "id")
            for doc_type, external_id, doc_id in insert_new(
                self.session, table_of(Document), rows, conflict=None, returning=returning
            ):
                key = (doc_type, external_id)
                self.ids[key] = doc_id
                self.docs[key] = StoredDoc(written[key]["revision"], written[key]["payload"])
                if key in fresh:
                    self.created.add(key)
            by_type: dict[str, list[str]] = defaultdict(list)
            for doc_type, external_id in chunk:
                if (doc_type, external_id) not in self.docs:
                    by_type[doc_type].append(external_id)
            for doc_type, external_ids in by_type.items():
                # One doc_type at a time: ``external_id = ANY(…)`` is an index scan of uq_documents_identity,
                # where a row-value IN over (doc_type, external_id) pairs took PostgreSQL ~100 ms to plan.
                query = select(Document.id, Document.external_id, Document.revision, Document.payload).where(
                    Document.platform == self.platform,
                    Document.shop_ref == self.shop_ref,
                    Document.doc_type == doc_type,
                    any_of(self.session, Document.external_id, external_ids),
                )
                if postgres:
                    query = query.with_for_update()
                for doc_id, external_id, revision, payload in self.session.execute(query):
                    self.ids[(doc_type, external_id)] = doc_id
                    self.docs[(doc_type, external_id)] = StoredDoc(revision, payload)

    def get(self, key: DocKey) -> StoredDoc | None:
        doc = self.docs.get(key)
        return doc if doc and doc.revision != PLACEHOLDER else None

    def is_stale(self, key: DocKey, revision: str) -> bool:
        doc = self.docs.get(key)
        return doc is not None and revision_order(revision) < revision_order(doc.revision)

    def put(self, key: DocKey, revision: str, payload: str, raw_page_id: int) -> None:
        """Record ``revision`` as the latest (callers check ``is_stale`` first and ``load`` the key before);
        written by ``save``, unless ``load`` created the row with exactly this content."""
        if key in self.created and self.docs[key] == StoredDoc(revision, payload):
            return
        self.docs[key] = StoredDoc(revision, payload)
        self.changed[key] = dict(
            id=self.ids[key], revision=revision, payload=payload, raw_page_id=raw_page_id, updated_at=datetime.now(UTC)
        )

    def save(self) -> None:
        """Write the documents ``put`` since the last save."""
        update_rows(self.session, table_of(Document), list(self.changed.values()), key="id")
        self.changed.clear()
