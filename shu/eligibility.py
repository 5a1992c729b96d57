"""Who shares in a year's SHU, and until when their business and capital count. Pure functions, no I/O.

The AD decides (coop_accounting.md §1.4, §3.3 item 2); the middleware implements one explicit, recorded rule:
a member shares if they were a member at book close (31 December of the financial year). Members who left
during the year are excluded (``exited_members: exclude``, the default) or share on their business and capital
up to the day before their exit date (``include_until_exit``): membership ends on the exit date, when simpanan
pokok and wajib are paid back. Anggota luar biasa share only if the AD says so (``extraordinary_members``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

ExitedRule = Literal["exclude", "include_until_exit"]
ExtraordinaryRule = Literal["exclude", "include"]


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: bool
    until: date | None  # the last day whose business and capital count (None when not eligible)
    reason: str


def year_bounds(year: int) -> tuple[date, date]:
    """The financial year (tahun buku) is the calendar year."""
    return date(year, 1, 1), date(year, 12, 31)


def eligibility(
    year: int,
    status: str,
    join_date: date,
    exit_date: date | None,
    *,
    exited_members: ExitedRule = "exclude",
    extraordinary_members: ExtraordinaryRule = "exclude",
) -> Eligibility:
    """Whether a member shares in year ``year``'s SHU, under the configured rule, with the reason in words."""
    start, close = year_bounds(year)
    if join_date > close:
        return Eligibility(False, None, f"joined {join_date.isoformat()}, after book close")
    if status == "extraordinary" and extraordinary_members == "exclude":
        return Eligibility(False, None, "anggota luar biasa (excluded by the AD rule)")
    if exit_date is None and status in ("exited", "deceased"):
        return Eligibility(False, None, f"{status} with no exit date recorded")
    if exit_date is None or exit_date > close:
        return Eligibility(True, close, "member at book close")
    if exit_date <= start:
        return Eligibility(False, None, f"left {exit_date.isoformat()}, before the year began")
    if exited_members == "exclude":
        return Eligibility(False, None, f"left {exit_date.isoformat()}, during the year (excluded)")
    return Eligibility(True, exit_date - timedelta(days=1), f"left {exit_date.isoformat()}; counted until exit")
