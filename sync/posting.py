"""Post one mapped batch and count what happened: the step the pipeline and replay share.

Its own module so that replay (which the pipeline runs for transient quarantine) builds on posting without
importing the pipeline: the dependencies run ``pipeline → replay → posting`` and never back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core_mapping.context import Origin
from core_mapping.mapper import MappedBatch
from core_mapping.quarantine import Problem, quarantine, resolve
from ledger.goods import post_movements
from ledger.posting import post_entries


@dataclass
class RunSummary:
    pages: int = 0
    new_pages: int = 0
    records: int = 0
    posted_entries: int = 0
    posted_movements: int = 0
    duplicates: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)

    def add(self, other: RunSummary) -> None:
        for name in ("pages", "new_pages", "records", "posted_entries", "posted_movements", "duplicates"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.quarantined.update(other.quarantined)
        self.stats.update(other.stats)


def post_batch(session: Session, platform: str, shop_ref: str, batch: MappedBatch) -> RunSummary:
    """Post a mapped batch; a refused draft is quarantined against its record and blocks nothing else."""
    summary = RunSummary(stats=batch.stats)
    problems: list[Problem] = list(batch.problems)
    failed: set[tuple[str, str]] = set()
    entries = post_entries(session, [d for d, _ in batch.entries])
    summary.posted_entries = _tally(batch.entries, entries, summary, failed, problems)
    movements = post_movements(session, [d for d, _ in batch.movements])
    summary.posted_movements = _tally(batch.movements, movements, summary, failed, problems)
    quarantine(session, platform, shop_ref, problems)
    for stream, keys in batch.mapped.items():
        resolve(session, platform, shop_ref, stream, {k for k in keys if (stream, k) not in failed}, "posted")
    summary.quarantined.update(problem.reason for problem in problems)
    return summary


def _tally(
    drafts: Sequence[tuple[Any, Origin]],
    results: Sequence[Any],
    summary: RunSummary,
    failed: set[tuple[str, str]],
    problems: list[Problem],
) -> int:
    """How many of ``results`` were created; duplicates counted on ``summary``, refusals to be quarantined
    against the record each draft came from."""
    created = 0
    for (_, origin), result in zip(drafts, results, strict=True):
        if result.outcome == "created":
            created += 1
        elif result.outcome == "exists":
            summary.duplicates += 1
        else:
            failed.add((origin.stream, origin.record_key))
            error = result.error
            problems.append(Problem(origin.stream, origin.record_key, origin.page_id, "post", error.code, str(error)))
    return created
