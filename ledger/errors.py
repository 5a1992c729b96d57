"""Named ledger outcomes that refuse a posting (TigerBeetle-style: every result has a name)."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class: the posting was refused and nothing was written."""

    code = "ledger_error"


class InvalidEntry(LedgerError):
    """The draft is malformed: fewer than two lines, a non-positive or non-integer amount, a bad side."""

    code = "invalid_entry"


class Unbalanced(LedgerError):
    code = "unbalanced"

    def __init__(self, key: str, debits: int, credits: int) -> None:
        super().__init__(f"entry {key!r} does not balance: debits {debits} ≠ credits {credits}")
        self.debits, self.credits = debits, credits


class UnknownAccount(LedgerError):
    code = "unknown_account"


class DimensionMissing(LedgerError):
    """A line on a member- or shop-subledger account does not name its member or shop."""

    code = "dimension_missing"


class UnknownMember(LedgerError):
    code = "unknown_member"


class PeriodClosed(LedgerError):
    code = "period_closed"


class FutureDated(LedgerError):
    code = "future_dated"


class IdempotencyConflict(LedgerError):
    """Same idempotency key, different content: never a silent overwrite, never a second entry."""

    code = "idempotency_conflict"

    def __init__(self, key: str, existing_id: int | None, existing_hash: str, new_hash: str) -> None:
        holder = f"entry {existing_id}" if existing_id is not None else "an earlier draft in the same batch"
        super().__init__(
            f"idempotency key {key!r} is already used by {holder} with content {existing_hash[:12]}…;"
            f" the new draft has different content {new_hash[:12]}… (post a new revision as an adjustment)"
        )
        self.key, self.existing_id = key, existing_id
        self.existing_hash, self.new_hash = existing_hash, new_hash


class AlreadyReversed(LedgerError):
    code = "already_reversed"


class EntryNotFound(LedgerError):
    code = "entry_not_found"
