"""Ledger tables: chart of accounts, members, journal entries and lines, goods movements, closed periods.

Amounts are integer ledger units (whole rupiah for IDR, see ``ledger.money``). Posted rows are never updated
or deleted: the application has no code path for it and database triggers (``ledger.triggers``) refuse it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from foundation.db import Base, BigIntKey


class Account(Base):
    """One account of the koperasi chart (coop_accounting.md §1.9); only detail accounts are postable."""

    __tablename__ = "accounts"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(12))
    normal_side: Mapped[str] = mapped_column(String(1))
    postable: Mapped[bool] = mapped_column(Boolean, default=True)
    # 'member': every line must name a member (subledger = control); 'shop': every line names a shop.
    dimension: Mapped[str | None] = mapped_column(String(10), nullable=True)
    parent_code: Mapped[str | None] = mapped_column(String(10), nullable=True)

    __table_args__ = (
        CheckConstraint("type IN ('ASSET','LIABILITY','EQUITY','REVENUE','EXPENSE')", name="type"),
        CheckConstraint("normal_side IN ('D','C')", name="normal_side"),
        CheckConstraint("dimension IS NULL OR dimension IN ('member','shop')", name="dimension"),
    )


class Member(Base):
    """A cooperative member; ``member_no`` is immutable and never reused, exits keep history."""

    __tablename__ = "members"

    member_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    join_date: Mapped[date] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("status IN ('active','exited','deceased','extraordinary')", name="status"),)


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12), default="ENTRY")
    effective_date: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    description: Mapped[str] = mapped_column(Text, default="")
    source_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source_ref: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True, nullable=True
    )

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.line_no", lazy="selectin"
    )

    __table_args__ = (CheckConstraint("kind IN ('ENTRY','REVERSAL','ADJUSTMENT')", name="kind"),)


class JournalLine(Base):
    __tablename__ = "journal_lines"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id", ondelete="RESTRICT"))
    line_no: Mapped[int] = mapped_column(SmallInteger)
    account_code: Mapped[str] = mapped_column(ForeignKey("accounts.code", ondelete="RESTRICT"))
    side: Mapped[str] = mapped_column(String(1))
    amount: Mapped[int] = mapped_column(BigInteger)
    member_no: Mapped[str | None] = mapped_column(ForeignKey("members.member_no", ondelete="RESTRICT"), nullable=True)
    shop_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Marks lines that count toward a member's SHU transaction volume (design §5), e.g. 'member_volume'.
    tag: Mapped[str | None] = mapped_column(String(40), nullable=True)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("side IN ('D','C')", name="side"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_journal_lines_entry", "entry_id", "line_no", unique=True),
        Index("ix_journal_lines_account_member", "account_code", "member_no"),
        Index("ix_journal_lines_member", "member_no"),
    )


class GoodsMovement(Base):
    """Unit ledger: quantities of a product by owner and location; same idempotency rules as entries."""

    __tablename__ = "goods_movements"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    product_ref: Mapped[str] = mapped_column(String(80), index=True)
    member_no: Mapped[str | None] = mapped_column(ForeignKey("members.member_no", ondelete="RESTRICT"), nullable=True)
    location: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    source_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source_ref: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    reverses_movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("goods_movements.id", ondelete="RESTRICT"), unique=True, nullable=True
    )

    __table_args__ = (CheckConstraint("quantity <> 0", name="quantity_nonzero"),)


class ClosedPeriod(Base):
    """Books are closed through ``closed_through`` (inclusive); postings dated on or before it are refused."""

    __tablename__ = "closed_periods"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    closed_through: Mapped[date] = mapped_column(Date, unique=True)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")


def table_of(model: type[DeclarativeBase]) -> Table:
    """A mapped class's table, typed as the ``Table`` it is (``__table__`` is declared as a ``FromClause``)."""
    return cast(Table, model.__table__)
