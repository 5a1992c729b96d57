"""Quarantine: records that could not be parsed, mapped or posted, kept with a machine-readable reason.

Nothing is dropped: a quarantined record stays open until a replay posts it (after the mapping is fixed) or
a later revision of the same record is posted (``superseded``). Reasons such as ``order_not_seen`` are
transient and retried automatically at the end of every processing run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core_mapping.models import QuarantineItem
from ledger.bulk import any_of, key_chunks

TRANSIENT_REASONS = frozenset({"order_not_seen"})


@dataclass(frozen=True, slots=True)
class Problem:
    stream: str
    record_key: str
    raw_page_id: int
    stage: str  # parse | map | post
    reason: str
    message: str


def quarantine(session: Session, platform: str, shop_ref: str, problems: list[Problem]) -> None:
    """Record problems; the same record from the same page is one item whose attempts count up."""
    if not problems:
        return
    now = datetime.now(UTC)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for problem in problems:
        statement = insert(QuarantineItem).values(
            platform=platform,
            shop_ref=shop_ref,
            stream=problem.stream,
            record_key=problem.record_key,
            raw_page_id=problem.raw_page_id,
            stage=problem.stage,
            reason=problem.reason,
            message=problem.message[:2000],
            created_at=now,
            attempts=1,
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["raw_page_id", "record_key", "stream"],
                set_={
                    "stage": problem.stage,
                    "reason": problem.reason,
                    "message": problem.message[:2000],
                    "attempts": QuarantineItem.attempts + 1,
                    "resolved_at": None,
                    "resolution": None,
                },
            )
        )


def resolve(session: Session, platform: str, shop_ref: str, stream: str, record_keys: set[str], resolution: str) -> int:
    """Close open items for records that have now been posted (from this page or a newer one)."""
    if not record_keys:
        return 0
    resolved = 0
    keys = sorted(record_keys)
    for chunk in key_chunks(keys):
        # An UPDATE without RETURNING answers with a CursorResult (its rowcount); Session.execute is typed Result.
        result = cast(
            CursorResult[Any],
            session.execute(
                update(QuarantineItem)
                .where(
                    QuarantineItem.platform == platform,
                    QuarantineItem.shop_ref == shop_ref,
                    QuarantineItem.stream == stream,
                    any_of(session, QuarantineItem.record_key, chunk),
                    QuarantineItem.resolved_at.is_(None),
                )
                .values(resolved_at=datetime.now(UTC), resolution=resolution)
            ),
        )
        resolved += result.rowcount or 0
    return resolved


def open_items(
    session: Session, *, platform: str | None = None, shop_ref: str | None = None, reasons: set[str] | None = None
) -> list[QuarantineItem]:
    query = select(QuarantineItem).where(QuarantineItem.resolved_at.is_(None)).order_by(QuarantineItem.id)
    if platform:
        query = query.where(QuarantineItem.platform == platform)
    if shop_ref:
        query = query.where(QuarantineItem.shop_ref == shop_ref)
    if reasons:
        query = query.where(QuarantineItem.reason.in_(sorted(reasons)))
    return list(session.scalars(query))


def open_counts(session: Session) -> Counter[str]:
    query = (
        select(QuarantineItem.reason, func.count())
        .where(QuarantineItem.resolved_at.is_(None))
        .group_by(QuarantineItem.reason)
    )
    return Counter({reason: count for reason, count in session.execute(query)})
