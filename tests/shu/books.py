"""Books for the SHU tests: the worked example of coop_accounting.md §1.4, posted the way the system posts it.

Members A/B/C are 0001/0002/0003. In 2025 their consigned sales (lines tagged ``member_volume``, refunds
``member_refund``) are 7 M / 2 M / 1 M net and their pokok + wajib at year end 1.5 M / 1.0 M / 0.5 M (imported
from a savings CSV); the cooperative's income statement for 2025 shows 12 M income less 2 M expenses = S 10 M.
"""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import Engine

from foundation.db import transaction
from ledger.members import register_member
from ledger.posting import EntryDraft, credit, debit, post_entries
from shu.savings import import_savings

YEAR = 2025
RAT_DAY = date(2026, 3, 14)
SAVINGS_CSV = """member_no,kind,amount,as_of
0001,pokok,500000,2025-01-02
0001,wajib,1000000,2025-01-02
0002,pokok,500000,2025-01-02
0002,wajib,500000,2025-01-02
0003,pokok,500000,2025-01-02
"""


def sale(key: str, member: str, gross: int, day: date) -> EntryDraft:
    """A consigned sale's member side: the shop's receivable against the member's payable, tagged as volume."""
    return EntryDraft(
        f"test:sale:{key}",
        day,
        (debit("1-1310", gross, shop_ref="shopee:1"), credit("2-1200", gross, member_no=member, tag="member_volume")),
        f"sale {key}",
    )


def refund(key: str, member: str, amount: int, day: date) -> EntryDraft:
    return EntryDraft(
        f"test:refund:{key}",
        day,
        (debit("2-1200", amount, member_no=member, tag="member_refund"), credit("1-1310", amount, shop_ref="shopee:1")),
        f"refund {key}",
    )


def worked_example_books(engine: Engine) -> None:
    with transaction(engine) as session:
        for member_no, name in (("0001", "A"), ("0002", "B"), ("0003", "C")):
            register_member(session, member_no, name, date(2024, 1, 1))
        import_savings(session, io.StringIO(SAVINGS_CSV), "savings.csv")
        results = post_entries(
            session,
            [
                sale("a1", "0001", 7_500_000, date(2025, 3, 1)),
                refund("a1", "0001", 500_000, date(2025, 4, 1)),
                sale("b1", "0002", 2_000_000, date(2025, 6, 1)),
                sale("c0", "0003", 900_000, date(2024, 12, 31)),  # last year: not 2025 volume
                sale("c1", "0003", 1_000_000, date(2025, 12, 31)),
                sale("c2", "0003", 800_000, date(2026, 1, 5)),  # next year
                EntryDraft(
                    "test:income", date(2025, 9, 30), (debit("1-1200", 12_000_000), credit("4-1300", 12_000_000))
                ),
                EntryDraft(
                    "test:salaries", date(2025, 10, 31), (debit("6-2000", 2_000_000), credit("1-1200", 2_000_000))
                ),
            ],
        )
        assert all(result.outcome == "created" for result in results), results
