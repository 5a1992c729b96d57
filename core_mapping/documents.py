"""The document store: the latest revision of each source document, locked while its postings are computed.

Revisions only move forward: an older revision arriving late (out-of-order events, overlapping runs) is
recognised and ignored, so it can never roll the ledger back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from core_mapping.models import Document
from ledger.bulk import insert_rows

DocKey = tuple[str, str]  # (doc_type, external_id) within one shop


PLACEHOLDER = ""  # a document row created only to be locked; older than any real revision


def revision_order(revision: str) -> tuple[int, int, str]:
    """Numeric revisions compare as numbers, anything else as text after them; the placeholder is oldest."""
    if revision == PLACEHOLDER:
        return (-1, 0, "")
    return (0, int(revision), "") if revision.isdigit() else (1, 0, revision)


@dataclass
class StoredDoc:
    revision: str
    payload: str


class DocumentStore:
    """Documents of one shop, as seen inside the current transaction (rows locked on PostgreSQL)."""

    def __init__(self, session: Session, platform: str, shop_ref: str) -> None:
        self.session, self.platform, self.shop_ref = session, platform, shop_ref
        self.docs: dict[DocKey, Document] = {}

    def load(self, keys: Iterable[DocKey], raw_page_id: int) -> None:
        """Lock (PostgreSQL) and read the documents; rows are created first so even a brand-new document is
        locked and two overlapping runs compute its postings one after the other."""
        wanted = [key for key in dict.fromkeys(keys) if key not in self.docs]
        if not wanted:
            return
        postgres = self.session.get_bind().dialect.name == "postgresql"
        now = datetime.now(UTC)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = [
                dict(
                    platform=self.platform,
                    shop_ref=self.shop_ref,
                    doc_type=doc_type,
                    external_id=external_id,
                    revision=PLACEHOLDER,
                    payload="",
                    raw_page_id=raw_page_id,
                    updated_at=now,
                )
                for doc_type, external_id in chunk
            ]
            insert_rows(self.session, Document.__table__, rows, skip_any_conflict=True)
            query = select(Document).where(
                Document.platform == self.platform,
                Document.shop_ref == self.shop_ref,
                tuple_(Document.doc_type, Document.external_id).in_(chunk),
            )
            if postgres:
                query = query.with_for_update()
            for doc in self.session.scalars(query):
                self.docs[(doc.doc_type, doc.external_id)] = doc

    def get(self, key: DocKey) -> StoredDoc | None:
        doc = self.docs.get(key)
        return StoredDoc(doc.revision, doc.payload) if doc and doc.revision != PLACEHOLDER else None

    def is_stale(self, key: DocKey, revision: str) -> bool:
        doc = self.docs.get(key)
        return doc is not None and revision_order(revision) < revision_order(doc.revision)

    def put(self, key: DocKey, revision: str, payload: str, raw_page_id: int) -> None:
        """Record ``revision`` as the latest (callers check ``is_stale`` first and ``load`` the key before)."""
        doc = self.docs[key]
        doc.revision, doc.payload, doc.raw_page_id, doc.updated_at = revision, payload, raw_page_id, datetime.now(UTC)


def source_ref(platform: str, shop_ref: str, doc_type: str, external_id: str, part: str = "") -> str:
    """The ledger's source-document reference: every entry of a document (and its adjustments) shares it."""
    return f"{platform}:{shop_ref}:{doc_type}:{external_id}" + (f"#{part}" if part else "")
