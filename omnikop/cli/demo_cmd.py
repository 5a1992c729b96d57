"""``omnikop demo``: the README's main job on embedded defaults."""

from __future__ import annotations

from datetime import date

from rich.table import Table
from sqlalchemy import select

from ledger.chart import read_chart
from ledger.check import check_ledger
from ledger.members import register_member
from ledger.models import Member
from ledger.money import format_idr
from ledger.posting import EntryDraft, credit, debit, post_entries
from ledger.reports import trial_balance
from omnikop import migrate
from omnikop.cli.common import console, engine, redacted_url
from omnikop.cli.ledger_cmd import render_trial_balance
from omnikop.db import transaction

SAMPLE_MEMBER = "0001"
SAMPLE_SHOP = "shopee:demo-0001"


def sample_entries() -> list[EntryDraft]:
    """coop_accounting.md §1.10 B: a Rp200 000 consigned sale, fees Rp16 000, PPh 22 Rp1 000, commission 10 %."""
    day = date(2026, 1, 5)
    member = {"member_no": SAMPLE_MEMBER}
    return [
        EntryDraft(
            "demo:sample:B1",
            day,
            (
                debit("1-1310", 183_000, shop_ref=SAMPLE_SHOP),
                debit("1-1600", 1_000),
                debit("2-1200", 16_000, **member),
                credit("2-1200", 200_000, tag="member_volume", **member),
            ),
            "B1 order completed: gross to member, fees recharged, PPh 22 prepaid",
        ),
        EntryDraft(
            "demo:sample:B2",
            day,
            (debit("2-1200", 20_000, **member), credit("4-1300", 20_000)),
            "B2 coop commission 10 %",
        ),
        EntryDraft(
            "demo:sample:B3",
            date(2026, 1, 8),
            (debit("1-1200", 183_000), credit("1-1310", 183_000, shop_ref=SAMPLE_SHOP)),
            "B3 payout lands",
        ),
        EntryDraft(
            "demo:sample:B4",
            date(2026, 1, 9),
            (debit("2-1200", 164_000, **member), credit("1-1200", 164_000)),
            "B4 remit to member 0001",
        ),
    ]


def demo() -> None:
    """Create the database, print the chart of accounts and post a sample balanced consignment sale."""
    db = engine()
    console.rule("omnikop demo")
    console.print(f"[1/4] migrating {redacted_url(db)}")
    migrate.upgrade(db)
    console.print("[2/4] chart of accounts (bagan akun)")
    chart = Table(show_lines=False)
    for heading in ("Kode", "Akun", "Jenis", "Saldo normal", "Subledger"):
        chart.add_column(heading)
    for spec in read_chart():
        if spec.postable:
            chart.add_row(spec.code, spec.name, spec.type, spec.normal_side, spec.dimension or "")
    console.print(chart)
    console.print("[3/4] posting the worked example of coop_accounting.md §1.10 B (idempotent)")
    with transaction(db) as session:
        if session.scalar(select(Member).where(Member.member_no == SAMPLE_MEMBER)) is None:
            register_member(session, SAMPLE_MEMBER, "Ibu Sari (Keripik Sari)", date(2024, 3, 1))
        results = post_entries(session, sample_entries())
        for draft, result in zip(sample_entries(), results, strict=True):
            console.print(f"  {result.outcome:8} entry {result.entry_id}: {draft.description}")
            for line in draft.lines:
                side = "Dr" if line.side == "D" else "   Cr"
                dims = " ".join(filter(None, [line.member_no and f"member {line.member_no}", line.shop_ref]))
                console.print(f"      {side} {line.account} {format_idr(line.amount):>12} {dims}")
        console.print(render_trial_balance(trial_balance(session)))
        report = check_ledger(session)
    console.print(f"[4/4] {report.summary()}")
