"""Finance's review of a variance: ``accept``, ``adjust``, ``write-off`` or ``reopen`` — every attempt audited.

- ``accept``: the difference is understood and stays (a known reconciling item); posts nothing.
- ``adjust``: the outside record is right, so the ledger's clearing balance (for a store outlet: its till
  1-1100 or the store clearing 1-1305) is corrected to it; the difference moves to 1-1800 *Selisih
  rekonsiliasi dalam penyelesaian* (a claim on the platform, or an unidentified receipt) where it is pursued.
  Stock: a ``STOCK_COUNT_ADJUSTMENT`` brings the unit ledger to the count.
  A settled cancelled order's money, held in 2-1700, moves to 1-1800 the same way (to be returned or claimed).
- ``write-off``: the difference is taken to profit or loss: a shortfall to 6-1900 *Beban selisih
  rekonsiliasi*, a surplus to 4-9000 *Pendapatan lain*.
- ``reopen``: back to open; posts nothing (earlier corrections stay; a later resolution posts only what is
  still missing).

Entries are ``ADJUSTMENT`` entries through ``ledger.posting`` (the only write path), dated today, with the
key ``recon:<variance>:<action>:<expected>:<actual>`` and ``source_ref`` ``recon:variance:<id>``: repeating a
resolution is a no-op, and if the amounts later change only the remaining difference is posted. Every call,
including no-ops and refusals, appends to the audit trail (who, when, what, why, outcome).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from core_mapping.models import Product
from core_mapping.policy import CASH, HELD_SETTLEMENTS, IN_TRANSIT, receivable_account
from foundation.config import ConfigError, OmnikopConfig
from ledger.errors import LedgerError
from ledger.goods import MovementDraft, post_movements
from ledger.posting import EntryDraft, business_today, credit, debit, post_entry
from ledger.queries import net_lines_by_source
from reconciliation.categories import CATEGORIES
from reconciliation.models import Variance
from reconciliation.variance_store import audit

ACTIONS = ("accept", "adjust", "write-off", "reopen")
SUSPENSE = "1-1800"
SHORTFALL_EXPENSE = "6-1900"
SURPLUS_INCOME = "4-9000"
TARGET = {"accept": ("accepted", "accept"), "adjust": ("resolved", "adjust"), "write-off": ("written_off", "write-off")}
# Variances measured on the ledger itself (after earlier corrections): post the whole difference again.
MEASURED_ON_LEDGER = frozenset({"balance_mismatch", "stock_mismatch"})


@dataclass(frozen=True, slots=True)
class Outcome:
    variance_id: str
    action: str
    outcome: str  # posted | changed | no-op | refused
    message: str
    status: str
    entry_id: int | None = None


class Refused(Exception):
    """The action does not apply to this variance in its current state."""


def variance_source_ref(variance_id: str) -> str:
    return f"recon:variance:{variance_id}"


def resolve_variance(
    session: Session,
    config: OmnikopConfig,
    variance_id: str,
    action: str,
    note: str,
    actor: str,
    *,
    today: date | None = None,
) -> Outcome:
    """Apply ``action`` in the caller's transaction and audit it; a refusal is an outcome, not an exception,
    so the attempt is still recorded when the caller commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; choose one of {', '.join(ACTIONS)}")
    if not note.strip() or not actor.strip():
        raise ValueError("a resolution needs a --note saying why and --by naming who")
    variance = session.get(Variance, variance_id, with_for_update=True)
    if variance is None:
        raise LookupError(f"no variance {variance_id!r}; `omnikop recon list` shows the ids")
    entry_id: int | None = None
    try:
        outcome, message, entry_id = _apply(session, config, variance, action, today or business_today())
    except (Refused, LedgerError, ConfigError) as problem:
        outcome, message = "refused", str(problem)
    audit(session, variance.id, actor.strip(), action, outcome, message, note=note.strip(), entry_id=entry_id)
    session.flush()
    return Outcome(variance.id, action, outcome, message, variance.status, entry_id)


def _apply(
    session: Session, config: OmnikopConfig, variance: Variance, action: str, today: date
) -> tuple[str, str, int | None]:
    state = f"{variance.status}" + (f" ({variance.resolution})" if variance.resolution else "")
    if action == "reopen":
        if variance.status == "open":
            return "no-op", "already open", None
        _set(variance, "open", None)
        return "changed", f"reopened (was {state}); nothing posted", None
    status, resolution = TARGET[action]
    if variance.status == status and variance.resolution == resolution:
        return "no-op", f"already {state}; nothing posted", None
    if variance.status != "open":
        raise Refused(f"variance {variance.id} is {state}; reopen it first")
    if action == "accept":
        _set(variance, status, resolution)
        return "changed", "accepted as a known difference; nothing posted", None
    clearing = CATEGORIES[variance.category].clearing
    if clearing is None:
        raise Refused(
            f"{variance.category} changes no ledger balance (settlements are booked when settled): accept it,"
            " or correct the source and re-run the matching"
        )
    if variance.difference == 0:
        raise Refused("the variance has no difference to post")
    if clearing == "goods":
        outcome = _post_stock(session, variance, action, today)
    else:
        outcome = _post_money(session, config, variance, action, clearing, today)
    _set(variance, status, resolution)
    return outcome


def _set(variance: Variance, status: str, resolution: str | None) -> None:
    variance.status, variance.resolution = status, resolution
    variance.resolved_at = None if status == "open" else datetime.now(UTC)


def _clearing_line(config: OmnikopConfig, variance: Variance, clearing: str) -> tuple[str, str | None]:
    shop = f"{variance.platform}:{variance.shop_ref}" if variance.platform else None
    if clearing == "receivable":
        return receivable_account(str(variance.platform)), shop
    if clearing == "in_transit":
        return IN_TRANSIT, shop
    if clearing == "held":
        return HELD_SETTLEMENTS, shop
    if clearing == "cash":
        return CASH, shop
    return config.bank_account(str(variance.bank_account)).ledger_account, None


def _post_money(
    session: Session, config: OmnikopConfig, variance: Variance, action: str, clearing: str, today: date
) -> tuple[str, str, int | None]:
    account, shop = _clearing_line(config, variance, clearing)
    source = variance_source_ref(variance.id)
    posted = sum(
        amount
        for (code, _, line_shop, _), amount in net_lines_by_source(session, [source]).get(source, {}).items()
        if code == account and line_shop == shop
    )
    remaining = variance.difference if variance.category in MEASURED_ON_LEDGER else variance.difference - posted
    if remaining == 0:
        return "no-op", f"the ledger already carries this correction on {account}; nothing posted", None
    if action == "adjust":
        counter = SUSPENSE
    else:
        counter = SHORTFALL_EXPENSE if remaining < 0 else SURPLUS_INCOME
    amount = abs(remaining)
    debited, credited = (account, counter) if remaining > 0 else (counter, account)
    lines = (debit(debited, amount, shop_ref=shop), credit(credited, amount, shop_ref=shop))
    draft = EntryDraft(
        idempotency_key=f"recon:{variance.id}:{action}:{variance.expected}:{variance.actual}",
        effective_date=today,
        lines=lines,
        description=f"Reconciliation {action} of variance {variance.id}: {variance.category}, {variance.subject}",
        kind="ADJUSTMENT",
        source_type="reconciliation",
        source_ref=source,
    )
    result = post_entry(session, draft, today=today)
    if result.outcome == "exists":
        return "no-op", f"entry {result.entry_id} already posted this correction", result.entry_id
    return "posted", f"entry {result.entry_id}: Dr {debited} / Cr {credited} {amount}", result.entry_id


def _post_stock(session: Session, variance: Variance, action: str, today: date) -> tuple[str, str, int | None]:
    product = json.loads(variance.links).get("product") or ""
    if not product:
        raise Refused("the variance names no product to adjust")
    owner = session.get(Product, product)
    draft = MovementDraft(
        idempotency_key=f"recon:{variance.id}:{action}:{variance.expected}:{variance.actual}",
        effective_date=today,
        product_ref=product,
        location=f"{variance.platform}:{variance.shop_ref}",
        quantity=variance.difference,
        reason="STOCK_COUNT_ADJUSTMENT",
        member_no=owner.member_no if owner else None,
        source_type="reconciliation",
        source_ref=variance_source_ref(variance.id),
    )
    (result,) = post_movements(session, [draft])
    if result.error is not None:
        raise result.error
    if result.outcome == "exists":
        return "no-op", f"goods movement {result.movement_id} already made this count adjustment", None
    return "posted", f"goods movement {result.movement_id}: {variance.difference:+d} {product}", None
