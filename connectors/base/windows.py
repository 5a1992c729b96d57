"""Time windows: half-open ``[start, end)`` in UTC, split to a platform's maximum span."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("window bounds must be timezone-aware")
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")

    @classmethod
    def of(cls, start: datetime, end: datetime) -> Window:
        return cls(start.astimezone(UTC), end.astimezone(UTC))

    def split(self, max_span: timedelta) -> Iterator[Window]:
        """Consecutive sub-windows no longer than ``max_span`` that exactly tile this one."""
        cursor = self.start
        while cursor < self.end:
            upper = min(cursor + max_span, self.end)
            yield Window(cursor, upper)
            cursor = upper

    def with_lookback(self, lookback: timedelta) -> Window:
        return Window(self.start - lookback, self.end)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def start_ts(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_ts(self) -> int:
        return int(self.end.timestamp())

    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def from_timestamp(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
