"""Member statements: what a member sold per channel, what was deducted, what they are owed and were paid,
and their SHU for the latest financial year computed up to the period's year, with its JUA/JMA basis.

Figures come from the ledger's member lines (2-1200 consignment payable, or principal-model revenue and
returns lines carrying the member), by their tags: ``member_volume`` (gross), ``member_refund``,
``marketplace_fee``, ``pph22`` (recharged), ``coop_commission``, ``member_payout``; ``member_refund_shared`` is a
refund of a multi-member order that the platform did not attribute to an item, spread by goods value: the
statement counts it with the refunds and says how much of them it is.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core_mapping.policy import CONSIGNMENT_PAYABLE, MEMBER_GOODS_REVENUE
from core_mapping.rules import RETURNS_AND_ALLOWANCES
from ledger.models import JournalEntry, JournalLine, Member
from ledger.money import format_idr
from shu.statement import MemberShu, member_shu, member_shu_html

# Accounts whose member lines tell the member's side of a sale (consignment payable; principal revenue/returns).
MEMBER_SIDE_ACCOUNTS = (CONSIGNMENT_PAYABLE, MEMBER_GOODS_REVENUE, RETURNS_AND_ALLOWANCES)


@dataclass
class ChannelFigures:
    gross: int = 0
    refunds: int = 0
    refunds_shared: int = 0  # of ``refunds``: spread over an order's members, the platform naming no item
    fees: int = 0
    pph22: int = 0
    commission: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunds - self.fees - self.pph22 - self.commission


@dataclass(frozen=True)
class MemberGoods:
    """The member's goods held for sale (filled from ``stock/`` by the caller: members does not read stock)."""

    product_ref: str
    location: str
    on_hand: int
    reserved: int
    available: int
    channels: dict[str, int]  # "platform:shop_ref" → units offered there


@dataclass
class MemberStatement:
    member_no: str
    name: str
    start: date
    end: date
    channels: dict[str, ChannelFigures] = field(default_factory=lambda: defaultdict(ChannelFigures))
    paid_out: int = 0
    opening_balance: int = 0
    closing_balance: int = 0
    shu: MemberShu | None = None
    goods: list[MemberGoods] = field(default_factory=list)

    @property
    def total(self) -> ChannelFigures:
        total = ChannelFigures()
        for figures in self.channels.values():
            for name in ("gross", "refunds", "refunds_shared", "fees", "pph22", "commission"):
                setattr(total, name, getattr(total, name) + getattr(figures, name))
        return total


def member_statement(session: Session, member_no: str, start: date, end: date) -> MemberStatement:
    member = session.get(Member, member_no)
    if member is None:
        raise LookupError(f"member {member_no} does not exist")
    statement = MemberStatement(member_no, member.name, start, end)
    credit = func.sum(case((JournalLine.side == "C", JournalLine.amount), else_=0))
    debit = func.sum(case((JournalLine.side == "D", JournalLine.amount), else_=0))
    query = (
        select(JournalLine.tag, JournalLine.shop_ref, credit, debit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.member_no == member_no,
            JournalEntry.effective_date.between(start, end),
            JournalLine.tag.is_not(None),
            JournalLine.account_code.in_(MEMBER_SIDE_ACCOUNTS),
        )
        .group_by(JournalLine.tag, JournalLine.shop_ref)
    )
    for tag, shop_ref, credits, debits in session.execute(query):
        channel = statement.channels[(shop_ref or "other").split(":")[0]]
        credits, debits = int(credits or 0), int(debits or 0)
        if tag == "member_volume":
            channel.gross += credits - debits
        elif tag == "member_refund":
            channel.refunds += debits - credits
        elif tag == "member_refund_shared":
            channel.refunds += debits - credits
            channel.refunds_shared += debits - credits
        elif tag == "marketplace_fee":
            channel.fees += debits - credits
        elif tag == "pph22":
            channel.pph22 += debits - credits
        elif tag == "coop_commission":
            channel.commission += debits - credits
        elif tag == "member_payout":
            statement.paid_out += debits - credits
    statement.opening_balance = _payable(session, member_no, before=start)
    statement.closing_balance = _payable(session, member_no, before=None, through=end)
    statement.channels = {k: v for k, v in statement.channels.items() if k != "other" or any(vars(v).values())}
    statement.shu = member_shu(session, member_no, end.year)
    return statement


def _payable(session: Session, member_no: str, *, before: date | None = None, through: date | None = None) -> int:
    """What the cooperative owes the member on consignment (credit balance of 2-1200 for the member)."""
    signed = func.coalesce(func.sum(case((JournalLine.side == "C", JournalLine.amount), else_=-JournalLine.amount)), 0)
    query = (
        select(signed)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.member_no == member_no, JournalLine.account_code == CONSIGNMENT_PAYABLE)
    )
    if before is not None:
        query = query.where(JournalEntry.effective_date < before)
    if through is not None:
        query = query.where(JournalEntry.effective_date <= through)
    return int(session.scalar(query) or 0)


HEADINGS = "".join(
    f"<th>{heading}</th>"
    for heading in (
        "Kanal",
        "Penjualan bruto",
        "Retur/refund",
        "Biaya marketplace",
        "PPh 22",
        "Komisi koperasi",
        "Hak anggota",
    )
)


def _shared_refund_note(amount: int) -> str:
    if not amount:
        return ""
    return (
        f'<p class="note">Dari retur/refund di atas, {format_idr(amount)} dibagi menurut nilai barang di antara'
        " anggota dalam pesanan yang sama, karena platform tidak menyebut barang mana yang dikembalikan.</p>"
    )


def render_html(statement: MemberStatement) -> str:
    rows = []
    for channel, figures in sorted(statement.channels.items()) + [("Jumlah", statement.total)]:
        cells = [figures.gross, figures.refunds, figures.fees, figures.pph22, figures.commission, figures.net]
        tag = "th" if channel == "Jumlah" else "td"
        rows.append(
            f"<tr><{tag}>{html.escape(channel)}</{tag}>"
            + "".join(f'<{tag} class="n">{format_idr(v)}</{tag}>' for v in cells)
            + "</tr>"
        )
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Laporan anggota {html.escape(statement.member_no)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #ccc;padding:.35rem .6rem}}.n{{text-align:right;font-variant-numeric:tabular-nums}}
caption{{text-align:left;font-weight:600;margin-bottom:.4rem}}</style></head><body>
<h1>Laporan anggota {html.escape(statement.member_no)} — {html.escape(statement.name)}</h1>
<p>Periode {statement.start.isoformat()} s.d. {statement.end.isoformat()}</p>
<table><caption>Penjualan per kanal (barang titipan)</caption>
<tr>{HEADINGS}</tr>
{"".join(rows)}</table>
{_shared_refund_note(statement.total.refunds_shared)}
<table><caption>Saldo utang konsinyasi kepada anggota</caption>
<tr><td>Saldo awal</td><td class="n">{format_idr(statement.opening_balance)}</td></tr>
<tr><td>Hak anggota periode ini</td><td class="n">{format_idr(statement.total.net)}</td></tr>
<tr><td>Dibayarkan</td><td class="n">{format_idr(statement.paid_out)}</td></tr>
<tr><th>Saldo akhir</th><th class="n">{format_idr(statement.closing_balance)}</th></tr></table>
{_goods_html(statement.goods)}
{member_shu_html(statement.shu) if statement.shu else ""}</body></html>
"""


def _goods_html(goods: list[MemberGoods]) -> str:
    """The member sees their goods: what the store holds, what buyers have reserved, what each channel offers."""
    if not goods:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(g.product_ref)}</td><td>{html.escape(g.location)}</td>"
        + "".join(f'<td class="n">{v}</td>' for v in (g.on_hand, g.reserved, g.available))
        + f"<td>{html.escape(', '.join(f'{c}: {q}' for c, q in sorted(g.channels.items())) or '-')}</td></tr>"
        for g in goods
    )
    return (
        "<table><caption>Barang titipan di toko koperasi</caption><tr><th>Produk</th><th>Lokasi</th><th>Stok</th>"
        f"<th>Dipesan</th><th>Tersedia</th><th>Ditawarkan per kanal</th></tr>{rows}</table>"
    )
