"""Named refusals of the profit-sharing code; each message says what an operator can do about it."""

from __future__ import annotations

from foundation.allocation_split import AllocationSplitError


class ShuError(Exception):
    """Base class: nothing was posted or stored."""


class AllocationError(ShuError, AllocationSplitError):
    """The allocation is not usable: basis points that do not sum to 10 000, a negative surplus, a bad member list.

    An ``AllocationSplitError`` (and so a ``ValueError``) too: a bad split is the same refusal whether the
    configuration or the computation meets it.
    """


class NoComputation(ShuError, LookupError):
    """``shu post`` found no stored computation to approve (run ``shu compute`` first)."""


class InputsChanged(ShuError):
    """The ledger no longer gives the inputs that were computed and approved; the message names both hashes."""

    def __init__(self, year: int, approved_hash: str, current_hash: str, changes: list[str]) -> None:
        shown = changes[:10] + ([f"… and {len(changes) - 10} more"] if len(changes) > 10 else [])
        super().__init__(
            f"SHU {year}: the inputs changed since the approved compute — approved inputs hash {approved_hash},"
            f" the ledger now gives {current_hash}; nothing was posted. Changed: {'; '.join(shown) or 'unknown'}."
            " Run `omnikop shu compute` again and have the new figures approved."
        )
        self.year, self.approved_hash, self.current_hash, self.changes = year, approved_hash, current_hash, changes


class AlreadyPosted(ShuError):
    """SHU for the year was already posted from different inputs; a correction is an adjustment, not a re-post."""


class NothingToDistribute(ShuError):
    """The surplus is zero or the books do not hold it on 3-1600."""


class SavingsImportRejected(ShuError):
    """The savings file has bad rows; nothing was imported."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:50] + ([f"… and {len(problems) - 50} more"] if len(problems) > 50 else [])
        super().__init__(f"{source}: {len(problems)} problem(s), nothing imported:\n  " + "\n  ".join(shown))
        self.source, self.problems = source, problems
