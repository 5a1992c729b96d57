"""Member savings (simpanan pokok, wajib, sukarela) from CSV into their own accounts, per member (§1.6).

Two file shapes, told apart by their header:

- **balances** ``member_no,kind,amount,as_of`` — opening balances brought into the books once per member and
  kind (key ``savings:opening:<member>:<kind>``; the members CSV's savings columns post the same entries);
- **transactions** ``member_no,kind,date,amount,reference`` — deposits (+) and withdrawals (−), once per
  member, kind and reference (key ``savings:<kind>:<member>:<reference>``).

Deposits post Dr 1-1200 bank / Cr 3-1100 pokok | 3-1200 wajib | 2-1300 sukarela (member subledger); withdrawals
the reverse. Every row is checked first — member exists, amounts whole rupiah, no balance of any kind goes
negative on any day (counting what the ledger already holds) — and one bad row imports nothing, with every
problem listed by line (line 1 is the header). Re-importing a file posts nothing new.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.idempotent import existing_by_key
from ledger.models import JournalEntry, JournalLine, Member, table_of
from ledger.posting import EntryDraft, credit, debit, post_entries
from shu.accounts import BANK, SAVINGS_ACCOUNTS, SAVINGS_TAG
from shu.errors import SavingsImportRejected
from shu.figures import NET_CREDIT

BALANCE_COLUMNS = ["member_no", "kind", "amount", "as_of"]
TRANSACTION_COLUMNS = ["member_no", "kind", "date", "amount", "reference"]
KINDS = tuple(SAVINGS_ACCOUNTS)
WHOLE_RUPIAH = re.compile(r"[+-]?\d+")


@dataclass(frozen=True, slots=True)
class SavingsMovement:
    line: int
    member_no: str
    kind: str
    day: date
    amount: int  # + deposit, − withdrawal
    key: str
    description: str

    def draft(self) -> EntryDraft:
        account, amount = SAVINGS_ACCOUNTS[self.kind], abs(self.amount)
        member = {"member_no": self.member_no, "tag": SAVINGS_TAG}
        lines = (
            (debit(BANK, amount), credit(account, amount, **member))
            if self.amount > 0
            else (debit(account, amount, **member), credit(BANK, amount))
        )
        return EntryDraft(self.key, self.day, lines, self.description, source_type="savings", source_ref=self.key)


@dataclass(frozen=True, slots=True)
class SavingsImportResult:
    shape: str
    rows: int
    posted: int
    already_posted: int


def opening_balance(member_no: str, kind: str, amount: int, as_of: date, line: int) -> SavingsMovement:
    """A balance brought into the books (also used by the members CSV's simpanan columns)."""
    return SavingsMovement(
        line,
        member_no,
        kind,
        as_of,
        amount,
        f"savings:opening:{member_no}:{kind}",
        f"Saldo awal simpanan {kind} anggota {member_no} per {as_of.isoformat()}",
    )


def import_savings(session: Session, handle: TextIO, source: str = "savings.csv") -> SavingsImportResult:
    """Read a balances or transactions file and post it whole, or raise ``SavingsImportRejected``."""
    shape, movements = read_savings_csv(handle, source)
    posted, existing = post_savings(session, movements, source)
    return SavingsImportResult(shape, len(movements), posted, existing)


def read_savings_csv(handle: TextIO, source: str) -> tuple[str, list[SavingsMovement]]:
    reader = csv.DictReader(handle)
    header = set(reader.fieldnames or [])
    if set(BALANCE_COLUMNS) <= header:
        shape = "balances"
    elif set(TRANSACTION_COLUMNS) <= header:
        shape = "transactions"
    else:
        raise SavingsImportRejected(
            source,
            [f"line 1: expected columns {','.join(BALANCE_COLUMNS)} or {','.join(TRANSACTION_COLUMNS)}"],
        )
    problems: list[str] = []
    movements: list[SavingsMovement] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in raw.items() if key}
        movement = _parse_row(shape, line, row, problems)
        if movement is None:
            continue
        if movement.key in seen:
            problems.append(f"line {line}: repeats line {seen[movement.key]} ({movement.key})")
            continue
        seen[movement.key] = line
        if movement.amount:
            movements.append(movement)
    if problems:
        raise SavingsImportRejected(source, problems)
    return shape, movements


def _parse_row(shape: str, line: int, row: dict[str, str], problems: list[str]) -> SavingsMovement | None:
    found = len(problems)
    member_no, kind, text = row.get("member_no", ""), row.get("kind", ""), row.get("amount", "")
    if not member_no:
        problems.append(f"line {line}: member_no is required")
    if kind not in KINDS:
        problems.append(f"line {line}: kind {kind!r} must be one of {', '.join(KINDS)}")
    if not WHOLE_RUPIAH.fullmatch(text):
        problems.append(f"line {line}: amount {text!r} must be whole rupiah (digits, '-' for a withdrawal)")
    column = "as_of" if shape == "balances" else "date"
    try:
        day = date.fromisoformat(row.get(column, ""))
    except ValueError:
        problems.append(f"line {line}: {column} {row.get(column, '')!r} is not a date (YYYY-MM-DD)")
    reference = row.get("reference", "")
    if shape == "transactions" and not reference:
        problems.append(f"line {line}: reference is required (it makes the row idempotent)")
    if len(problems) > found:
        return None
    amount = int(text)
    if shape == "balances":
        if amount < 0:
            problems.append(f"line {line}: an opening balance cannot be negative ({amount})")
            return None
        return opening_balance(member_no, kind, amount, day, line)
    if amount == 0:
        problems.append(f"line {line}: amount must not be zero")
        return None
    verb = "Setoran" if amount > 0 else "Penarikan"
    return SavingsMovement(
        line,
        member_no,
        kind,
        day,
        amount,
        f"savings:{kind}:{member_no}:{reference}",
        f"{verb} simpanan {kind} anggota {member_no} ({reference})",
    )


def post_savings(session: Session, movements: Sequence[SavingsMovement], source: str) -> tuple[int, int]:
    """Validate against the ledger and post all movements, or none; return (posted, already posted)."""
    known = _existing_members(session, {m.member_no for m in movements})
    problems = [
        f"line {m.line}: member {m.member_no!r} does not exist (import members first)"
        for m in movements
        if m.member_no not in known
    ]
    already = existing_by_key(session, table_of(JournalEntry), [m.key for m in movements])
    problems += _negative_balances(session, [m for m in movements if m.key not in already and m.member_no in known])
    if problems:
        raise SavingsImportRejected(source, problems)
    with session.begin_nested():  # a refusal below rolls back this file's entries, whatever the caller does
        results = post_entries(session, [m.draft() for m in movements])
        refused = [f"line {m.line}: {r.error}" for m, r in zip(movements, results, strict=True) if r.error]
        if refused:
            raise SavingsImportRejected(source, refused)
    posted = sum(1 for result in results if result.outcome == "created")
    return posted, len(results) - posted


def _negative_balances(session: Session, new: Sequence[SavingsMovement]) -> list[str]:
    """No savings balance may be negative at the end of any day (sukarela above all: §3.1 item 7)."""
    problems: list[str] = []
    by_account: dict[tuple[str, str], list[SavingsMovement]] = defaultdict(list)
    for movement in new:
        by_account[(movement.member_no, movement.kind)].append(movement)
    for kind in KINDS:
        members = {member for member, k in by_account if k == kind}
        if not members:
            continue
        booked = _daily_net(session, SAVINGS_ACCOUNTS[kind], members)
        for member in sorted(members):
            daily = dict(booked.get(member, {}))
            rows = by_account[(member, kind)]
            for movement in rows:
                daily[movement.day] = daily.get(movement.day, 0) + movement.amount
            balance = 0
            for day in sorted(daily):
                balance += daily[day]
                if balance < 0:
                    candidates = [m for m in rows if m.day <= day] or rows
                    culprit = max(candidates, key=lambda m: (m.amount < 0, m.day, m.line))
                    problems.append(
                        f"line {culprit.line}: simpanan {kind} of member {member} would be {balance} on"
                        f" {day.isoformat()}; a balance cannot go negative"
                    )
                    break
    return problems


def _daily_net(session: Session, account: str, members: Iterable[str]) -> dict[str, dict[date, int]]:
    result: dict[str, dict[date, int]] = defaultdict(dict)
    ordered = sorted(members)
    for start in range(0, len(ordered), 500):
        query = (
            select(JournalLine.member_no, JournalEntry.effective_date, NET_CREDIT)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_code == account, JournalLine.member_no.in_(ordered[start : start + 500]))
            .group_by(JournalLine.member_no, JournalEntry.effective_date)
        )
        for member, day, net in session.execute(query):
            result[member][day] = int(net)
    return result


def _existing_members(session: Session, member_nos: set[str]) -> set[str]:
    ordered, known = sorted(member_nos), set[str]()
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        known.update(session.scalars(select(Member.member_no).where(Member.member_no.in_(chunk))))
    return known
