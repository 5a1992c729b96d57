"""Turn one shop's canonical records into ledger drafts: journal entries, goods movements, quarantine.

Per document only the latest revision in the batch counts; an older revision than the one already
recorded is ignored. For each document the rules give the *target* postings; the drafts are the
difference from what the ledger already holds for that document, so re-runs post nothing and a new
revision posts exactly its adjustment.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from connectors.base.records import (
    GOODS_OUT_STATUSES,
    CanonicalRecord,
    Order,
    OrderStatus,
    Parsed,
    Rejected,
    Settlement,
    StockLevel,
    WalletMovement,
    WalletMovementKind,
)
from core_mapping.documents import DocumentStore, revision_order
from core_mapping.keys import DocumentKeys, shop_dimension
from core_mapping.models import Product
from core_mapping.policy import COST_OF_GOODS_SOLD, IN_TRANSIT, INVENTORY, PolicyResolver, receivable_account
from core_mapping.quarantine import Problem
from core_mapping.resolve import MappingIndex
from core_mapping.rules import SplitKeys, as_line_drafts, delta, goods_targets, held_targets, settlement_targets
from core_mapping.serialize import order_from_json, to_json
from ledger.goods import MovementDraft
from ledger.money import MoneyError, to_minor
from ledger.posting import BUSINESS_TIMEZONE, EntryDraft
from ledger.queries import goods_by_source, net_lines_by_source

_PART_TEXT = {"sale": "sale, fees and tax", "commission": "coop commission"}
DOC_TYPES = {Order: "order", Settlement: "settlement", WalletMovement: "wallet", StockLevel: "stock"}


class Unmappable(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Origin:
    """Which record a draft came from, so a refused draft can be quarantined against it."""

    stream: str
    record_key: str
    page_id: int


@dataclass
class MappedBatch:
    entries: list[tuple[EntryDraft, Origin]] = field(default_factory=list)
    movements: list[tuple[MovementDraft, Origin]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mapped: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # stream → record keys
    stats: Counter[str] = field(default_factory=Counter)


def business_date(moment: datetime) -> date:
    return moment.astimezone(BUSINESS_TIMEZONE).date()


def doc_identity(record: CanonicalRecord) -> tuple[str, str]:
    if isinstance(record, Order):
        return "order", record.order_ref
    if isinstance(record, Settlement):
        return "settlement", record.settlement_ref
    if isinstance(record, WalletMovement):
        return "wallet", record.movement_ref
    return "stock", f"{record.sku_ref}@{record.location}"


def stream_of(record: CanonicalRecord) -> str:
    return {"order": "orders", "settlement": "settlements", "wallet": "wallet", "stock": "stock"}[
        doc_identity(record)[0]
    ]


class ShopMapper:
    def __init__(self, session: Session, policy: PolicyResolver, platform: str, shop_ref: str) -> None:
        self.session, self.policy, self.platform, self.shop_ref = session, policy, platform, shop_ref
        self.index = MappingIndex(session, platform, shop_ref)
        self.docs = DocumentStore(session, platform, shop_ref)
        self.unit_costs: dict[str, int | None] = {}

    def map(self, parsed: list[tuple[int, Parsed]], newest: Mapping[tuple[str, str], str] | None = None) -> MappedBatch:
        """Drafts for ``parsed``. ``newest``: the latest revision of each document among *all* pages waiting to
        be processed; a record older than that is skipped (a later batch posts the newer one), so the books do
        not depend on how arrival order cut the backlog into batches (webhooks arrive in any order)."""
        batch = MappedBatch()
        latest: dict[tuple[str, str], tuple[int, CanonicalRecord]] = {}
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
        if not latest:
            return batch
        order_keys = [("order", r.order_ref) for _, r in latest.values() if isinstance(r, Settlement) and r.order_ref]
        fresh = {key: (revision_of(record), to_json(record), page_id) for key, (page_id, record) in latest.items()}
        self.docs.load(list(latest) + order_keys, raw_page_id=min(page for page, _ in latest.values()), fresh=fresh)
        ordered = sorted(latest.items(), key=lambda item: list(DOC_TYPES.values()).index(item[0][0]))
        work: list[tuple[tuple[str, str], int, CanonicalRecord]] = []
        for key, (page_id, record) in ordered:
            revision, payload, _ = fresh[key]
            if self.docs.is_stale(key, revision):
                batch.stats["stale_revision"] += 1
                batch.mapped[stream_of(record)].add(key[1])
                continue
            self.docs.put(key, revision, payload, page_id)
            work.append((key, page_id, record))
        self.docs.save()
        refs = [self._keys(*k).source_ref(part) for k, _, _ in work for part in ("sale", "commission", "cogs", "")]
        self.posted = net_lines_by_source(self.session, refs)
        self.goods = goods_by_source(
            self.session,
            [self._keys(*k).source_ref() for k, _, r in work if isinstance(r, Order)],
        )
        for key, page_id, record in work:
            origin = Origin(stream_of(record), key[1], page_id)
            try:
                self._map_one(record, origin, batch)
            except Unmappable as problem:
                batch.problems.append(
                    Problem(origin.stream, origin.record_key, page_id, "map", problem.reason, str(problem))
                )
            except MoneyError as error:
                batch.problems.append(
                    Problem(origin.stream, origin.record_key, page_id, "map", "invalid_amount", str(error))
                )
            else:
                batch.mapped[origin.stream].add(origin.record_key)
        return batch

    # --- per document type -------------------------------------------------------------------------------

    def _map_one(self, record: CanonicalRecord, origin: Origin, batch: MappedBatch) -> None:
        if isinstance(record, Order):
            self._order(record, origin, batch)
        elif isinstance(record, Settlement):
            self._settlement(record, origin, batch)
        elif isinstance(record, WalletMovement):
            self._wallet(record, origin, batch)
        else:
            batch.stats["stock_levels"] += 1

    def _order(self, order: Order, origin: Origin, batch: MappedBatch) -> None:
        self._check_currency(order.currency)
        day = business_date(order.created_at)
        owners = {line.sku_ref: self._owner(line.sku_ref, line.seller_sku, day) for line in order.lines}
        goods_out = order.status in GOODS_OUT_STATUSES or (
            order.shipped_at is not None and order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED)
        )
        shipped: dict[tuple[str, str], int] = Counter()
        returned: dict[tuple[str, str], int] = Counter()
        returns = dict(order.returned_quantities)
        for line in order.lines:
            product, member = owners[line.sku_ref]
            if goods_out:
                shipped[(product, member)] += line.quantity
                back = (
                    line.quantity
                    if order.status is OrderStatus.RETURNED
                    else min(returns.get(line.sku_ref, 0), line.quantity)
                )
                returned[(product, member)] += back
        keys = self._keys("order", order.order_ref)
        ref = keys.source_ref()
        posted = self.goods.get(ref, {})
        moment = order.shipped_at or order.updated_at
        movements = []
        for (product, member), quantity in sorted(goods_targets(shipped, returned).items()):
            change = quantity - posted.get((product, member), 0)
            if not change:
                continue
            draft = MovementDraft(
                idempotency_key=keys.idempotency_key(order.revision, product),
                effective_date=business_date(moment),
                product_ref=product,
                location=shop_dimension(self.platform, self.shop_ref),
                quantity=change,
                reason="SALE_SHIPPED" if change < 0 else "RETURN_RECEIVED",
                member_no=member,
                source_type="order",
                source_ref=ref,
            )
            movements.append((draft, origin))
        self._cost_of_sales(order, goods_targets(shipped, returned), origin, batch)  # may refuse the order
        batch.movements.extend(movements)
        batch.stats["orders"] += 1

    def _cost_of_sales(
        self, order: Order, quantities: dict[tuple[str, str], int], origin: Origin, batch: MappedBatch
    ) -> None:
        """Principal-model members: goods leaving stock cost the cooperative their purchase price (COGS)."""
        shop = shop_dimension(self.platform, self.shop_ref)
        target: dict[tuple[str, str | None, str | None, str | None], int] = Counter()
        for (product, member), quantity in quantities.items():
            if self.policy.member(member).model != "principal" or not quantity:
                continue
            cost = self._unit_cost(product)
            if cost is None:
                raise Unmappable("missing_unit_cost", f"product {product} has no unit_cost for the principal model")
            target[(COST_OF_GOODS_SOLD, member, shop, None)] -= quantity * cost
            target[(INVENTORY, None, shop, None)] += quantity * cost
        keys = self._keys("order", order.order_ref)
        ref = keys.source_ref("cogs")
        change = delta({k: v for k, v in target.items() if v}, self.posted.get(ref, {}))
        if change:
            entry = EntryDraft(
                idempotency_key=keys.idempotency_key(order.revision, "cogs"),
                effective_date=business_date(order.shipped_at or order.updated_at),
                lines=as_line_drafts(change),
                description=f"Cost of goods sold, order {order.order_ref}",
                source_type="order",
                source_ref=ref,
            )
            batch.entries.append((entry, origin))

    def _unit_cost(self, product_ref: str) -> int | None:
        if product_ref not in self.unit_costs:
            product = self.session.get(Product, product_ref)
            self.unit_costs[product_ref] = product.unit_cost if product else None
        return self.unit_costs[product_ref]

    def _settlement(self, settlement: Settlement, origin: Origin, batch: MappedBatch) -> None:
        self._check_currency(settlement.currency)
        if settlement.gross < 0:
            raise Unmappable("negative_amount", f"settlement gross {settlement.gross} is negative")
        order = self._known_order(settlement)
        held = order is not None and order.status is OrderStatus.CANCELLED
        if held:
            targets = held_targets(settlement, receivable_account(self.platform))
            batch.stats["settlements_held"] += 1
        else:
            keys = self._split_keys(settlement, order)
            policies = {m: self.policy.member(m) for m in keys.goods}
            targets = settlement_targets(settlement, keys, policies, receivable_account(self.platform))
        day = business_date(settlement.released_at)
        drafts = []
        document = self._keys("settlement", settlement.settlement_ref)
        for part, target in (("sale", targets.sale), ("commission", targets.commission)):
            ref = document.source_ref(part)
            posted = self.posted.get(ref, {})
            change = delta(target, posted)
            if not change:
                continue
            key = document.idempotency_key(settlement.revision, part)
            drafts.append((key, part, ref, change, bool(posted)))
        for key, part, ref, change, adjusting in drafts:
            description = (
                f"{'Adjustment' if adjusting else 'Settlement'} {self.platform} {settlement.settlement_ref}"
                f" rev {settlement.revision}: "
                + ("held for review, the order is cancelled" if held else _PART_TEXT[part])
            )
            entry = EntryDraft(
                idempotency_key=key,
                effective_date=day,
                lines=as_line_drafts(change),
                description=description,
                kind="ADJUSTMENT" if adjusting else "ENTRY",
                source_type="settlement",
                source_ref=ref,
            )
            batch.entries.append((entry, origin))
        batch.stats["settlements"] += 1

    def _wallet(self, movement: WalletMovement, origin: Origin, batch: MappedBatch) -> None:
        batch.stats["wallet_movements"] += 1
        if movement.kind is not WalletMovementKind.WITHDRAWAL or movement.status.upper() not in ("COMPLETED", ""):
            return
        self._check_currency(movement.currency)
        keys = self._keys("wallet", movement.movement_ref)
        ref = keys.source_ref()
        amount = to_minor(abs(movement.amount))
        shop = shop_dimension(self.platform, self.shop_ref)
        target = {
            (IN_TRANSIT, None, shop, None): amount,
            (receivable_account(self.platform), None, shop, None): -amount,
        }
        change = delta(target, self.posted.get(ref, {}))
        if change:
            entry = EntryDraft(
                idempotency_key=keys.idempotency_key("withdrawal"),  # a withdrawal has one revision: done
                effective_date=business_date(movement.occurred_at),
                lines=as_line_drafts(change),
                description=f"Withdrawal {movement.movement_ref} (bank ref {movement.bank_reference or '-'})",
                source_type="wallet",
                source_ref=ref,
            )
            batch.entries.append((entry, origin))

    # --- helpers -----------------------------------------------------------------------------------------

    def _keys(self, doc_type: str, external_id: str) -> DocumentKeys:
        return DocumentKeys(self.platform, self.shop_ref, doc_type, external_id)

    def _check_currency(self, currency: str) -> None:
        if currency != "IDR":
            raise Unmappable("unsupported_currency", f"currency {currency!r} is not IDR; the ledger books rupiah only")

    def _owner(self, sku_ref: str, seller_sku: str | None, day: date) -> tuple[str, str]:
        if not self.index.known_shop:
            raise Unmappable("unknown_shop", f"shop {self.platform}:{self.shop_ref} has no member mapping")
        owner = self.index.owner(sku_ref, seller_sku, day)
        if owner is None:
            raise Unmappable(
                "unknown_sku",
                f"SKU {sku_ref} (seller SKU {seller_sku or '-'}) of {self.platform}:{self.shop_ref} is not mapped",
            )
        member = self._active_member(owner.member_no, day)
        return owner.product_ref or f"{self.platform}:{self.shop_ref}:{sku_ref}", member

    def _active_member(self, member_no: str, day: date) -> str:
        """Refuse a member who had left by ``day``: every path to a member (SKU, shop, outlet) goes through here."""
        member = self.index.members.get(member_no)
        if member is not None and not member.active_on(day):
            raise Unmappable("member_exited", f"member {member_no} had left the cooperative by {day}")
        return member_no

    def _known_order(self, settlement: Settlement) -> Order | None:
        document = self.docs.get(("order", settlement.order_ref)) if settlement.order_ref else None
        return order_from_json(document.payload) if document is not None else None

    def _split_keys(self, settlement: Settlement, order: Order | None) -> SplitKeys:
        """Each member's merchandise amount in the order (the key that splits the settlement), the value of the
        items the order says came back, and who owns each SKU."""
        lines: list[tuple[str, str | None, Any]] = [(sku, None, amount) for sku, amount in settlement.line_gross]
        day = business_date(settlement.released_at)
        if order is not None:
            day = business_date(order.created_at)
            if not lines:
                lines = [(line.sku_ref, line.seller_sku, line.amount) for line in order.lines]
            else:
                sellers = {line.sku_ref: line.seller_sku for line in order.lines}
                lines = [(sku, sellers.get(sku), amount) for sku, _, amount in lines]
        if not lines:
            member = self.index.shop_member(day)
            if member is None:
                if not self.index.known_shop:
                    raise Unmappable("unknown_shop", f"shop {self.platform}:{self.shop_ref} has no member mapping")
                raise Unmappable(
                    "order_not_seen",
                    f"order {settlement.order_ref} is not known yet, so the settlement cannot be split by SKU owner",
                )
            return SplitKeys({self._active_member(member, day): max(1, to_minor(settlement.gross))})
        weights: dict[str, int] = Counter()
        owners: dict[str, str] = {}
        for sku, seller_sku, amount in lines:
            _, member = self._owner(sku, seller_sku, day)
            owners[sku] = member
            weights[member] += max(0, to_minor(amount))
        if not any(weights.values()):
            weights = Counter({member: 1 for member in weights})
        returned: dict[str, int] = Counter()
        if order is not None:
            back = dict(order.returned_quantities)
            for line in order.lines:
                quantity = min(back.get(line.sku_ref, 0), line.quantity)
                if quantity and line.sku_ref in owners:
                    returned[owners[line.sku_ref]] += to_minor(line.unit_price) * quantity
        return SplitKeys(dict(weights), dict(returned), owners)


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
