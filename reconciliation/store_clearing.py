"""An outlet's takings reach the bank: each new takings ↔ bank credit match posts the money out of the till or
the store clearing, so 1-1100 (per outlet) and 1-1305 return to zero once the bank statement is matched
(coop_accounting.md §3.1 item 9, the same principle as money in transit):

- cash deposit:        Dr bank (credited) / Cr 1-1100 Kas (credited);
- QRIS settlement:     Dr bank (credited), Dr 6-1200 payment fee (the configured MDR) / Cr 1-1305 (their sum);
- transfer:            Dr bank (credited) / Cr 1-1305 (credited).

Only what the bank shows (and the configured fee) is posted: a shortfall stays in 1-1100 / 1-1305 as the
level's variance, which finance adjusts or writes off like any other. Idempotent twice over: the entry's key
is the outlet, tender and day, and the match row is unique per (store, outlet, tender:day) and per bank line.
A match whose bank date lies in a closed period is posted on the first open day instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from core_mapping.keys import DocumentKeys, shop_dimension
from core_mapping.policy import CASH, FEE_EXPENSE, receivable_account
from ledger.posting import EntryDraft, credit, debit
from reconciliation.clearing import SOURCE_TYPE, post_bank_matches, posting_day

PAYMENT_FEE = FEE_EXPENSE["PAYMENT_FEE"]


def store_match_draft(match: Mapping[str, Any], bank_account: str, first_open_day: date | None) -> EntryDraft:
    platform, outlet, ref, amount = match["platform"], match["shop_ref"], match["movement_ref"], match["amount"]
    fee = int(match.get("fee") or 0)
    shop_dim = shop_dimension(platform, outlet)
    clearing = CASH if match["tender"] == "cash" else receivable_account(platform)
    day = posting_day(match, first_open_day)
    lines = [debit(bank_account, amount, shop_ref=shop_dim)]
    if fee:
        lines.append(debit(PAYMENT_FEE, fee, shop_ref=shop_dim))
    lines.append(credit(clearing, amount + fee, shop_ref=shop_dim))
    fee_text = f", MDR {fee}" if fee else ""
    return EntryDraft(
        idempotency_key=f"recon:store-bank:{outlet}:{ref}",
        effective_date=day,
        lines=tuple(lines),
        description=f"Takings {ref} of {shop_dim} received in bank {match['account']}{fee_text}",
        source_type=SOURCE_TYPE,
        source_ref=DocumentKeys(platform, outlet, "takings", ref).source_ref("bank"),
    )


def post_store_matches(
    session: Session, matches: Sequence[Mapping[str, Any]], ledger_accounts: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Post and record the new takings matches (``clearing.post_bank_matches`` with the takings draft)."""
    return post_bank_matches(session, matches, ledger_accounts, store_match_draft)
