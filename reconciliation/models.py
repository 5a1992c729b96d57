"""Reconciliation tables: imported bank statements, withdrawal ↔ bank matches, variances and their audit trail.

Bank lines, matches and audit entries are facts: written once and never updated or deleted (database
triggers in migration 0020 refuse it). Variances are working state: their status, numbers and age change as
the matching re-runs and as finance resolves them; every change of status is in the audit trail.
Amounts are integer ledger units (whole rupiah), like the ledger's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from foundation.db import Base, BigIntKey

STATUSES = ("open", "resolved", "accepted", "written_off")


class BankFile(Base):
    """One imported bank statement file (the same file imported twice is recorded twice, adding no lines)."""

    __tablename__ = "recon_bank_files"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lines_read: Mapped[int] = mapped_column(Integer)
    lines_new: Mapped[int] = mapped_column(Integer)
    first_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (UniqueConstraint("account", "sha256", name="uq_recon_bank_files_content"),)


class BankLine(Base):
    """One line of a bank statement. ``line_key`` = account|date|amount|reference|n-th identical line."""

    __tablename__ = "recon_bank_lines"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(40))
    line_key: Mapped[str] = mapped_column(String(255), unique=True)
    booked_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # signed: + credit into the account
    reference: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int] = mapped_column(Integer, default=1)
    file_id: Mapped[int] = mapped_column(ForeignKey("recon_bank_files.id", ondelete="RESTRICT"))
    file_line: Mapped[int] = mapped_column(Integer)  # line number in the file, for people opening it

    __table_args__ = (CheckConstraint("amount <> 0", name="amount_nonzero"),)


class BankMatch(Base):
    """A withdrawal found on the bank statement; the entry moved it from money in transit to the bank."""

    __tablename__ = "recon_bank_matches"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    bank_line_id: Mapped[int] = mapped_column(ForeignKey("recon_bank_lines.id", ondelete="RESTRICT"), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_ref: Mapped[str] = mapped_column(String(80))
    movement_ref: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))  # reference | amount_date
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id", ondelete="RESTRICT"))
    matched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("platform", "shop_ref", "movement_ref", name="uq_recon_bank_matches_withdrawal"),
    )


class Variance(Base):
    """Something that did not reconcile. The id is derived from category, platform, shop and document refs,
    so re-running the matching finds the same variance again instead of adding a new one."""

    __tablename__ = "recon_variances"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    platform: Mapped[str | None] = mapped_column(String(20), nullable=True)
    shop_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    bank_account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    subject: Mapped[str] = mapped_column(String(160))  # the document a person looks up first
    occurred_on: Mapped[date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(4), default="IDR")  # IDR, or pcs for stock
    expected: Mapped[int] = mapped_column(BigInteger)
    actual: Mapped[int] = mapped_column(BigInteger)
    difference: Mapped[int] = mapped_column(BigInteger)  # actual − expected: negative = less arrived
    age_days: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="open")
    resolution: Mapped[str | None] = mapped_column(String(12), nullable=True)  # adjust, write-off, accept, cleared
    links: Mapped[str] = mapped_column(Text, default="{}")  # JSON: documents, raw pages, bank lines, entries
    detail: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        CheckConstraint("status IN ('open','resolved','accepted','written_off')", name="status"),
        CheckConstraint("difference = actual - expected", name="difference"),
        Index("ix_recon_variances_status", "status", "category"),
        Index("ix_recon_variances_shop", "platform", "shop_ref"),
    )


class AuditEntry(Base):
    """Who did what to a variance, when, why, and what came of it; append-only (also the no-op repeats)."""

    __tablename__ = "recon_audit"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    variance_id: Mapped[str] = mapped_column(ForeignKey("recon_variances.id", ondelete="RESTRICT"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id", ondelete="RESTRICT"), nullable=True)


IMMUTABLE_TABLES = ("recon_bank_lines", "recon_bank_matches", "recon_audit")
