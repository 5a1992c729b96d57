"""``ledger check``: re-verify the ledger invariants of coop_accounting.md §3.1 from the stored rows.

Each check is a query anyone can re-run; nothing here trusts the posting code. A violation names the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ledger.models import Account, ClosedPeriod, GoodsMovement, JournalEntry, JournalLine
from ledger.posting import entry_content_hash

EXAMPLES_PER_CHECK = 20


@dataclass(frozen=True, slots=True)
class Violation:
    check: str
    message: str


@dataclass
class CheckReport:
    entries: int = 0
    lines: int = 0
    movements: int = 0
    checks_run: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        verdict = "clean" if self.ok else f"{len(self.violations)} violation(s)"
        return (
            f"ledger check: {verdict} — {len(self.checks_run)} checks over {self.entries} entries,"
            f" {self.lines} lines, {self.movements} goods movements"
        )


def check_ledger(session: Session) -> CheckReport:
    report = CheckReport(
        entries=session.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        lines=session.scalar(select(func.count()).select_from(JournalLine)) or 0,
        movements=session.scalar(select(func.count()).select_from(GoodsMovement)) or 0,
    )
    for name, check in CHECKS:
        report.checks_run.append(name)
        for count, message in enumerate(check(session)):
            if count >= EXAMPLES_PER_CHECK:
                report.violations.append(Violation(name, "… more violations of this check not listed"))
                break
            report.violations.append(Violation(name, message))
    return report


_debits = func.sum(case((JournalLine.side == "D", JournalLine.amount), else_=0))
_credits = func.sum(case((JournalLine.side == "C", JournalLine.amount), else_=0))


def _entries_balance(session: Session) -> Iterator[str]:
    query = (
        select(JournalLine.entry_id, _debits, _credits)
        .group_by(JournalLine.entry_id)
        .having(_debits != _credits)
        .order_by(JournalLine.entry_id)
    )
    for entry_id, debits, credits in session.execute(query):
        yield f"entry {entry_id}: debits {debits} ≠ credits {credits}"


def _entries_have_two_lines(session: Session) -> Iterator[str]:
    counts = select(JournalLine.entry_id, func.count().label("n")).group_by(JournalLine.entry_id).subquery()
    query = (
        select(JournalEntry.id, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.entry_id == JournalEntry.id)
        .where(func.coalesce(counts.c.n, 0) < 2)
        .order_by(JournalEntry.id)
    )
    for entry_id, count in session.execute(query):
        yield f"entry {entry_id} has {count} line(s); an entry needs at least two"


def _trial_balance_zero(session: Session) -> Iterator[str]:
    debits, credits = session.execute(select(_debits, _credits)).one()
    if (debits or 0) != (credits or 0):
        yield f"trial balance is off: total debits {debits or 0} ≠ total credits {credits or 0}"


def _positive_amounts(session: Session) -> Iterator[str]:
    query = select(JournalLine.entry_id, JournalLine.line_no, JournalLine.amount).where(JournalLine.amount <= 0)
    for entry_id, line_no, amount in session.execute(query):
        yield f"entry {entry_id} line {line_no} has non-positive amount {amount}"
    movements = select(GoodsMovement.id).where(GoodsMovement.quantity == 0)
    for (movement_id,) in session.execute(movements):
        yield f"goods movement {movement_id} has quantity 0"


def _unique_keys(session: Session) -> Iterator[str]:
    for model in (JournalEntry, GoodsMovement):
        query = select(model.idempotency_key, func.count()).group_by(model.idempotency_key).having(func.count() > 1)
        for key, count in session.execute(query):
            yield f"{model.__tablename__}: idempotency key {key!r} is used {count} times"


def _reversed_at_most_once(session: Session) -> Iterator[str]:
    query = (
        select(JournalEntry.reverses_entry_id, func.count())
        .where(JournalEntry.reverses_entry_id.is_not(None))
        .group_by(JournalEntry.reverses_entry_id)
        .having(func.count() > 1)
    )
    for entry_id, count in session.execute(query):
        yield f"entry {entry_id} is reversed {count} times"
    reversal = JournalEntry.__table__.alias("reversal")
    original_lines, reversal_lines = JournalLine.__table__.alias("ol"), JournalLine.__table__.alias("rl")
    # A reversal must mirror its original line for line: same account, dimensions, amount, opposite side.
    pairs = select(reversal.c.id, reversal.c.reverses_entry_id).where(reversal.c.reverses_entry_id.is_not(None))
    for reversal_id, original_id in session.execute(pairs):
        mirrored = _line_multiset(session, original_lines, original_id, flip=True)
        if mirrored != _line_multiset(session, reversal_lines, reversal_id, flip=False):
            yield f"entry {reversal_id} claims to reverse entry {original_id} but its lines do not mirror it"


def _line_multiset(session: Session, lines, entry_id: int, *, flip: bool) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(lines.c.account_code, lines.c.side, lines.c.amount, lines.c.member_no, lines.c.shop_ref).where(
            lines.c.entry_id == entry_id
        )
    )
    flipped = {"D": "C", "C": "D"}
    return sorted((a, flipped[s] if flip else s, amt, m or "", sh or "") for a, s, amt, m, sh in rows)


def _subledger_dimensions(session: Session) -> Iterator[str]:
    query = (
        select(JournalLine.entry_id, JournalLine.line_no, Account.code, Account.dimension)
        .join(Account, Account.code == JournalLine.account_code)
        .where(
            ((Account.dimension == "member") & JournalLine.member_no.is_(None))
            | ((Account.dimension == "shop") & JournalLine.shop_ref.is_(None))
        )
    )
    for entry_id, line_no, code, dimension in session.execute(query):
        yield (
            f"entry {entry_id} line {line_no} posts to {code} without its {dimension}:"
            f" the {dimension} subledger no longer equals the control account"
        )


def _postable_accounts(session: Session) -> Iterator[str]:
    query = (
        select(JournalLine.entry_id, JournalLine.line_no, Account.code)
        .join(Account, Account.code == JournalLine.account_code)
        .where(Account.postable.is_(False))
    )
    for entry_id, line_no, code in session.execute(query):
        yield f"entry {entry_id} line {line_no} posts to header account {code}"


def _closed_periods_untouched(session: Session) -> Iterator[str]:
    query = (
        select(JournalEntry.id, JournalEntry.effective_date, ClosedPeriod.closed_through)
        .join(
            ClosedPeriod,
            and_(
                JournalEntry.effective_date <= ClosedPeriod.closed_through,
                JournalEntry.recorded_at > ClosedPeriod.closed_at,
            ),
        )
        .order_by(JournalEntry.id)
    )
    for entry_id, effective, through in session.execute(query):
        yield f"entry {entry_id} dated {effective} was recorded after the books were closed through {through}"


def _content_matches_hash(session: Session) -> Iterator[str]:
    """Recompute every entry's content hash from its stored lines: any edit made behind the API shows up."""
    lines = (
        select(
            JournalEntry.id,
            JournalEntry.content_hash,
            JournalEntry.effective_date,
            JournalEntry.currency,
            JournalEntry.kind,
            JournalEntry.reverses_entry_id,
            JournalLine.account_code,
            JournalLine.side,
            JournalLine.amount,
            JournalLine.member_no,
            JournalLine.shop_ref,
            JournalLine.tag,
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .order_by(JournalEntry.id, JournalLine.line_no)
        .execution_options(yield_per=5000)
    )
    for entry_id, group in groupby(session.execute(lines), key=lambda row: row[0]):
        rows = list(group)
        head = rows[0]
        digest = entry_content_hash(
            head[2],
            head[3],
            head[4],
            head[5],
            [(a, s, amt, m or "", sh or "", t or "") for a, s, amt, m, sh, t in (row[6:12] for row in rows)],
        )
        if digest != head[1]:
            yield f"entry {entry_id}: stored lines do not match the content hash recorded at posting (tampered?)"


CHECKS: list[tuple[str, Callable[[Session], Iterator[str]]]] = [
    ("entries_balance", _entries_balance),
    ("entries_have_two_lines", _entries_have_two_lines),
    ("trial_balance_zero", _trial_balance_zero),
    ("positive_amounts", _positive_amounts),
    ("unique_idempotency_keys", _unique_keys),
    ("reversed_at_most_once", _reversed_at_most_once),
    ("subledger_equals_control", _subledger_dimensions),
    ("postable_accounts_only", _postable_accounts),
    ("closed_periods_untouched", _closed_periods_untouched),
    ("content_matches_hash", _content_matches_hash),
]
