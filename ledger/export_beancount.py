"""Beancount export, so ``bean-check`` can verify the books independently and finance can browse them in Fava.

Accounts become ``<Root>:<code>[:Member-<no>|:Shop-<ref>]``; each journal entry becomes a transaction whose
postings carry signed amounts (debit +, credit −). A ``balance`` assertion per account after the last date
lets Beancount re-derive every balance and compare it with ours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import groupby
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Account, JournalEntry, JournalLine

ROOTS = {"ASSET": "Assets", "LIABILITY": "Liabilities", "EQUITY": "Equity", "REVENUE": "Income", "EXPENSE": "Expenses"}
OPEN_DATE = date(2000, 1, 1)


def beancount_account(root: str, code: str, member_no: str | None, shop_ref: str | None) -> str:
    name = f"{root}:{code}"
    if member_no:
        name += f":Member-{_component(member_no)}"
    if shop_ref:
        name += f":Shop-{_component(shop_ref)}"
    return name


def _component(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", value)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def write_beancount(session: Session, out: TextIO, title: str = "omnikop cooperative ledger") -> int:
    """Write the whole journal; return the number of transactions written."""
    roots = {code: ROOTS[kind] for code, kind in session.execute(select(Account.code, Account.type))}
    names = {code: name for code, name in session.execute(select(Account.code, Account.name))}
    body: list[str] = []
    totals: dict[str, int] = defaultdict(int)
    last_date = OPEN_DATE
    count = 0
    for entry, lines in _entries_with_lines(session):
        count += 1
        last_date = max(last_date, entry.effective_date)
        flag = "*"
        body.append(f"{entry.effective_date.isoformat()} {flag} {_quoted(entry.description or entry.idempotency_key)}")
        body.append(f"  entry-id: {_quoted(str(entry.id))}")
        body.append(f"  idempotency-key: {_quoted(entry.idempotency_key)}")
        if entry.reverses_entry_id is not None:
            body.append(f"  reverses: {_quoted(str(entry.reverses_entry_id))}")
        for line in lines:
            account = beancount_account(roots[line.account_code], line.account_code, line.member_no, line.shop_ref)
            signed = line.amount if line.side == "D" else -line.amount
            totals[account] += signed
            body.append(f"  {account}  {signed} {entry.currency}")
        body.append("")
    header = [f'option "title" {_quoted(title)}', 'option "operating_currency" "IDR"', ""]
    header += [f"{OPEN_DATE.isoformat()} commodity IDR", ""]
    for account in sorted(totals):
        code = account.split(":")[1]
        header.append(f"{OPEN_DATE.isoformat()} open {account} IDR")
        header.append(f"  name: {_quoted(names.get(code, code))}")
    header.append("")
    assertions = [
        f"{(last_date + timedelta(days=1)).isoformat()} balance {account}  {total} IDR"
        for account, total in sorted(totals.items())
    ]
    out.write("\n".join(header + body + assertions) + "\n")
    return count


def _entries_with_lines(session: Session) -> Iterator[tuple[JournalEntry, list[JournalLine]]]:
    query = (
        select(JournalEntry, JournalLine)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .order_by(JournalEntry.effective_date, JournalEntry.id, JournalLine.line_no)
        .execution_options(yield_per=5000)
    )
    for _, group in groupby(session.execute(query), key=lambda row: row[0].id):
        rows = list(group)
        yield rows[0][0], [row[1] for row in rows]
