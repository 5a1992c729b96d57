"""The one ``Retry-After`` reader: seconds or an HTTP-date (RFC 9110 §10.2.3), never raising.

Error classification runs inside the HTTP layer's retry loop: a header it cannot read must not turn a rate limit
into a crash. Like stripe-python, anything unreadable (garbage, an impossible date) means "no hint", and the
client's own backoff applies; a date in the past means "now".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or None if there is none or it cannot be read."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        return _from_http_date(text, now)
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _from_http_date(text: str, now: Callable[[], datetime]) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # RFC 850 / asctime forms carry no zone: HTTP-dates are GMT
        moment = moment.replace(tzinfo=UTC)
    return max((moment - now()).total_seconds(), 0.0)
