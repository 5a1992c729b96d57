"""Fault injection for sandboxes: the same switches on every platform, rendered in each platform's dialect.

Counters such as ``server_errors = 3`` mean "the next three requests"; ``*_every`` means "every Nth request".
Admin requests (``/_sandbox/…``) and auth endpoints are never faulted unless a switch says so.
"""

from __future__ import annotations

import threading
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any


@dataclass
class FaultPlan:
    rate_limit: int = 0  # the next N requests get the platform's rate-limit answer
    rate_limit_every: int = 0  # every Nth request is rate-limited
    retry_after: int = 1  # seconds, where the platform sends a hint
    server_errors: int = 0  # next N requests answer 5xx
    slow: int = 0  # next N requests sleep ``slow_seconds`` before answering
    slow_seconds: float = 2.0
    connection_resets: int = 0  # next N requests have their connection aborted
    malformed_json: int = 0  # next N bodies are not JSON
    malformed_path: str = ""  # if set, malformed_json only hits requests whose path ends with this
    truncated: int = 0  # next N bodies are cut in half
    duplicate_across_pages: bool = False  # each page repeats the last record of the previous page
    out_of_order: bool = False  # records within a page come in reverse order
    expire_token_after: int = 0  # the current access token stops working after N more requests
    corrupt_records: list[str] = field(default_factory=list)  # record ids whose payload is made invalid
    request_count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name for f in fields(self) if not f.name.startswith("_")}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault switch(es): {', '.join(sorted(unknown))}")
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)

    def reset(self) -> None:
        with self._lock:
            for switch in fields(self):
                if not switch.name.startswith("_"):
                    default = switch.default_factory() if switch.default_factory is not MISSING else switch.default
                    setattr(self, switch.name, default)

    def snapshot(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}

    def next_request(self, path: str = "") -> set[str]:
        """Count one request and return the faults to apply to it (consuming one-shot counters)."""
        with self._lock:
            self.request_count += 1
            faults: set[str] = set()
            if self.rate_limit:
                self.rate_limit -= 1
                faults.add("rate_limit")
            elif self.rate_limit_every and self.request_count % self.rate_limit_every == 0:
                faults.add("rate_limit")
            for name in ("server_errors", "slow", "connection_resets", "malformed_json", "truncated"):
                if name == "malformed_json" and self.malformed_path and not path.endswith(self.malformed_path):
                    continue
                if not faults - {"slow"} and getattr(self, name):
                    setattr(self, name, getattr(self, name) - 1)
                    faults.add(name)
            if self.expire_token_after:
                self.expire_token_after -= 1
                if self.expire_token_after == 0:
                    faults.add("expire_token")
            return faults
