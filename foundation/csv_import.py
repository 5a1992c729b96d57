"""What every admin CSV import shares: the header check, the row reader, the date column and the one refusal.

Every row is validated first; one bad row imports nothing. Errors name the line (line 1 is the header) and the
column, so an admin can fix the file and retry. Members (``members.csv_io``) and mappings
(``core_mapping.csv_io``) both import through these, so both files fail the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO


class ImportRejected(Exception):
    """The file has bad rows; nothing was imported."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = problems[:50] + ([f"… and {len(problems) - 50} more"] if len(problems) > 50 else [])
        super().__init__(f"{path}: {len(problems)} problem(s), nothing imported:\n  " + "\n  ".join(shown))
        self.problems = problems


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def csv_rows(handle: TextIO, required: list[str], source: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(handle)
    missing = [column for column in required if column not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected(source, [f"line 1: missing column(s) {', '.join(missing)}"])
    for number, row in enumerate(reader, start=2):
        yield number, {key: (value or "").strip() for key, value in row.items() if key}


def csv_date(value: str, column: str, line: int, problems: list[str], *, required: bool = True) -> date | None:
    if not value:
        if required:
            problems.append(f"line {line}: {column} is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"line {line}: {column} {value!r} is not a date (YYYY-MM-DD)")
        return None


def read_file(path: Path) -> TextIO:
    if not path.exists():
        raise ImportRejected(str(path), ["file does not exist"])
    return path.open(encoding="utf-8-sig", newline="")
