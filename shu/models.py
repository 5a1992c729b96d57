"""Profit-sharing tables: every SHU computation with its frozen inputs, and the approval that posted one.

A computation row is a record of what was shown to the approver (inputs JSON, its sha256, the results); it is
never edited. ``shu_approvals`` holds at most one row per financial year: who approved which inputs hash, when
and through which channel, and when the closing entries were posted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from foundation.db import Base, BigIntKey


class ShuComputation(Base):
    __tablename__ = "shu_computations"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    inputs_hash: Mapped[str] = mapped_column(String(64), index=True)
    # Canonical JSON (sorted keys, no whitespace): sha256 of exactly this text is ``inputs_hash``.
    inputs_json: Mapped[str] = mapped_column(Text)
    results_json: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShuApproval(Base):
    __tablename__ = "shu_approvals"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    computation_id: Mapped[int] = mapped_column(ForeignKey("shu_computations.id", ondelete="RESTRICT"))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(120))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(20))  # 'cli' or 'airflow'
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    posting_date: Mapped[date] = mapped_column(Date)
    entries: Mapped[int] = mapped_column(Integer)
