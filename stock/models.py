"""Push state per channel SKU: what omnikop last asked the channel to show and whether the channel took it.

Mutable processing state, not the ledger (like ``core_mapping.models.Document``). A row is written
``pending`` *before* the call and set ``acknowledged`` (or ``failed``) from the channel's answer, in the same
transaction that lands the answer; a worker killed in between leaves it pending, and the next cycle pushes the
same absolute quantity again (a set, never an add).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from foundation.db import Base, BigIntKey


class StockPush(Base):
    __tablename__ = "stock_pushes"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_ref: Mapped[str] = mapped_column(String(80))
    sku_ref: Mapped[str] = mapped_column(String(80))
    product_ref: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)  # the last quantity sent (or about to be sent)
    state: Mapped[str] = mapped_column(String(16))  # pending | acknowledged | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pushed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    raw_page_id: Mapped[int | None] = mapped_column(BigIntKey, nullable=True)  # the landed answer
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (UniqueConstraint("platform", "shop_ref", "sku_ref", name="uq_stock_pushes_sku"),)
