"""The member register from and to CSV, with opening savings balances.

Every row is validated first; one bad row imports nothing (``foundation.csv_import``). Opening savings
(``SAVINGS_COLUMNS``) are posted through ``shu.savings`` as of ``savings_as_of`` (default the join date), in the
same transaction as the members, so a refused balance undoes the whole file.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.csv_import import ImportRejected, ImportResult, csv_date, csv_rows
from ledger.members import STATUSES
from ledger.models import Member
from shu.errors import SavingsImportRejected
from shu.savings import SavingsMovement, opening_balance, post_savings

MEMBER_COLUMNS = ["member_no", "name", "join_date", "status", "exit_date"]
# Optional: opening savings balances, posted through ``shu.savings`` as of ``savings_as_of`` (default join_date).
SAVINGS_COLUMNS = ["simpanan_pokok", "simpanan_wajib", "simpanan_sukarela"]


def import_members(session: Session, handle: TextIO, source: str = "members.csv") -> ImportResult:
    problems: list[str] = []
    parsed: list[dict[str, object]] = []
    savings: list[SavingsMovement] = []
    seen: set[str] = set()
    for line, row in csv_rows(handle, ["member_no", "name", "join_date"], source):
        member_no, status = row.get("member_no", ""), row.get("status") or "active"
        if not member_no or len(member_no) > 20:
            problems.append(f"line {line}: member_no must be 1–20 characters")
        elif member_no in seen:
            problems.append(f"line {line}: member {member_no} appears twice")
        seen.add(member_no)
        if not row.get("name"):
            problems.append(f"line {line}: name is required")
        if status not in STATUSES:
            problems.append(f"line {line}: status {status!r} is not one of {', '.join(STATUSES)}")
        joined = csv_date(row.get("join_date", ""), "join_date", line, problems)
        exited = csv_date(row.get("exit_date", ""), "exit_date", line, problems, required=False)
        if joined and exited and exited < joined:
            problems.append(f"line {line}: exit_date is before join_date")
        as_of = csv_date(row.get("savings_as_of", ""), "savings_as_of", line, problems, required=False) or joined
        for column in SAVINGS_COLUMNS:
            value = row.get(column, "")
            if value and not value.isdigit():
                problems.append(f"line {line}: {column} {value!r} must be a whole rupiah amount")
            elif value and int(value) and as_of:
                savings.append(opening_balance(member_no, column.removeprefix("simpanan_"), int(value), as_of, line))
        parsed.append(
            {
                "member_no": member_no,
                "name": row.get("name"),
                "join_date": joined,
                "status": status,
                "exit_date": exited,
            }
        )
    if problems:
        raise ImportRejected(source, problems)
    with session.begin_nested():  # savings are posted after the members exist; a refusal undoes both
        result = _write_members(session, parsed, seen)
        if savings:
            try:
                posted, existing = post_savings(session, savings, source)
            except SavingsImportRejected as rejected:
                raise ImportRejected(source, rejected.problems) from None
            result.notes.append(f"savings opening balances: {posted} posted, {existing} already posted")
    return result


def _write_members(session: Session, parsed: list[dict[str, object]], seen: set[str]) -> ImportResult:
    result = ImportResult()
    existing = {m.member_no: m for m in session.scalars(select(Member).where(Member.member_no.in_(sorted(seen))))}
    for values in parsed:
        member = existing.get(str(values["member_no"]))
        if member is None:
            session.add(Member(**values, created_at=datetime.now(UTC)))
            result.added += 1
        elif (member.name, member.join_date, member.status, member.exit_date) == (
            values["name"],
            values["join_date"],
            values["status"],
            values["exit_date"],
        ):
            result.unchanged += 1
        else:
            member.name, member.join_date = values["name"], values["join_date"]  # type: ignore[assignment]
            member.status, member.exit_date = values["status"], values["exit_date"]  # type: ignore[assignment]
            result.updated += 1
    session.flush()
    return result


def export_members(session: Session, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(MEMBER_COLUMNS)
    count = 0
    for member in session.scalars(select(Member).order_by(Member.member_no)):
        writer.writerow(
            [
                member.member_no,
                member.name,
                member.join_date.isoformat(),
                member.status,
                member.exit_date.isoformat() if member.exit_date else "",
            ]
        )
        count += 1
    return count
