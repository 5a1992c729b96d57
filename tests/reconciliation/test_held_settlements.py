"""A settled cancelled order is held in 2-1700 by the posting rules; finance resolves it with an entry."""

from __future__ import annotations

from datetime import date

from foundation.config import parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.posting import EntryDraft, credit, debit, post_entry
from ledger.reports import trial_balance
from reconciliation.actions import resolve_variance
from reconciliation.categories import VarianceDraft
from reconciliation.variance_store import save_variances

AS_OF = date(2026, 2, 20)
SHOP = "shopee:100"


def held_variance() -> VarianceDraft:
    return VarianceDraft(
        "cancelled_order_settled", "shopee", "100", ("C-1",), "order C-1", date(2026, 1, 6), 0, 183_000
    )


def books(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return {row.code: row.net_debit for row in trial_balance(session) if row.net_debit}


def hold(engine) -> None:  # type: ignore[no-untyped-def]
    """What the posting rules book for the settlement of a cancelled order (core_mapping.rules.held_targets)."""
    with transaction(engine) as session:
        lines = (debit("1-1310", 183_000, shop_ref=SHOP), credit("2-1700", 183_000, shop_ref=SHOP))
        post_entry(session, EntryDraft("held", date(2026, 1, 6), lines, source_type="settlement", source_ref="held"))
        save_variances(session, [held_variance()], AS_OF)


def resolve(engine, action: str):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return resolve_variance(session, parse_config({}), held_variance().id, action, "reviewed", "andi", today=AS_OF)


def test_adjusting_moves_the_held_money_to_the_claims_account_once(engine):
    hold(engine)
    outcome = resolve(engine, "adjust")
    assert outcome.outcome == "posted" and "Dr 2-1700 / Cr 1-1800 183000" in outcome.message
    assert books(engine) == {"1-1310": 183_000, "1-1800": -183_000}
    assert resolve(engine, "adjust").outcome == "no-op"
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_writing_off_takes_the_held_money_to_other_income(engine):
    hold(engine)
    assert resolve(engine, "write-off").outcome == "posted"
    assert books(engine) == {"1-1310": 183_000, "4-9000": -183_000}
