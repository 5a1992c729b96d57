"""Mapping and processing state: products, shop/SKU → member mappings, the latest revision of every source
document, which landed pages were processed, and the quarantine.

None of this is the ledger: these rows may be updated (a document's latest revision, a quarantine item's
resolution). Posted entries live only in ``ledger`` and are never edited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from foundation.db import Base, BigIntKey


class Product(Base):
    """A product of the cooperative's catalogue, owned by one member (consigned goods stay the member's)."""

    __tablename__ = "products"

    product_ref: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    member_no: Mapped[str] = mapped_column(ForeignKey("members.member_no", ondelete="RESTRICT"))
    unit_cost: Mapped[int | None] = mapped_column(Integer, nullable=True)  # principal model: purchase cost


class ShopMapping(Base):
    """(platform, shop_ref) → member: every sale of the shop is that member's unless a SKU mapping says otherwise."""

    __tablename__ = "shop_mappings"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_ref: Mapped[str] = mapped_column(String(80))
    member_no: Mapped[str] = mapped_column(ForeignKey("members.member_no", ondelete="RESTRICT"))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (UniqueConstraint("platform", "shop_ref", "effective_from", name="uq_shop_mappings_period"),)


class SkuMapping(Base):
    """(platform, shop_ref, sku_ref or seller_sku) → product and owning member."""

    __tablename__ = "sku_mappings"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_ref: Mapped[str] = mapped_column(String(80))
    sku_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    seller_sku: Mapped[str | None] = mapped_column(String(80), nullable=True)
    product_ref: Mapped[str] = mapped_column(ForeignKey("products.product_ref", ondelete="RESTRICT"))
    member_no: Mapped[str] = mapped_column(ForeignKey("members.member_no", ondelete="RESTRICT"))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        UniqueConstraint("platform", "shop_ref", "sku_ref", "seller_sku", "effective_from", name="uq_sku_mappings_key"),
        Index("ix_sku_mappings_shop", "platform", "shop_ref"),
    )


class Document(Base):
    """The latest revision seen of each source document, as its canonical record (JSON)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_ref: Mapped[str] = mapped_column(String(80))
    doc_type: Mapped[str] = mapped_column(String(20))  # order | settlement | wallet | stock
    external_id: Mapped[str] = mapped_column(String(120))
    revision: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    raw_page_id: Mapped[int] = mapped_column(BigIntKey)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("platform", "shop_ref", "doc_type", "external_id", name="uq_documents_identity"),
    )


class ProcessedPage(Base):
    """A landed page whose records were mapped; written in the same transaction as their postings."""

    __tablename__ = "processed_pages"

    page_id: Mapped[int] = mapped_column(ForeignKey("raw_pages.id", ondelete="RESTRICT"), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    records: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)


class QuarantineItem(Base):
    """A record that could not be parsed, mapped or posted: kept with its reason until replayed or resolved."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_ref: Mapped[str] = mapped_column(String(80))
    stream: Mapped[str] = mapped_column(String(20))
    record_key: Mapped[str] = mapped_column(String(160))
    raw_page_id: Mapped[int] = mapped_column(ForeignKey("raw_pages.id", ondelete="RESTRICT"))
    stage: Mapped[str] = mapped_column(String(10))  # parse | map | post
    reason: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        UniqueConstraint("raw_page_id", "record_key", "stream", name="uq_quarantine_record"),
        Index("ix_quarantine_open", "resolved_at", "reason"),
    )
