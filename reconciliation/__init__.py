"""Reconciliation for finance: does every rupiah the marketplaces owe the cooperative arrive?

Three matching levels per platform and shop (order ↔ settlement, settlement ↔ wallet, wallet withdrawal ↔
bank), an external balance assertion (ledger receivable vs the platform's wallet balance), a stock check
(platform stock vs the unit ledger) and, for the cooperative's own outlets, a store level (each day's cash,
QRIS and transfer takings vs the bank credits naming the outlet, ``match_store``). What does not match
becomes a *variance* with a stable id; finance reviews variances (accept, adjust, write off, reopen) and
every action is kept in an append-only audit trail.
Anchors: Stripe's payout invariant and clearing accounts that return to zero (coop_accounting.md §2.6,
§3.1 items 9 and 11).

Importing this package is cheap (no pandas): the DAG files import parts of it.
"""
