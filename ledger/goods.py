"""The unit ledger: goods movements by product, owning member and location.

Same rules as journal entries: one idempotency key ⇒ one movement, same key with different content is an
``IdempotencyConflict``, rows are never edited; a return is a new movement with the opposite sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import IdempotencyConflict, InvalidEntry, LedgerError, UnknownMember
from ledger.idempotent import content_hash, existing_by_key, insert_absent
from ledger.models import GoodsMovement, Member, table_of

MovementReason = Literal[
    "SALE_SHIPPED",
    "RETURN_RECEIVED",
    "CONSIGNMENT_RECEIVED",
    "PURCHASE_RECEIVED",  # principal model: goods the cooperative bought from the member
    "STOCK_COUNT_ADJUSTMENT",
    "REVERSAL",
]
REASONS: frozenset[str] = frozenset(MovementReason.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class MovementDraft:
    idempotency_key: str
    effective_date: date
    product_ref: str
    location: str
    quantity: int
    reason: MovementReason
    member_no: str | None = None
    source_type: str | None = None
    source_ref: str | None = None

    def content_hash(self) -> str:
        return content_hash(
            [
                self.effective_date.isoformat(),
                self.product_ref,
                self.location,
                self.quantity,
                self.reason,
                self.member_no,
            ]
        )


@dataclass(frozen=True, slots=True)
class MovementResult:
    key: str
    outcome: Literal["created", "exists", "rejected"]
    movement_id: int | None = None
    error: LedgerError | None = None


def post_movements(session: Session, drafts: Sequence[MovementDraft]) -> list[MovementResult]:
    """Post goods movements in the caller's transaction; one result per draft, in order."""
    members = {draft.member_no for draft in drafts if draft.member_no}
    known = set(session.scalars(select(Member.member_no).where(Member.member_no.in_(sorted(members)))))
    results: dict[int, MovementResult] = {}
    accepted: dict[str, tuple[MovementDraft, str]] = {}
    for index, draft in enumerate(drafts):
        error = _problem(draft, known)
        digest = draft.content_hash()
        if error is None and draft.idempotency_key in accepted and accepted[draft.idempotency_key][1] != digest:
            error = IdempotencyConflict(draft.idempotency_key, None, accepted[draft.idempotency_key][1], digest)
        if error is not None:
            results[index] = MovementResult(draft.idempotency_key, "rejected", error=error)
            continue
        accepted.setdefault(draft.idempotency_key, (draft, digest))

    recorded_at = datetime.now(UTC)
    created = insert_absent(
        session,
        table_of(GoodsMovement),
        [
            {
                "idempotency_key": key,
                "content_hash": digest,
                "effective_date": draft.effective_date,
                "recorded_at": recorded_at,
                "product_ref": draft.product_ref,
                "member_no": draft.member_no,
                "location": draft.location,
                "quantity": draft.quantity,
                "reason": draft.reason,
                "source_type": draft.source_type,
                "source_ref": draft.source_ref,
            }
            for key, (draft, digest) in accepted.items()
        ],
    )
    existing = existing_by_key(session, table_of(GoodsMovement), [key for key in accepted if key not in created])
    reported: set[str] = set()
    for index, draft in enumerate(drafts):
        if index in results:
            continue
        key, digest = draft.idempotency_key, accepted[draft.idempotency_key][1]
        if key in created:
            results[index] = MovementResult(key, "exists" if key in reported else "created", created[key])
            reported.add(key)
        elif existing[key][1] == digest:
            results[index] = MovementResult(key, "exists", existing[key][0])
        else:
            conflict = IdempotencyConflict(key, existing[key][0], existing[key][1], digest)
            results[index] = MovementResult(key, "rejected", existing[key][0], conflict)
    return [results[index] for index in range(len(drafts))]


def _problem(draft: MovementDraft, known_members: set[str]) -> LedgerError | None:
    if isinstance(draft.quantity, bool) or not isinstance(draft.quantity, int) or draft.quantity == 0:
        return InvalidEntry(f"movement {draft.idempotency_key!r}: quantity must be a non-zero int")
    if draft.reason not in REASONS:
        return InvalidEntry(f"movement {draft.idempotency_key!r}: unknown reason {draft.reason!r}")
    if draft.member_no and draft.member_no not in known_members:
        return UnknownMember(f"movement {draft.idempotency_key!r}: member {draft.member_no!r} does not exist")
    return None
