"""Small builders shared by the ledger tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from foundation.db import transaction
from ledger.members import register_member
from ledger.posting import EntryDraft, credit, debit

DAY = date(2026, 1, 5)


def add_members(engine: Engine, *member_nos: str) -> None:
    with transaction(engine) as session:
        for member_no in member_nos:
            register_member(session, member_no, f"Member {member_no}", date(2024, 1, 1))


def consignment_sale(key: str, gross: int = 200_000, *, member: str = "0001", day: date = DAY) -> EntryDraft:
    """Worked example B1 scaled to ``gross``: 8 % fees, 0.5 % PPh 22, net to the marketplace receivable."""
    fees, pph22 = gross * 8 // 100, gross // 200
    return EntryDraft(
        key,
        day,
        (
            debit("1-1310", gross - fees - pph22, shop_ref="shopee:1"),
            debit("1-1600", pph22),
            debit("2-1200", fees, member_no=member),
            credit("2-1200", gross, member_no=member, tag="member_volume"),
        ),
        f"sale {key}",
    )
