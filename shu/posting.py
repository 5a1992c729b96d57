"""Posting an approved SHU: the year-end closing into 3-1600, then the SHU closing after RAT (§1.10).

1. *Year-end closing* (if the revenue and expense accounts still hold the year): each account's year balance
   is moved to 3-1600 SHU belum dibagi, dated 31 December (or the first open day if that period is closed).
2. *SHU closing after RAT*, dated the posting day: Dr 3-1600 / Cr 3-1500 cadangan (pool + residue), Cr 2-1510
   per member (JUA + JMA), Cr 2-1520..2-1560 funds — split into several balanced entries when the members do
   not fit in one (``LINES_PER_STATEMENT``).

Posting happens only for a stored computation whose inputs the ledger still gives (same hash), and at most once
per year: the approval row is unique per year and the idempotency keys derive from (year, inputs hash).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, TypedDict

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from foundation.config import ShuConfig
from ledger.models import JournalEntry, JournalLine
from ledger.periods import closed_through
from ledger.posting import LINES_PER_STATEMENT, EntryDraft, LineDraft, business_today, credit, debit, post_entries
from shu.accounts import (
    COMPONENT_ACCOUNTS,
    MEMBER_SHU_PAYABLE,
    RESERVE_ACCOUNT,
    SHU_CLOSE_SOURCE,
    SHU_DISTRIBUTION_SOURCE,
    SHU_MEMBER_TAG,
    SHU_UNDISTRIBUTED,
)
from shu.compute import ShuRun, approval_for, compute_shu, latest_computation
from shu.eligibility import year_bounds
from shu.errors import AlreadyPosted, InputsChanged, NoComputation, NothingToDistribute, ShuError
from shu.figures import income_statement
from shu.models import ShuApproval
from shu.snapshot import diff_inputs


class _Common(TypedDict):
    """The ``EntryDraft`` fields every closing entry of a year shares."""

    source_ref: str
    currency: str


@dataclass(frozen=True, slots=True)
class PostOutcome:
    year: int
    inputs_hash: str
    outcome: Literal["posted", "already_posted"]
    entries: int
    approved_by: str
    approved_at: datetime
    posting_date: date


def post_shu(
    session: Session,
    year: int,
    config: ShuConfig,
    *,
    approved_by: str,
    inputs_hash: str | None = None,
    approved_at: datetime | None = None,
    on: date | None = None,
    channel: str = "cli",
    today: date | None = None,
) -> PostOutcome:
    """Post the approved SHU of ``year`` in the caller's transaction; a second call posts nothing.

    ``inputs_hash`` pins the computation the approver saw (default: the year's latest). Raises
    ``InputsChanged`` naming both hashes when the ledger no longer gives those inputs, ``AlreadyPosted`` when
    the year was posted from other inputs, ``NoComputation`` and ``NothingToDistribute`` as they say, and the
    ``LedgerError`` of any refused entry (then nothing is written).
    """
    if not approved_by.strip():
        raise ShuError("name who approved the SHU (--approved-by)")
    computation = latest_computation(session, year, inputs_hash)
    existing = approval_for(session, year)
    if existing is not None:
        wanted = inputs_hash or (computation.inputs_hash if computation else existing.inputs_hash)
        if wanted != existing.inputs_hash:
            raise AlreadyPosted(
                f"SHU {year} was already posted from inputs {existing.inputs_hash} (approved by"
                f" {existing.approved_by}); inputs {wanted} cannot be posted too — correct it with an adjustment"
            )
        return _outcome(existing, "already_posted")
    if computation is None:
        pinned = f" with inputs hash {inputs_hash}" if inputs_hash else ""
        raise NoComputation(f"no SHU computation for {year}{pinned}; run `omnikop shu compute --year {year}` first")
    stored = json.loads(computation.inputs_json)
    given = stored["surplus"] if stored["surplus_source"] == "given" else None
    run = compute_shu(session, year, config, surplus=given, store=False)
    if run.inputs_hash != computation.inputs_hash:
        raise InputsChanged(year, computation.inputs_hash, run.inputs_hash, diff_inputs(stored, run.inputs))
    if run.allocation.surplus == 0:
        raise NothingToDistribute(f"SHU {year} is zero: there is nothing to distribute")
    today = today or business_today()
    on = on or today
    if on <= year_bounds(year)[1]:
        raise ShuError(f"SHU {year} is posted after the RAT, so after the year ends; {on} is inside {year}")
    income = income_statement(session, year)
    held = _balance(session, SHU_UNDISTRIBUTED, on) + sum(income.values())
    if held < run.allocation.surplus:
        raise NothingToDistribute(
            f"3-1600 would hold {held} after closing {year}, less than the SHU {run.allocation.surplus} to"
            " distribute; book what is missing (e.g. the year's income tax) or compute with the right --surplus"
        )
    drafts = closing_drafts(year, run, income, _closing_date(session, year), on)
    for result in post_entries(session, drafts, today=today):
        if result.error is not None:
            raise result.error
    approval = ShuApproval(
        year=year,
        computation_id=computation.id,
        inputs_hash=computation.inputs_hash,
        approved_by=approved_by.strip(),
        approved_at=approved_at or datetime.now(UTC),
        channel=channel,
        posted_at=datetime.now(UTC),
        posting_date=on,
        entries=len(drafts),
    )
    session.add(approval)
    session.flush()
    return _outcome(approval, "posted")


def closing_drafts(year: int, run: ShuRun, income: dict[str, int], close_day: date, on: date) -> list[EntryDraft]:
    """The balanced entries that close the year and distribute its SHU (pure; see the module docstring)."""
    prefix = f"shu:{year}:{run.inputs_hash[:16]}"
    common: _Common = {"source_ref": f"shu:{year}", "currency": "IDR"}
    drafts: list[EntryDraft] = []
    close_lines = [debit(code, net) if net > 0 else credit(code, -net) for code, net in sorted(income.items())]
    result = sum(income.values())
    if result:
        close_lines.append(credit(SHU_UNDISTRIBUTED, result) if result > 0 else debit(SHU_UNDISTRIBUTED, -result))
    if len(close_lines) >= 2:
        drafts.append(
            EntryDraft(
                f"{prefix}:close",
                close_day,
                tuple(close_lines),
                f"Tutup buku {year}: pendapatan dan beban ke SHU tahun berjalan",
                source_type=SHU_CLOSE_SOURCE,
                **common,
            )
        )
    allocation = run.allocation
    fund_lines = [credit(RESERVE_ACCOUNT, allocation.reserve_total)] if allocation.reserve_total else []
    fund_lines += [credit(COMPONENT_ACCOUNTS[name], amount) for name, amount in allocation.funds.items()]
    if fund_lines:
        total = sum(line.amount for line in fund_lines)
        drafts.append(
            EntryDraft(
                f"{prefix}:funds",
                on,
                (debit(SHU_UNDISTRIBUTED, total), *fund_lines),
                f"Pembagian SHU {year} (RAT): cadangan dan dana-dana",
                source_type=SHU_DISTRIBUTION_SOURCE,
                **common,
            )
        )
    member_lines = [
        credit(MEMBER_SHU_PAYABLE, share.total, member_no=share.member_no, tag=SHU_MEMBER_TAG)
        for share in allocation.shares
        if share.total
    ]
    per_entry = LINES_PER_STATEMENT - 1
    for part, start in enumerate(range(0, len(member_lines), per_entry), start=1):
        chunk: list[LineDraft] = member_lines[start : start + per_entry]
        drafts.append(
            EntryDraft(
                f"{prefix}:members:{part}",
                on,
                (debit(SHU_UNDISTRIBUTED, sum(line.amount for line in chunk)), *chunk),
                f"Pembagian SHU {year} (RAT): SHU bagian anggota (JUA + JMA), bagian {part}",
                source_type=SHU_DISTRIBUTION_SOURCE,
                **common,
            )
        )
    return drafts


def _closing_date(session: Session, year: int) -> date:
    """31 December, or the first open day when the year's books are already locked (closing is then late)."""
    close = year_bounds(year)[1]
    locked = closed_through(session)
    return close if locked is None or locked < close else locked + timedelta(days=1)


def _balance(session: Session, account: str, through: date) -> int:
    signed = func.coalesce(func.sum(case((JournalLine.side == "C", JournalLine.amount), else_=-JournalLine.amount)), 0)
    query = (
        select(signed)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_code == account, JournalEntry.effective_date <= through)
    )
    return int(session.scalar(query) or 0)


def _outcome(approval: ShuApproval, outcome: Literal["posted", "already_posted"]) -> PostOutcome:
    return PostOutcome(
        approval.year,
        approval.inputs_hash,
        outcome,
        approval.entries,
        approval.approved_by,
        approval.approved_at,
        approval.posting_date,
    )
