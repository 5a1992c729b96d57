"""Money in transit reaches the bank: each new withdrawal ↔ bank credit match posts Dr bank / Cr 1-1350
(coop_accounting.md §3.1 item 9: "payout in transit" is zero once the bank statement is matched).

Idempotent twice over: the entry's key is derived from the withdrawal, and the match row is unique per
withdrawal and per bank line. A match whose bank date lies in a closed period is posted on the first open
day instead (corrections go into the open period).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core_mapping.keys import DocumentKeys, shop_dimension
from core_mapping.policy import IN_TRANSIT, receivable_account
from ledger.periods import closed_through
from ledger.posting import EntryDraft, credit, debit, post_entry
from reconciliation.models import BankMatch
from reconciliation.sources import MATCH_COLUMNS

SOURCE_TYPE = "reconciliation"


def posting_day(match: Mapping[str, Any], first_open_day: date | None) -> date:
    """The bank line's date, or the first open day when that date lies in a closed period."""
    day: date = match["booked_on"]
    return first_open_day if first_open_day is not None and day < first_open_day else day


def bank_match_draft(match: Mapping[str, Any], bank_account: str, first_open_day: date | None) -> EntryDraft:
    platform, shop, ref, amount = match["platform"], match["shop_ref"], match["movement_ref"], match["amount"]
    shop_dim = shop_dimension(platform, shop)
    day = posting_day(match, first_open_day)
    return EntryDraft(
        idempotency_key=f"recon:bank-match:{platform}:{shop}:{ref}",
        effective_date=day,
        lines=(debit(bank_account, amount, shop_ref=shop_dim), credit(IN_TRANSIT, amount, shop_ref=shop_dim)),
        description=f"Withdrawal {ref} of {shop_dim} received in bank {match['account']} ({match['method']} match)",
        source_type=SOURCE_TYPE,
        source_ref=DocumentKeys(platform, shop, "wallet", ref).source_ref("bank"),
    )


def payment_match_draft(match: Mapping[str, Any], bank_account: str, first_open_day: date | None) -> EntryDraft:
    """A buyer's transfer/QRIS payment reached the bank: Dr bank / Cr the channel's clearing, by what the bank
    shows (a difference stays in the clearing as the payments level's variance)."""
    platform, shop, ref, amount = match["platform"], match["shop_ref"], match["movement_ref"], match["amount"]
    shop_dim = shop_dimension(platform, shop)
    day = posting_day(match, first_open_day)
    return EntryDraft(
        idempotency_key=f"recon:payment-bank:{platform}:{shop}:{ref}",
        effective_date=day,
        lines=(
            debit(bank_account, amount, shop_ref=shop_dim),
            credit(receivable_account(platform), amount, shop_ref=shop_dim),
        ),
        description=f"Payment of order {ref} of {shop_dim} received in bank {match['account']}",
        source_type=SOURCE_TYPE,
        source_ref=DocumentKeys(platform, shop, "payment", ref).source_ref("bank"),
    )


# A draft builder: (match row, the bank's ledger account, the first open day or None) → the entry to post.
DraftBuilder = Callable[[Mapping[str, Any], str, date | None], EntryDraft]


def post_bank_matches(
    session: Session,
    matches: Sequence[Mapping[str, Any]],
    ledger_accounts: Mapping[str, str],
    draft: DraftBuilder = bank_match_draft,
) -> list[dict[str, Any]]:
    """Post and record the new matches, each through ``draft`` (withdrawals by default; the store level passes
    its takings draft); ``ledger_accounts`` maps a bank account name to its ledger account (an account whose
    statements were imported but which is no longer configured books to 1-1200, the configuration's default).
    Returns the recorded match rows (``sources.MATCH_COLUMNS``), for level 3 to leave those bank lines alone."""
    closed = closed_through(session)
    first_open_day = closed + timedelta(days=1) if closed else None
    now = datetime.now(UTC)
    recorded = []
    for match in matches:
        ledger_account = ledger_accounts.get(match["account"], "1-1200")
        result = post_entry(session, draft(match, ledger_account, first_open_day))
        row = BankMatch(
            bank_line_id=match["bank_line_id"],
            platform=match["platform"],
            shop_ref=match["shop_ref"],
            movement_ref=match["movement_ref"],
            amount=match["amount"],
            method=match["method"],
            entry_id=result.entry_id,
            matched_at=now,
        )
        session.add(row)
        recorded.append({column: getattr(row, column) for column in MATCH_COLUMNS})
    session.flush()
    return recorded
