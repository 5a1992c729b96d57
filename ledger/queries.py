"""What the ledger already holds for given source documents (used to post only the difference)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger.bulk import any_of, key_chunks
from ledger.models import GoodsMovement, JournalEntry, JournalLine

NetLines = dict[tuple[str, str | None, str | None, str | None], int]


def net_lines_by_source(session: Session, source_refs: Sequence[str]) -> dict[str, NetLines]:
    """Per source document: signed totals (debit +) by (account, member, shop, tag) over all its entries."""
    signed = func.sum(case((JournalLine.side == "D", JournalLine.amount), else_=-JournalLine.amount))
    result: dict[str, NetLines] = defaultdict(dict)
    refs = list(dict.fromkeys(source_refs))
    for chunk in key_chunks(refs):
        query = (
            select(
                JournalEntry.source_ref,
                JournalLine.account_code,
                JournalLine.member_no,
                JournalLine.shop_ref,
                JournalLine.tag,
                signed,
            )
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(any_of(session, JournalEntry.source_ref, chunk))
            .group_by(
                JournalEntry.source_ref,
                JournalLine.account_code,
                JournalLine.member_no,
                JournalLine.shop_ref,
                JournalLine.tag,
            )
        )
        for ref, account, member, shop, tag, amount in session.execute(query):
            if amount:
                result[ref][(account, member, shop, tag)] = int(amount)
    return result


def goods_by_source(session: Session, source_refs: Sequence[str]) -> dict[str, dict[tuple[str, str | None], int]]:
    """Per source document: net quantity by (product_ref, member_no) over all its goods movements."""
    result: dict[str, dict[tuple[str, str | None], int]] = defaultdict(dict)
    refs = list(dict.fromkeys(source_refs))
    for chunk in key_chunks(refs):
        query = (
            select(
                GoodsMovement.source_ref,
                GoodsMovement.product_ref,
                GoodsMovement.member_no,
                func.sum(GoodsMovement.quantity),
            )
            .where(any_of(session, GoodsMovement.source_ref, chunk))
            .group_by(GoodsMovement.source_ref, GoodsMovement.product_ref, GoodsMovement.member_no)
        )
        for ref, product, member, quantity in session.execute(query):
            if quantity and ref is not None:  # never None: the query selects by source_ref
                result[ref][(product, member)] = int(quantity)
    return result
