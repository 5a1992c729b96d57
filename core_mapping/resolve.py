"""Who owns a sale: resolve a shop's SKU (or the whole shop) to a product and member on a given date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core_mapping.models import ShopMapping, SkuMapping
from ledger.models import Member


@dataclass(frozen=True, slots=True)
class Owner:
    member_no: str
    product_ref: str | None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    status: str
    exit_date: date | None

    def active_on(self, day: date) -> bool:
        if self.exit_date is not None:
            return day <= self.exit_date
        return self.status in ("active", "extraordinary")


def _covers(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day <= end)


class MappingIndex:
    """All mappings of one shop, loaded once per batch; lookups are in memory."""

    def __init__(self, session: Session, platform: str, shop_ref: str) -> None:
        self.platform, self.shop_ref = platform, shop_ref
        self.shop_rows = session.scalars(
            select(ShopMapping).where(ShopMapping.platform == platform, ShopMapping.shop_ref == shop_ref)
        ).all()
        sku_rows = session.scalars(
            select(SkuMapping).where(SkuMapping.platform == platform, SkuMapping.shop_ref == shop_ref)
        ).all()
        self.by_sku: dict[str, list[SkuMapping]] = {}
        self.by_seller_sku: dict[str, list[SkuMapping]] = {}
        for row in sku_rows:
            if row.sku_ref:
                self.by_sku.setdefault(row.sku_ref, []).append(row)
            if row.seller_sku:
                self.by_seller_sku.setdefault(row.seller_sku, []).append(row)
        self.members = {
            no: MemberInfo(status, exit_date)
            for no, status, exit_date in session.execute(select(Member.member_no, Member.status, Member.exit_date))
        }

    @property
    def known_shop(self) -> bool:
        return bool(self.shop_rows or self.by_sku or self.by_seller_sku)

    def shop_member(self, day: date) -> str | None:
        return next((m.member_no for m in self.shop_rows if _covers(m.effective_from, m.effective_to, day)), None)

    def owner(self, sku_ref: str, seller_sku: str | None, day: date) -> Owner | None:
        """SKU mapping by platform SKU id first, then by seller SKU, then the shop's member."""
        for candidates in (self.by_sku.get(sku_ref, []), self.by_seller_sku.get(seller_sku or "", [])):
            for row in candidates:
                if _covers(row.effective_from, row.effective_to, day):
                    return Owner(row.member_no, row.product_ref)
        member = self.shop_member(day)
        return Owner(member, None) if member else None
