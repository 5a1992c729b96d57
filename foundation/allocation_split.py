"""The AD/ART split of the year's SHU in basis points: its components, the placeholder defaults and the check.

In the foundation because the configuration file validates ``shu.allocation_bps`` while it loads (a bad split
is refused with the offending key named), and the configuration must not import the SHU package that reads it.
``shu.allocation`` computes the pools from a split that passed this check.
"""

from __future__ import annotations

from collections.abc import Mapping


class AllocationSplitError(ValueError):
    """The split is not usable (unknown component, a value out of range, a sum other than 10 000 bp).

    A ``ValueError``, so configuration validation (pydantic) reports it against the offending key."""


TOTAL_BPS = 10_000
RESERVE, PATRONAGE, CAPITAL = "cadangan", "jasa_usaha", "jasa_modal"
# Every component an AD/ART allocates, in the order the RAT report lists them.
COMPONENTS: tuple[str, ...] = (
    RESERVE,
    PATRONAGE,
    CAPITAL,
    "pengurus",
    "karyawan",
    "pendidikan",
    "sosial",
    "pembangunan_daerah",
)
# Placeholder defaults of coop_accounting.md §1.3 / design §5: must be replaced by the coop's AD/ART values.
DEFAULT_BPS: dict[str, int] = {
    RESERVE: 4000,
    PATRONAGE: 2500,
    CAPITAL: 2000,
    "pengurus": 500,
    "karyawan": 500,
    "pendidikan": 250,
    "sosial": 250,
    "pembangunan_daerah": 0,
}


def check_bps(bps: Mapping[str, int]) -> dict[str, int]:
    """Validate an allocation and return it with every component present (missing ones are 0).

    Refuses unknown components, non-integer or out-of-range values and — above all — a sum other than 10 000 bp,
    naming the sum, so the 105 % textbook split (coop_accounting.md §1.3) can never slip through.
    """
    unknown = sorted(set(bps) - set(COMPONENTS))
    if unknown:
        raise AllocationSplitError(
            f"unknown allocation component(s) {', '.join(unknown)}; known: {', '.join(COMPONENTS)}"
        )
    for component, value in bps.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= TOTAL_BPS:
            raise AllocationSplitError(f"allocation_bps.{component} must be a whole number of basis points 0–10000")
    total = sum(bps.values())
    if total != TOTAL_BPS:
        parts = " + ".join(f"{component} {value}" for component, value in bps.items() if value)
        raise AllocationSplitError(
            f"allocation_bps sum to {total} basis points, not {TOTAL_BPS} ({parts or 'nothing'}); fix the AD/ART split"
        )
    return {component: int(bps.get(component, 0)) for component in COMPONENTS}
