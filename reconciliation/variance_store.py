"""Variances as rows: one matching run's drafts merged into the stored variances, with the audit trail.

Rules (so re-running the matching is safe and never undoes finance's work):
- a new draft becomes an ``open`` variance (audit: ``detected``);
- a known variance with the same expected/actual amounts keeps its status; only its age, links and wording
  are refreshed;
- a known variance whose amounts changed is updated and, if it was closed, reopened (audit: ``reopened``),
  because the decision was taken on other numbers;
- an open variance the matching no longer finds is resolved as ``cleared`` (the settlement arrived, the
  bank line was imported…); closed ones stay as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reconciliation.categories import VarianceDraft
from reconciliation.models import AuditEntry, Variance

MATCHER = "reconciliation"


@dataclass(frozen=True, slots=True)
class SaveSummary:
    detected: int = 0
    changed: int = 0
    reopened: int = 0
    cleared: int = 0
    unchanged: int = 0


def audit(
    session: Session,
    variance_id: str,
    actor: str,
    action: str,
    outcome: str,
    message: str,
    note: str = "",
    entry_id: int | None = None,
) -> None:
    session.add(
        AuditEntry(
            variance_id=variance_id,
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            note=note,
            outcome=outcome,
            message=message,
            entry_id=entry_id,
        )
    )


def save_variances(session: Session, drafts: Sequence[VarianceDraft], as_of: date) -> SaveSummary:
    """Merge this run's drafts into the stored variances (caller's transaction); return what changed."""
    by_id: dict[str, VarianceDraft] = {}
    for draft in drafts:
        if draft.id in by_id:
            raise ValueError(f"two variances with id {draft.id} ({draft.category} {draft.subject}) in one run")
        by_id[draft.id] = draft
    existing = {variance.id: variance for variance in session.scalars(select(Variance))}
    now = datetime.now(UTC)
    counts = dict.fromkeys(("detected", "changed", "reopened", "cleared", "unchanged"), 0)
    events: list[tuple[str, str, str, str]] = []  # (variance id, action, outcome, message)
    for vid, draft in by_id.items():
        variance = existing.get(vid)
        if variance is None:
            session.add(_new_row(draft, as_of, now))
            events.append((vid, "detected", "open", f"{draft.category}: {_numbers(draft.expected, draft.actual)}"))
            counts["detected"] += 1
            continue
        before = (variance.expected, variance.actual)
        _refresh(variance, draft, as_of, now)
        if before == (draft.expected, draft.actual) and variance.resolution != "cleared":
            counts["unchanged"] += 1
            continue
        variance.expected, variance.actual, variance.difference = draft.expected, draft.actual, draft.difference
        change = f"{_numbers(*before)} → {_numbers(draft.expected, draft.actual)}"
        if variance.status == "open":
            events.append((vid, "changed", "open", f"amounts changed: {change}"))
            counts["changed"] += 1
            continue
        reason = "found again by the matching" if variance.resolution == "cleared" else "amounts changed"
        events.append((vid, "reopened", "open", f"{reason} ({change}); was {variance.status} ({variance.resolution})"))
        variance.status, variance.resolution, variance.resolved_at = "open", None, None
        counts["reopened"] += 1
    for vid, variance in existing.items():
        if vid not in by_id and variance.status == "open":
            variance.status, variance.resolution, variance.resolved_at = "resolved", "cleared", now
            events.append((vid, "cleared", "resolved", "no longer found by the matching"))
            counts["cleared"] += 1
    session.flush()  # variance rows exist before their audit rows reference them
    for vid, action, outcome, message in events:
        audit(session, vid, MATCHER, action, outcome, message)
    session.flush()
    return SaveSummary(**counts)


def _numbers(expected: int, actual: int) -> str:
    return f"expected {expected}, actual {actual}, difference {actual - expected}"


def _new_row(draft: VarianceDraft, as_of: date, now: datetime) -> Variance:
    return Variance(
        id=draft.id,
        level=draft.level,
        category=draft.category,
        platform=draft.platform,
        shop_ref=draft.shop_ref,
        bank_account=draft.bank_account,
        subject=draft.subject[:160],
        occurred_on=draft.occurred_on,
        unit=draft.unit,
        expected=draft.expected,
        actual=draft.actual,
        difference=draft.difference,
        age_days=max(0, (as_of - draft.occurred_on).days),
        status="open",
        links=json.dumps(draft.links, sort_keys=True, default=str),
        detail=draft.detail,
        first_seen_at=now,
        last_seen_at=now,
    )


def _refresh(variance: Variance, draft: VarianceDraft, as_of: date, now: datetime) -> None:
    variance.subject = draft.subject[:160]
    variance.occurred_on = draft.occurred_on
    variance.age_days = max(0, (as_of - draft.occurred_on).days)
    variance.links = json.dumps(draft.links, sort_keys=True, default=str)
    variance.detail = draft.detail
    variance.last_seen_at = now
