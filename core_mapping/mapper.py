"""Turn one shop's canonical records into ledger drafts: journal entries, goods movements, quarantine.

Per document only the latest revision in the batch counts; an older revision than the one already
recorded is ignored. For each document its rule (``order_rule``, ``settlement_rule``, ``wallet_rule``,
``stock_rule``) gives the drafts: the difference between the rule's *target* postings and what the ledger
already holds for that document, so re-runs post nothing and a new revision posts exactly its adjustment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from connectors.base.records import CanonicalRecord, Order, Parsed, Rejected, Settlement, StockLevel, WalletMovement
from core_mapping.context import MappedBatch, MappingContext, Origin, Unmappable
from core_mapping.documents import revision_order
from core_mapping.order_rule import map_order
from core_mapping.policy import PolicyResolver
from core_mapping.quarantine import Problem
from core_mapping.serialize import to_json
from core_mapping.settlement_rule import map_settlement
from core_mapping.stock_rule import map_stock
from core_mapping.wallet_rule import map_wallet
from ledger.money import MoneyError
from ledger.queries import goods_by_source, net_lines_by_source

DOC_TYPES = {Order: "order", Settlement: "settlement", WalletMovement: "wallet", StockLevel: "stock"}
DOC_TYPE_RANK = {doc_type: rank for rank, doc_type in enumerate(DOC_TYPES.values())}  # documents sort by this
# One rule per document type, in the order documents are mapped (an order before the settlements that split it).
RULES: dict[type, Callable[[MappingContext, Any, Origin, MappedBatch], None]] = {
    Order: map_order,
    Settlement: map_settlement,
    WalletMovement: map_wallet,
    StockLevel: map_stock,
}
DocKey = tuple[str, str]
# The parts of a document whose ledger lines its rule reads (``MappingContext.posted``): an order its cost of
# sales, a settlement its sale and commission entries, a wallet movement its one entry; a stock level none.
POSTED_PARTS = {"order": ("cogs",), "settlement": ("sale", "commission"), "wallet": ("",), "stock": ()}


def doc_identity(record: CanonicalRecord) -> tuple[str, str]:
    if isinstance(record, Order):
        return "order", record.order_ref
    if isinstance(record, Settlement):
        return "settlement", record.settlement_ref
    if isinstance(record, WalletMovement):
        return "wallet", record.movement_ref
    return "stock", f"{record.sku_ref}@{record.location}"


STREAM_OF_DOC_TYPE = {"order": "orders", "settlement": "settlements", "wallet": "wallet", "stock": "stock"}


def stream_of(record: CanonicalRecord) -> str:
    return STREAM_OF_DOC_TYPE[doc_identity(record)[0]]


class ShopMapper:
    """Maps batches of one shop: picks each document's latest revision, records it, loads what the ledger holds
    for the documents and runs each document's rule."""

    def __init__(self, session: Session, policy: PolicyResolver, platform: str, shop_ref: str) -> None:
        self.context = MappingContext(session, policy, platform, shop_ref)

    def map(self, parsed: list[tuple[int, Parsed]], newest: Mapping[DocKey, str] | None = None) -> MappedBatch:
        """Drafts for ``parsed``. ``newest``: the latest revision of each document among *all* pages waiting to
        be processed; a record older than that is skipped (a later batch posts the newer one), so the books do
        not depend on how arrival order cut the backlog into batches (webhooks arrive in any order)."""
        batch = MappedBatch()
        latest = self._latest(parsed, newest, batch)
        if not latest:
            return batch
        work = self._record_documents(latest, batch)
        self._load_posted(work)
        for key, page_id, record in work:
            self._apply_rule(Origin(STREAM_OF_DOC_TYPE[key[0]], key[1], page_id), record, batch)
        return batch

    def _latest(
        self, parsed: list[tuple[int, Parsed]], newest: Mapping[DocKey, str] | None, batch: MappedBatch
    ) -> dict[DocKey, tuple[int, CanonicalRecord]]:
        """Each document's latest revision in the batch; rejected records become parse problems."""
        latest: dict[DocKey, tuple[int, CanonicalRecord]] = {}
        for page_id, record in parsed:
            if isinstance(record, Rejected):
                batch.problems.append(
                    Problem(record.stream, record.record_key, page_id, "parse", record.reason, record.message)
                )
                continue
            key = doc_identity(record)
            if newest and key in newest and revision_order(revision_of(record)) < revision_order(newest[key]):
                batch.stats["superseded_in_backlog"] += 1
                continue
            current = latest.get(key)
            if current is None or revision_order(revision_of(record)) >= revision_order(revision_of(current[1])):
                if current is not None:
                    batch.stats["superseded_in_batch"] += 1
                latest[key] = (page_id, record)
            else:
                batch.stats["superseded_in_batch"] += 1
        return latest

    def _record_documents(
        self, latest: dict[DocKey, tuple[int, CanonicalRecord]], batch: MappedBatch
    ) -> list[tuple[DocKey, int, CanonicalRecord]]:
        """Record each document's revision (older than the recorded one: stale, skipped); the rest is the work."""
        docs = self.context.docs
        order_keys = [("order", r.order_ref) for _, r in latest.values() if isinstance(r, Settlement) and r.order_ref]
        fresh = {key: (revision_of(record), to_json(record), page_id) for key, (page_id, record) in latest.items()}
        docs.load(list(latest) + order_keys, raw_page_id=min(page for page, _ in latest.values()), fresh=fresh)
        ordered = sorted(latest.items(), key=lambda item: DOC_TYPE_RANK[item[0][0]])
        work: list[tuple[DocKey, int, CanonicalRecord]] = []
        for key, (page_id, record) in ordered:
            revision, payload, _ = fresh[key]
            if docs.is_stale(key, revision):
                batch.stats["stale_revision"] += 1
                batch.mapped[STREAM_OF_DOC_TYPE[key[0]]].add(key[1])
                continue
            docs.put(key, revision, payload, page_id)
            work.append((key, page_id, record))
        docs.save()
        return work

    def _load_posted(self, work: list[tuple[DocKey, int, CanonicalRecord]]) -> None:
        """What the ledger already holds for the work's documents, so each rule posts only the difference."""
        context = self.context
        refs = [context.keys(*k).source_ref(part) for k, _, _ in work for part in POSTED_PARTS[k[0]]]
        context.posted = net_lines_by_source(context.session, refs)
        orders = [context.keys(*k).source_ref() for k, _, r in work if isinstance(r, Order)]
        context.goods = goods_by_source(context.session, orders)

    def _apply_rule(self, origin: Origin, record: CanonicalRecord, batch: MappedBatch) -> None:
        """Run the document's rule; a refusal quarantines the record and blocks nothing else."""
        try:
            RULES[type(record)](self.context, record, origin, batch)
        except Unmappable as problem:
            batch.problems.append(
                Problem(origin.stream, origin.record_key, origin.page_id, "map", problem.reason, str(problem))
            )
        except MoneyError as error:
            batch.problems.append(
                Problem(origin.stream, origin.record_key, origin.page_id, "map", "invalid_amount", str(error))
            )
        else:
            batch.mapped[origin.stream].add(origin.record_key)


def newest_revisions(
    records: Iterable[Parsed], into: dict[tuple[str, str], str] | None = None
) -> dict[tuple[str, str], str]:
    """The latest revision of each document among ``records`` (rejected records aside), merged ``into`` a
    mapping already holding earlier chunks' answer when given."""
    newest: dict[tuple[str, str], str] = {} if into is None else into
    for record in records:
        if isinstance(record, Rejected):
            continue
        key, revision = doc_identity(record), revision_of(record)
        if key not in newest or revision_order(revision) > revision_order(newest[key]):
            newest[key] = revision
    return newest


def revision_of(record: CanonicalRecord) -> str:
    """Stock is a snapshot: the later observation wins, whatever the level (a level is not an ordered revision)."""
    if isinstance(record, StockLevel):
        return str(int(record.observed_at.timestamp() * 1_000_000))
    return record.revision
