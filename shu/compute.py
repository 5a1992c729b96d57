"""``shu compute``: take the frozen snapshot, allocate, and store the computation. Nothing is posted here.

Each computation is stored with its canonical inputs JSON, their hash and the results, so the approver, the
posting step and the member statements all read the very figures that were computed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.config import ShuConfig
from shu.accounts import COMPONENT_ACCOUNTS
from shu.allocation import LABELS, Allocation, allocate_shu
from shu.models import ShuApproval, ShuComputation
from shu.snapshot import Snapshot, canonical_json, take_snapshot


@dataclass(frozen=True, slots=True)
class ShuRun:
    """One computation: the snapshot, its hash, the allocation and the stored row's id."""

    year: int
    snapshot: Snapshot
    allocation: Allocation
    computation_id: int | None

    @property
    def inputs_hash(self) -> str:
        return self.snapshot.hash

    @property
    def inputs(self) -> dict[str, Any]:
        return self.snapshot.inputs

    def results(self) -> dict[str, Any]:
        """The tables (pools and members) as plain data: what is stored, written to CSV/HTML and shown."""
        allocation = self.allocation
        shares = {share.member_no: share for share in allocation.shares}
        members = []
        for row in self.snapshot.register:
            share = shares.get(row.member_no)
            jua, jma = (share.jua, share.jma) if share else (0, 0)
            members.append(
                {
                    "member_no": row.member_no,
                    "name": row.name,
                    "eligible": row.eligibility.eligible,
                    "reason": row.eligibility.reason,
                    "volume": row.volume,
                    "capital": row.capital,
                    "jua": jua,
                    "jma": jma,
                    "total": jua + jma,
                }
            )
        basis = self.snapshot.members
        return {
            "surplus": allocation.surplus,
            "surplus_source": self.inputs["surplus_source"],
            "capital_base": self.inputs["rule"]["capital_base"],
            "rounding_residual": allocation.rounding_residual,
            "reserve_total": allocation.reserve_total,
            "members_total": allocation.members_total,
            "totals": {
                "volume": sum(m.volume_weight for m in basis),
                "capital": sum(m.capital_weight for m in basis),
            },
            "pools": [
                {
                    "component": pool.component,
                    "label": LABELS[pool.component],
                    "bps": pool.bps,
                    "amount": pool.amount,
                    "to_members": pool.to_members,
                    "to_reserve": pool.to_reserve,
                    "account": COMPONENT_ACCOUNTS[pool.component],
                }
                for pool in allocation.pools
            ],
            "members": members,
        }


def compute_shu(
    session: Session, year: int, config: ShuConfig, *, surplus: int | None = None, store: bool = True
) -> ShuRun:
    """Compute year ``year``'s SHU from the ledger (or the given ``surplus``) and store it unless ``store=False``."""
    snapshot = take_snapshot(session, year, config, surplus=surplus)
    allocation = allocate_shu(snapshot.inputs["surplus"], snapshot.inputs["allocation_bps"], snapshot.members)
    run = ShuRun(year, snapshot, allocation, None)
    if not store:
        return run
    record = ShuComputation(
        year=year,
        inputs_hash=run.inputs_hash,
        inputs_json=canonical_json(run.inputs),
        results_json=json.dumps(run.results(), sort_keys=True),
        computed_at=datetime.now(UTC),
    )
    session.add(record)
    session.flush()
    return ShuRun(year, snapshot, allocation, record.id)


def latest_computation(session: Session, year: int, inputs_hash: str | None = None) -> ShuComputation | None:
    """The most recent stored computation of the year (with that inputs hash, when given)."""
    query = select(ShuComputation).where(ShuComputation.year == year)
    if inputs_hash is not None:
        query = query.where(ShuComputation.inputs_hash == inputs_hash)
    return session.scalars(query.order_by(ShuComputation.id.desc()).limit(1)).first()


def approval_for(session: Session, year: int) -> ShuApproval | None:
    return session.scalars(select(ShuApproval).where(ShuApproval.year == year)).first()
