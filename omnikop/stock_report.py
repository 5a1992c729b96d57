"""The stock across channels as the reports show it: ``stock.levels`` rows flattened into the reconciliation
report's plain ``StockLevelRow``s (one per product, location and channel), and a member's goods for the member
statement.

This lives in the shell because it joins layers that may not know each other: reconciliation may not import
``stock`` (tests/test_layers.py), and members does not read stock, so the CLI, the reconciliation DAG and the
demo compute the rows here and pass them in.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from foundation.config import OmnikopConfig
from members.statement import MemberGoods
from reconciliation.report.stock_levels import NO_PUSH, StockLevelRow
from stock.levels import StockRow, stock_rows


def stock_level_rows(session: Session, config: OmnikopConfig) -> list[StockLevelRow]:
    """Every product's position with each channel's offer, last push and mismatch (``StockRow.mismatched``)."""
    return [row for stock_row in stock_rows(session, config) for row in _flatten(stock_row)]


def _flatten(row: StockRow) -> list[StockLevelRow]:
    p = row.position
    base = StockLevelRow(
        p.product_ref, row.member_no or "", p.location, p.on_hand, p.reserved, p.buffer, p.available, p.oversold
    )
    if not row.channels:
        return [base]
    mismatched = set(row.mismatched())
    flat = []
    for channel, offered in sorted(row.channels.items()):
        push = row.pushed.get(channel)
        flat.append(
            replace(
                base,
                channel=channel,
                offered=offered,
                pushed=push.quantity if push else None,
                push_state=push.state if push else NO_PUSH,
                acknowledged=push.acknowledged if push else None,
                mismatch=channel in mismatched,
            )
        )
    return flat


def member_goods(session: Session, config: OmnikopConfig, member_no: str) -> list[MemberGoods]:
    """The member's goods held for sale: on hand, reserved, available and each channel's offer."""
    return [
        MemberGoods(p.product_ref, p.location, p.on_hand, p.reserved, p.available, row.channels)
        for row in stock_rows(session, config, member_no)
        for p in [row.position]
    ]
