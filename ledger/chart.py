"""The koperasi chart of accounts, seeded from ``ledger/data/chart_of_accounts.csv`` plus the rows the caller
declares (``omnikop.migrate`` adds each connector's marketplace receivable, so a new platform brings its own
account without an edit to the data file; the ledger itself knows no platform)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Account

CHART_FILE = Path(__file__).parent / "data" / "chart_of_accounts.csv"
MARKETPLACE_RECEIVABLES = "1-1300"  # the summary account every platform's receivable sits under


class ChartDrift(Exception):
    """The database's chart disagrees with the data file on something that changes the books' meaning."""


@dataclass(frozen=True, slots=True)
class AccountSpec:
    code: str
    name: str
    type: str
    normal_side: str
    postable: bool
    dimension: str | None
    parent_code: str | None


def read_chart(path: Path = CHART_FILE) -> list[AccountSpec]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            AccountSpec(
                code=row["code"],
                name=row["name"],
                type=row["type"],
                normal_side=row["normal_side"],
                postable=row["postable"] == "true",
                dimension=row["dimension"] or None,
                parent_code=row["parent_code"] or None,
            )
            for row in csv.DictReader(handle)
        ]


def marketplace_receivable(code: str, name: str) -> AccountSpec:
    """A platform's receivable row: a postable asset under 1-1300 whose every line names the shop."""
    return AccountSpec(code, name, "ASSET", "D", True, "shop", MARKETPLACE_RECEIVABLES)


def chart_rows(path: Path = CHART_FILE, declared: Iterable[AccountSpec] = ()) -> list[AccountSpec]:
    """The data file's rows and the declared ones, by code; a declared code the file (or another declaration)
    already has is refused unless the rows are identical, so no declaration can redefine an account."""
    rows = {spec.code: spec for spec in read_chart(path)}
    for spec in declared:
        if rows.setdefault(spec.code, spec) != spec:
            raise ChartDrift(f"account {spec.code} is declared as {spec} but the chart already has {rows[spec.code]}")
    return list(rows.values())  # the file's order, then the declared rows: parents before children


def seed_chart(session: Session, path: Path = CHART_FILE, declared: Iterable[AccountSpec] = ()) -> int:
    """Insert accounts missing from the database (the data file's and ``declared``); return how many were added.

    Names may be corrected in place (they are labels), but a changed type, normal side or dimension of an
    existing account raises ``ChartDrift``: it would silently change the meaning of posted entries.
    """
    existing = {account.code: account for account in session.scalars(select(Account))}
    added = 0
    for spec in chart_rows(path, declared):
        account = existing.get(spec.code)
        if account is None:
            session.add(Account(**_fields(spec)))
            added += 1
            continue
        if (account.type, account.normal_side, account.dimension) != (spec.type, spec.normal_side, spec.dimension):
            raise ChartDrift(
                f"account {spec.code} is {account.type}/{account.normal_side}/{account.dimension} in the database"
                f" but {spec.type}/{spec.normal_side}/{spec.dimension} in {path.name}; open a new account instead"
            )
        account.name = spec.name
    session.flush()
    return added


def _fields(spec: AccountSpec) -> dict[str, object]:
    return {name: getattr(spec, name) for name in AccountSpec.__slots__}
