"""The one write path into the journal: ``post_entries`` / ``post_entry`` and ``reverse_entry``.

Guarantees (coop_accounting.md §3.1):
- an entry has ≥ 2 lines, every amount is a positive ``int`` and debits equal credits (``Unbalanced``);
- all lines of an entry are written in the caller's transaction or none are;
- one idempotency key ⇒ one entry: same key and same content → ``exists``; same key and different content →
  ``IdempotencyConflict`` naming both; content = date, currency, kind, reversed entry and the lines (the
  description is not content, so rewording it never conflicts);
- dates inside a closed period (``PeriodClosed``) or beyond today + ``FUTURE_SKEW`` (``FutureDated``) are refused;
- nothing is ever updated or deleted; ``reverse_entry`` posts the mirror entry, at most once per entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.bulk import insert_rows
from ledger.errors import (
    AlreadyReversed,
    DimensionMissing,
    EntryNotFound,
    FutureDated,
    IdempotencyConflict,
    InvalidEntry,
    LedgerError,
    PeriodClosed,
    Unbalanced,
    UnknownAccount,
    UnknownMember,
)
from ledger.idempotent import content_hash, existing_by_key, insert_absent
from ledger.models import Account, ClosedPeriod, JournalEntry, JournalLine, Member, table_of
from ledger.staged import copy_rows, uses_staging

# Business dates are Indonesian Western time; a posting may be dated at most this far ahead of "today".
BUSINESS_TIMEZONE = ZoneInfo("Asia/Jakarta")
FUTURE_SKEW = timedelta(days=1)
# Lines per INSERT statement (whole entries: PostgreSQL's balance trigger checks each statement), and the
# most lines one entry may have.
LINES_PER_STATEMENT = 4000


def business_today() -> date:
    return datetime.now(BUSINESS_TIMEZONE).date()


@dataclass(frozen=True, slots=True)
class LineDraft:
    account: str
    side: Literal["D", "C"]
    amount: int
    member_no: str | None = None
    shop_ref: str | None = None
    tag: str | None = None

    def content(self) -> tuple[str, str, int, str, str, str]:
        return (self.account, self.side, self.amount, self.member_no or "", self.shop_ref or "", self.tag or "")


def debit(account: str, amount: int, **dimensions: str | None) -> LineDraft:
    return LineDraft(account, "D", amount, **dimensions)


def credit(account: str, amount: int, **dimensions: str | None) -> LineDraft:
    return LineDraft(account, "C", amount, **dimensions)


@dataclass(frozen=True, slots=True)
class EntryDraft:
    idempotency_key: str
    effective_date: date
    lines: tuple[LineDraft, ...]
    description: str = ""
    currency: str = "IDR"
    kind: Literal["ENTRY", "REVERSAL", "ADJUSTMENT"] = "ENTRY"
    source_type: str | None = None
    source_ref: str | None = None
    reverses_entry_id: int | None = None

    def content_hash(self) -> str:
        return entry_content_hash(
            self.effective_date,
            self.currency,
            self.kind,
            self.reverses_entry_id,
            [line.content() for line in self.lines],
        )


def entry_content_hash(
    effective_date: date, currency: str, kind: str, reverses_entry_id: int | None, lines: Iterable[tuple[object, ...]]
) -> str:
    """The hash that defines "same content" for idempotency; ``ledger check`` recomputes it from stored rows."""
    return content_hash(
        {
            "date": effective_date.isoformat(),
            "currency": currency,
            "kind": kind,
            "reverses": reverses_entry_id,
            "lines": sorted(lines),
        }
    )


@dataclass(frozen=True, slots=True)
class PostResult:
    """Outcome of one draft: ``created``, ``exists`` (idempotent replay) or ``rejected`` with the error."""

    key: str
    outcome: Literal["created", "exists", "rejected"]
    entry_id: int | None = None
    error: LedgerError | None = field(default=None, compare=False)


def post_entry(session: Session, draft: EntryDraft, *, today: date | None = None) -> PostResult:
    """Post one entry in the caller's transaction; raise the ``LedgerError`` if it is refused."""
    (result,) = post_entries(session, [draft], today=today)
    if result.error is not None:
        raise result.error
    return result


def post_entries(session: Session, drafts: Sequence[EntryDraft], *, today: date | None = None) -> list[PostResult]:
    """Post a batch; each draft gets its own result and a refused draft never blocks the others.

    Runs in the caller's transaction and does not commit. Results are in the order of ``drafts``.
    """
    context = _ValidationContext.load(session, drafts, today or business_today())
    results: dict[int, PostResult] = {}
    accepted: dict[str, tuple[EntryDraft, str]] = {}
    for index, draft in enumerate(drafts):
        try:
            context.validate(draft)
        except LedgerError as error:
            results[index] = PostResult(draft.idempotency_key, "rejected", error=error)
            continue
        digest = draft.content_hash()
        earlier = accepted.get(draft.idempotency_key)
        if earlier is not None and earlier[1] != digest:
            conflict = IdempotencyConflict(draft.idempotency_key, None, earlier[1], digest)
            results[index] = PostResult(draft.idempotency_key, "rejected", error=conflict)
            continue
        accepted.setdefault(draft.idempotency_key, (draft, digest))

    created = _insert_entries(session, accepted)
    existing = existing_by_key(session, table_of(JournalEntry), [key for key in accepted if key not in created])
    reported: set[str] = set()
    for index, draft in enumerate(drafts):
        if index in results:
            continue
        key = draft.idempotency_key
        digest = accepted[key][1]
        if key in created:
            results[index] = PostResult(key, "exists" if key in reported else "created", created[key])
            reported.add(key)
            continue
        entry_id, stored_hash = existing[key]
        if stored_hash == digest:
            results[index] = PostResult(key, "exists", entry_id)
        else:
            conflict = IdempotencyConflict(key, entry_id, stored_hash, digest)
            results[index] = PostResult(key, "rejected", entry_id, conflict)
    return [results[index] for index in range(len(drafts))]


def reverse_entry(
    session: Session,
    entry_id: int,
    reason: str,
    *,
    effective_date: date | None = None,
    today: date | None = None,
) -> PostResult:
    """Post the mirror of entry ``entry_id`` (debits ↔ credits); refuse a second reversal.

    The reversal is dated ``effective_date`` (default: today), so reversing an entry from a closed period
    lands in the open period, as corrections must.
    """
    original = session.get(JournalEntry, entry_id)
    if original is None:
        raise EntryNotFound(f"no journal entry {entry_id}")
    if original.kind == "REVERSAL":
        raise InvalidEntry(f"entry {entry_id} is itself a reversal; post a new entry instead")
    existing = session.scalar(select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry_id))
    if existing is not None:
        raise AlreadyReversed(f"entry {entry_id} was already reversed by entry {existing}")
    today = today or business_today()
    draft = EntryDraft(
        idempotency_key=f"{original.idempotency_key}#reversal",
        effective_date=effective_date or today,
        lines=tuple(
            LineDraft(
                line.account_code,
                "C" if line.side == "D" else "D",
                line.amount,
                line.member_no,
                line.shop_ref,
                line.tag,
            )
            for line in original.lines
        ),
        description=f"Reversal of entry {entry_id}: {reason}",
        currency=original.currency,
        kind="REVERSAL",
        source_type=original.source_type,
        source_ref=original.source_ref,
        reverses_entry_id=entry_id,
    )
    result = post_entry(session, draft, today=today)
    if result.outcome == "exists":
        raise AlreadyReversed(f"entry {entry_id} was already reversed by entry {result.entry_id}")
    return result


def _insert_entries(session: Session, accepted: dict[str, tuple[EntryDraft, str]]) -> dict[str, int]:
    recorded_at = datetime.now(UTC)
    staged = uses_staging(session)
    created = insert_absent(
        session,
        table_of(JournalEntry),
        [
            {
                "idempotency_key": key,
                "content_hash": digest,
                "kind": draft.kind,
                "effective_date": draft.effective_date,
                "recorded_at": recorded_at,
                "currency": draft.currency,
                "description": draft.description,
                "source_type": draft.source_type,
                "source_ref": draft.source_ref,
                "reverses_entry_id": draft.reverses_entry_id,
            }
            for key, (draft, digest) in accepted.items()
        ],
    )
    if staged:  # every new entry's lines in one COPY: one statement, which the balance trigger checks
        copy_rows(session, table_of(JournalLine), _line_rows(accepted, created))
        return created
    # One multi-row INSERT per chunk of whole entries: PostgreSQL's balance trigger checks each statement.
    chunk: list[dict[str, object]] = []
    for key, (draft, _) in accepted.items():
        if key not in created:
            continue
        chunk.extend(_entry_line_rows(created[key], draft))
        if len(chunk) >= LINES_PER_STATEMENT:
            insert_rows(session, table_of(JournalLine), chunk)
            chunk = []
    if chunk:
        insert_rows(session, table_of(JournalLine), chunk)
    return created


def _line_rows(accepted: dict[str, tuple[EntryDraft, str]], created: dict[str, int]) -> list[dict[str, object]]:
    """The journal-line rows of the entries just created, in the order the row path writes them."""
    return [
        row for key, (draft, _) in accepted.items() if key in created for row in _entry_line_rows(created[key], draft)
    ]


def _entry_line_rows(entry_id: int, draft: EntryDraft) -> list[dict[str, object]]:
    """One entry's lines as ``journal_lines`` rows, numbered from 1 in the draft's order."""
    return [
        {
            "entry_id": entry_id,
            "line_no": number,
            "account_code": line.account,
            "side": line.side,
            "amount": line.amount,
            "member_no": line.member_no,
            "shop_ref": line.shop_ref,
            "tag": line.tag,
        }
        for number, line in enumerate(draft.lines, start=1)
    ]


@dataclass
class _ValidationContext:
    accounts: dict[str, Account]
    known_members: set[str]
    closed_through: date | None
    today: date

    @classmethod
    def load(cls, session: Session, drafts: Iterable[EntryDraft], today: date) -> _ValidationContext:
        member_nos = {line.member_no for draft in drafts for line in draft.lines if line.member_no}
        known: set[str] = set()
        ordered = sorted(member_nos)
        for start in range(0, len(ordered), 1000):
            chunk = ordered[start : start + 1000]
            known.update(session.scalars(select(Member.member_no).where(Member.member_no.in_(chunk))))
        return cls(
            accounts={account.code: account for account in session.scalars(select(Account))},
            known_members=known,
            closed_through=session.scalar(select(func.max(ClosedPeriod.closed_through))),
            today=today,
        )

    def validate(self, draft: EntryDraft) -> None:
        key = draft.idempotency_key
        if not key or len(key) > 255:
            raise InvalidEntry(f"idempotency key must be 1–255 characters, got {key!r}")
        if not 2 <= len(draft.lines) <= LINES_PER_STATEMENT:
            raise InvalidEntry(
                f"entry {key!r} has {len(draft.lines)} lines; an entry needs 2 to {LINES_PER_STATEMENT}"
                " (split a larger posting into several balanced entries)"
            )
        if draft.currency != "IDR":
            raise InvalidEntry(f"entry {key!r}: currency {draft.currency!r} is not supported (IDR only)")
        debits = credits = 0
        for number, line in enumerate(draft.lines, start=1):
            self._validate_line(key, number, line)
            if line.side == "D":
                debits += line.amount
            else:
                credits += line.amount
        if debits != credits:
            raise Unbalanced(key, debits, credits)
        if self.closed_through is not None and draft.effective_date <= self.closed_through:
            raise PeriodClosed(
                f"entry {key!r} is dated {draft.effective_date}, inside the period closed through"
                f" {self.closed_through}; post the correction in the open period"
            )
        if draft.effective_date > self.today + FUTURE_SKEW:
            raise FutureDated(f"entry {key!r} is dated {draft.effective_date}, after today {self.today}")

    def _validate_line(self, key: str, number: int, line: LineDraft) -> None:
        where = f"entry {key!r} line {number}"
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise InvalidEntry(f"{where}: amount must be an int of ledger units, got {type(line.amount).__name__}")
        if line.amount <= 0:
            raise InvalidEntry(f"{where}: amount must be positive, got {line.amount}")
        if line.side not in ("D", "C"):
            raise InvalidEntry(f"{where}: side must be 'D' or 'C', got {line.side!r}")
        account = self.accounts.get(line.account)
        if account is None:
            raise UnknownAccount(f"{where}: account {line.account!r} is not in the chart of accounts")
        if not account.postable:
            raise UnknownAccount(f"{where}: account {line.account} is a header account and cannot be posted to")
        if account.dimension == "member" and not line.member_no:
            raise DimensionMissing(f"{where}: account {line.account} is a member subledger; name the member")
        if account.dimension == "shop" and not line.shop_ref:
            raise DimensionMissing(f"{where}: account {line.account} is kept per shop; name the shop")
        if line.member_no and line.member_no not in self.known_members:
            raise UnknownMember(f"{where}: member {line.member_no!r} does not exist")
