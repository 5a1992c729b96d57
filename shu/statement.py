"""A member's SHU on their statement: the year's JUA and JMA with the basis they were computed from.

Reads the stored computation — the approved one once the year is posted, otherwise the latest (marked as a
draft) — so the statement shows the very figures the RAT saw, not a recomputation.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.money import format_idr
from shu.models import ShuApproval, ShuComputation


@dataclass(frozen=True, slots=True)
class MemberShu:
    """One member's SHU for a year with its basis (Va/VUK × JUA + Sa/TMS × JMA), for the member statement."""

    year: int
    status: str  # 'posted' or 'draft (not approved)'
    inputs_hash: str
    volume: int
    total_volume: int
    jua_pool: int
    jua: int
    capital: int
    total_capital: int
    jma_pool: int
    jma: int
    eligible: bool
    reason: str

    @property
    def total(self) -> int:
        return self.jua + self.jma


def member_shu_html(shu: MemberShu) -> str:
    """The statement's SHU section: the member's JUA and JMA with the figures they were computed from."""
    rows = [
        ("Volume transaksi anggota (Va)", format_idr(shu.volume)),
        ("Volume transaksi semua anggota berhak (VUK)", format_idr(shu.total_volume)),
        ("Pool jasa usaha (JUA)", format_idr(shu.jua_pool)),
        ("Bagian JUA = Va / VUK × JUA", format_idr(shu.jua)),
        ("Modal anggota: pokok + wajib (Sa)", f"{shu.capital:,}".replace(",", ".")),
        ("Modal semua anggota berhak (TMS)", f"{shu.total_capital:,}".replace(",", ".")),
        ("Pool jasa modal (JMA)", format_idr(shu.jma_pool)),
        ("Bagian JMA = Sa / TMS × JMA", format_idr(shu.jma)),
    ]
    body = "".join(f"<tr><td>{label}</td><td class='n'>{value}</td></tr>" for label, value in rows)
    eligibility = "" if shu.eligible else f"<p>Tidak berhak: {html.escape(shu.reason)}</p>"
    return f"""<table><caption>SHU tahun buku {shu.year} ({html.escape(shu.status)})</caption>
{body}<tr><th>SHU anggota</th><th class="n">{format_idr(shu.total)}</th></tr></table>{eligibility}
<p>Hash input: <code>{shu.inputs_hash[:16]}…</code></p>
"""


def member_shu(session: Session, member_no: str, through_year: int) -> MemberShu | None:
    """The member's SHU for the latest financial year up to ``through_year`` that has a computation."""
    year = session.scalar(
        select(ShuComputation.year)
        .where(ShuComputation.year <= through_year)
        .order_by(ShuComputation.year.desc())
        .limit(1)
    )
    if year is None:
        return None
    approval = session.scalars(select(ShuApproval).where(ShuApproval.year == year)).first()
    if approval is not None:
        computation, status = session.get(ShuComputation, approval.computation_id), "diposting"
    else:
        query = select(ShuComputation).where(ShuComputation.year == year).order_by(ShuComputation.id.desc())
        computation, status = session.scalars(query.limit(1)).first(), "draf, belum disetujui RAT"
    assert computation is not None
    results = json.loads(computation.results_json)
    row = next((m for m in results["members"] if m["member_no"] == member_no), None)
    if row is None:
        return None
    pools = {pool["component"]: pool for pool in results["pools"]}
    return MemberShu(
        year=year,
        status=status,
        inputs_hash=computation.inputs_hash,
        volume=row["volume"],
        total_volume=results["totals"]["volume"],
        jua_pool=pools["jasa_usaha"]["to_members"],
        jua=row["jua"],
        capital=row["capital"],
        total_capital=results["totals"]["capital"],
        jma_pool=pools["jasa_modal"]["to_members"],
        jma=row["jma"],
        eligible=row["eligible"],
        reason=row["reason"],
    )
