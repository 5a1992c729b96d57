"""A wallet movement's posting: a completed withdrawal moves the money from the marketplace receivable to money in
transit (the bank side is reconciliation's); other movements are counted, not posted."""

from __future__ import annotations

from connectors.base.records import WalletMovement, WalletMovementKind
from core_mapping.context import MappedBatch, MappingContext, Origin, business_date
from core_mapping.policy import IN_TRANSIT, receivable_account
from core_mapping.rules import Lines, as_line_drafts, delta
from ledger.money import to_minor
from ledger.posting import EntryDraft


def map_wallet(context: MappingContext, movement: WalletMovement, origin: Origin, batch: MappedBatch) -> None:
    batch.stats["wallet_movements"] += 1
    if movement.kind is not WalletMovementKind.WITHDRAWAL or movement.status.upper() not in ("COMPLETED", ""):
        return
    context.check_currency(movement.currency)
    keys = context.keys("wallet", movement.movement_ref)
    ref = keys.source_ref()
    amount = to_minor(abs(movement.amount))
    shop = context.shop
    target: Lines = {
        (IN_TRANSIT, None, shop, None): amount,
        (receivable_account(context.platform), None, shop, None): -amount,
    }
    change = delta(target, context.posted.get(ref, {}))
    if change:
        entry = EntryDraft(
            idempotency_key=keys.idempotency_key("withdrawal"),  # a withdrawal has one revision: done
            effective_date=business_date(movement.occurred_at),
            lines=as_line_drafts(change),
            description=f"Withdrawal {movement.movement_ref} (bank ref {movement.bank_reference or '-'})",
            source_type="wallet",
            source_ref=ref,
        )
        batch.entries.append((entry, origin))
