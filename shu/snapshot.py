"""The frozen input snapshot of a year's SHU: everything the result depends on, as canonical JSON, and its hash.

Snapshot = S (and where it came from), the allocation, the eligibility rule, and each eligible member's volume
and capital base. The sha256 of its canonical JSON (sorted keys, no whitespace) is what the approver signs
off; posting re-derives the snapshot from the ledger and refuses if the hash moved (coop_accounting §3.1 item 12).
Member names, excluded members and the results are *not* inputs: they are derived or do not change the money.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.config import ShuConfig
from ledger.idempotent import content_hash
from ledger.models import Member
from ledger.money import member_sort_key
from shu.accounts import CAPITAL_ACCOUNTS, VOLUME_TAGS
from shu.allocation import MemberBasis, check_bps
from shu.eligibility import Eligibility, eligibility, year_bounds
from shu.figures import capital_balances, capital_changes, day_before, income_statement, member_volumes, rupiah_days

SNAPSHOT_VERSION = 1


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A member as the SHU tables show them: name and eligibility, plus full-year figures for excluded members."""

    member_no: str
    name: str
    eligibility: Eligibility
    volume: int
    capital: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    inputs: dict[str, Any]
    register: tuple[RegisterRow, ...]

    @property
    def hash(self) -> str:
        return inputs_hash(self.inputs)

    @property
    def members(self) -> list[MemberBasis]:
        return [MemberBasis(m["member_no"], m["volume"], m["capital"]) for m in self.inputs["members"]]


def canonical_json(inputs: dict[str, Any]) -> str:
    """The exact text that is hashed: ``sha256sum`` of a file holding it gives ``inputs_hash``."""
    return json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)


def inputs_hash(inputs: dict[str, Any]) -> str:
    return content_hash(inputs)


def take_snapshot(session: Session, year: int, config: ShuConfig, *, surplus: int | None = None) -> Snapshot:
    """Read the year's inputs from the ledger and the member register (``surplus`` given explicitly wins)."""
    start, close = year_bounds(year)
    source = "given" if surplus is not None else "ledger"
    if surplus is None:
        surplus = sum(income_statement(session, year).values())
    rules: dict[str, Eligibility] = {}
    names: dict[str, str] = {}
    for member in session.scalars(select(Member).where(Member.join_date <= close)):
        names[member.member_no] = member.name
        rules[member.member_no] = eligibility(
            year,
            member.status,
            member.join_date,
            member.exit_date,
            exited_members=config.exited_members,
            extraordinary_members=config.extraordinary_members,
        )
    eligible = {no: rule.until for no, rule in rules.items() if rule.eligible and rule.until is not None}
    volumes = member_volumes(session, start, close)
    closing = capital_balances(session, close)
    # Members counted only until their exit: their own, shorter window.
    for no, until in eligible.items():
        if until < close:
            volumes[no] = member_volumes(session, start, until, [no]).get(no, 0)
            closing[no] = capital_balances(session, until, [no]).get(no, 0)
    capital = _capital(session, config, eligible, closing, start)
    members = [
        {"member_no": no, "volume": volumes.get(no, 0), "capital": capital.get(no, 0), "until": until.isoformat()}
        for no, until in sorted(eligible.items(), key=lambda item: member_sort_key(item[0]))
    ]
    inputs = {
        "version": SNAPSHOT_VERSION,
        "year": year,
        "surplus": surplus,
        "surplus_source": source,
        "allocation_bps": check_bps(config.allocation_bps),
        "rule": {
            "book_close": close.isoformat(),
            "exited_members": config.exited_members,
            "extraordinary_members": config.extraordinary_members,
            "capital_base": config.capital_base,
            "capital_accounts": list(CAPITAL_ACCOUNTS),
            "volume_tags": list(VOLUME_TAGS),
            "denominators": "eligible members only",
            "ties": "largest remainder, ties to the lowest member number",
        },
        "members": members,
    }
    register = tuple(
        RegisterRow(no, names[no], rule, volumes.get(no, 0), capital.get(no, closing.get(no, 0)))
        for no, rule in sorted(rules.items(), key=lambda item: member_sort_key(item[0]))
        if rule.eligible or volumes.get(no, 0) or closing.get(no, 0)
    )
    return Snapshot(inputs, register)


def _capital(
    session: Session, config: ShuConfig, eligible: dict[str, date], closing: dict[str, int], start: date
) -> dict[str, int]:
    """Closing pokok + wajib, or the time-weighted rupiah-days over each member's counted span."""
    if config.capital_base == "closing":
        return {no: closing.get(no, 0) for no in eligible}
    opening = capital_balances(session, day_before(start), eligible)
    changes = capital_changes(session, start, max(eligible.values(), default=start))
    return {no: rupiah_days(opening.get(no, 0), changes.get(no, {}), start, until) for no, until in eligible.items()}


def diff_inputs(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed between two snapshots, in words an operator can act on."""
    changes = [
        f"{key} {old.get(key)!r} → {new.get(key)!r}"
        for key in sorted(set(old) | set(new))
        if key != "members" and old.get(key) != new.get(key)
    ]
    before = {m["member_no"]: m for m in old.get("members", [])}
    after = {m["member_no"]: m for m in new.get("members", [])}
    for no in sorted(set(before) | set(after), key=member_sort_key):
        if no not in after:
            changes.append(f"member {no} no longer eligible")
        elif no not in before:
            changes.append(f"member {no} now eligible")
        else:
            changes.extend(
                f"member {no} {field} {before[no][field]} → {after[no][field]}"
                for field in ("volume", "capital", "until")
                if before[no][field] != after[no][field]
            )
    return changes
