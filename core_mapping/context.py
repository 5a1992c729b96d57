"""What every document rule reads while it maps one batch of one shop: the shop's mappings and members, its
policy, the documents already recorded and what the ledger already holds for them; and what a rule hands back.

The rules (``order_rule``, ``settlement_rule``, ``wallet_rule``, ``stock_rule``) are functions of this context
and a record, one module per document type, so a rule can be read (and changed) without the others.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from connectors.base.records import Order, Settlement
from core_mapping.documents import DocumentStore
from core_mapping.keys import DocumentKeys, shop_dimension
from core_mapping.models import Product
from core_mapping.policy import MemberPolicy, PolicyResolver
from core_mapping.quarantine import Problem
from core_mapping.resolve import MappingIndex
from core_mapping.serialize import order_from_json
from ledger.goods import MovementDraft
from ledger.posting import BUSINESS_TIMEZONE, EntryDraft
from ledger.queries import NetLines


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


class MappingContext:
    """One shop's mapping state for one batch; ``posted`` and ``goods`` are loaded by ``ShopMapper`` before
    any rule runs (what the ledger holds per source document, so a rule posts only the difference)."""

    def __init__(self, session: Session, policy: PolicyResolver, platform: str, shop_ref: str) -> None:
        self.session, self.policy, self.platform, self.shop_ref = session, policy, platform, shop_ref
        self.index = MappingIndex(session, platform, shop_ref)
        self.docs = DocumentStore(session, platform, shop_ref)
        self.unit_costs: dict[str, int | None] = {}
        self.member_policies: dict[str, MemberPolicy] = {}
        self.posted: dict[str, NetLines] = {}
        self.goods: dict[str, dict[tuple[str, str | None], int]] = {}

    @property
    def shop(self) -> str:
        return shop_dimension(self.platform, self.shop_ref)

    def keys(self, doc_type: str, external_id: str) -> DocumentKeys:
        return DocumentKeys(self.platform, self.shop_ref, doc_type, external_id)

    def check_currency(self, currency: str) -> None:
        if currency != "IDR":
            raise Unmappable("unsupported_currency", f"currency {currency!r} is not IDR; the ledger books rupiah only")

    def owner(self, sku_ref: str, seller_sku: str | None, day: date) -> tuple[str, str]:
        if not self.index.known_shop:
            raise Unmappable("unknown_shop", f"shop {self.platform}:{self.shop_ref} has no member mapping")
        owner = self.index.owner(sku_ref, seller_sku, day)
        if owner is None:
            raise Unmappable(
                "unknown_sku",
                f"SKU {sku_ref} (seller SKU {seller_sku or '-'}) of {self.platform}:{self.shop_ref} is not mapped",
            )
        member = self.active_member(owner.member_no, day)
        return owner.product_ref or f"{self.platform}:{self.shop_ref}:{sku_ref}", member

    def active_member(self, member_no: str, day: date) -> str:
        """Refuse a member who had left by ``day``: every path to a member (SKU, shop, outlet) goes through here."""
        member = self.index.members.get(member_no)
        if member is not None and not member.active_on(day):
            raise Unmappable("member_exited", f"member {member_no} had left the cooperative by {day}")
        return member_no

    def member_policy(self, member_no: str) -> MemberPolicy:
        """The member's policy, resolved once per batch (layering the overrides is not free: a model dump each)."""
        policy = self.member_policies.get(member_no)
        if policy is None:
            policy = self.member_policies[member_no] = self.policy.member(member_no)
        return policy

    def known_order(self, settlement: Settlement) -> Order | None:
        document = self.docs.get(("order", settlement.order_ref)) if settlement.order_ref else None
        return order_from_json(document.payload) if document is not None else None

    def unit_cost(self, product_ref: str) -> int | None:
        if product_ref not in self.unit_costs:
            product = self.session.get(Product, product_ref)
            self.unit_costs[product_ref] = product.unit_cost if product else None
        return self.unit_costs[product_ref]
