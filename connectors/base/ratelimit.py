"""Client-side rate limiting: a token bucket per platform, shared by every client in the process.

Across processes the Airflow pool of each platform bounds concurrency; this bucket keeps one process under
the partner's per-second limit so the platform's 429s stay the exception, not the steering signal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        rate_per_second: float,
        burst: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.rate = rate_per_second
        self.capacity = float(burst if burst is not None else max(1, int(rate_per_second)))
        self._tokens = self.capacity
        self._clock, self._sleep = clock, sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; return the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate
            self._tokens -= 1
        if wait:
            self._sleep(wait)
        return wait


_shared: dict[str, RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(platform: str, rate_per_second: float, burst: int | None = None) -> RateLimiter:
    """The process-wide limiter for ``platform`` (created on first use)."""
    with _shared_lock:
        limiter = _shared.get(platform)
        if limiter is None or limiter.rate != rate_per_second:
            limiter = _shared[platform] = RateLimiter(rate_per_second, burst)
        return limiter
