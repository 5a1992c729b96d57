"""The koperasi chart of accounts, seeded from ``ledger/data/chart_of_accounts.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Account

CHART_FILE = Path(__file__).parent / "data" / "chart_of_accounts.csv"


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


def seed_chart(session: Session, path: Path = CHART_FILE) -> int:
    """Insert accounts missing from the database; return how many were added.

    Names may be corrected in place (they are labels), but a changed type, normal side or dimension of an
    existing account raises ``ChartDrift``: it would silently change the meaning of posted entries.
    """
    existing = {account.code: account for account in session.scalars(select(Account))}
    added = 0
    for spec in read_chart(path):
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
