"""The ledger identities of one source document: its source reference and the idempotency keys of its postings.

Built here and nowhere else, because both are contracts with rows already in the ledger: a key that changed by
one byte would post a document a second time. The shape is ``platform:shop:doc type:external id`` for the
source reference (``#part`` appended for one of a document's entries: ``sale``, ``commission``, ``cogs``) and
``platform:shop:doc type:external id:revision[:part]`` for an idempotency key (design §4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocumentKeys:
    """One document of one shop, e.g. ``DocumentKeys("shopee", "100001", "order", "2601015ABC")``."""

    platform: str
    shop_ref: str
    doc_type: str
    external_id: str

    @property
    def document(self) -> str:
        return f"{self.platform}:{self.shop_ref}:{self.doc_type}:{self.external_id}"

    def source_ref(self, part: str = "") -> str:
        """The ledger's source-document reference: every entry of a document (and its adjustments) shares it."""
        return self.document + (f"#{part}" if part else "")

    def idempotency_key(self, revision: str, part: str = "") -> str:
        """The key of one posting of one revision; ``part`` names which of the revision's postings it is."""
        return f"{self.document}:{revision}" + (f":{part}" if part else "")


def shop_dimension(platform: str, shop_ref: str) -> str:
    """The shop on ledger lines and goods locations (``platform:shop``)."""
    return f"{platform}:{shop_ref}"
