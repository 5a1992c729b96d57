"""Legacy Tokopedia's envelope and rate-limit headers for the base status ladder (marketplace_apis.md §2.3).

The fs API answers ``{header{process_time, messages, reason, error_code}, data}`` and means what its status says
(401: token, 403: scope); an ``error_code`` on any status is a refused request. Its token server
(accounts.tokopedia.com) answers bare OAuth JSON, and refused client credentials there are final.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from connectors.base.errors import AuthError, ServerError
from connectors.base.ladder import AUTH_STATUSES, QUIET_RATE_LIMIT, Answer, BareJson, Rung, StatusLadder

PLATFORM = "tokopedia"


def retry_after(headers: Any) -> float | None:
    """Seconds until a request is allowed again, from Tokopedia's rate-limit headers (§2.3).

    ``X-Ratelimit-Reset-After`` is the wait for one request ("-0.000000" while there is budget);
    ``X-Ratelimit-Full-Reset-After`` the wait for the whole burst; a plain ``Retry-After`` is honoured too."""
    for name in ("X-Ratelimit-Reset-After", "X-Ratelimit-Full-Reset-After", "Retry-After"):
        try:
            seconds = Decimal(str(headers.get(name, "")).strip())
        except InvalidOperation:
            continue
        if seconds.is_finite() and seconds > 0:
            return float(seconds)
    return None


def _header_wait(response: requests.Response, answer: Answer) -> float | None:
    return retry_after(response.headers)


class LegacyEnvelope:
    def read(self, payload: Any, status: int) -> Answer:
        header = payload.get("header") if isinstance(payload, dict) else None
        header = header if isinstance(header, dict) else {}
        code = str(header.get("error_code") or "") or None
        reason = str(header.get("reason") or header.get("messages") or f"HTTP {status}")
        readable = isinstance(payload, dict) and "header" in payload
        problem = None if readable else "response has no {header, data} envelope"
        return Answer(code=code, platform_code=code, message=reason, problem=problem)

    def data(self, payload: Any) -> Any:
        return payload


LADDER = StatusLadder(
    PLATFORM,
    LegacyEnvelope(),
    statuses=AUTH_STATUSES,
    rate_limited=QUIET_RATE_LIMIT,
    retry_after=_header_wait,
)

_REFUSED = Rung(AuthError, "Tokopedia refused the client_id/client_secret", quote_body=False)
ACCOUNTS_LADDER = StatusLadder(
    PLATFORM,
    BareJson("token response is not a JSON object"),
    statuses={400: _REFUSED, 401: _REFUSED, 403: _REFUSED},
    rate_limited=QUIET_RATE_LIMIT,
    server_error=Rung(ServerError, "token server error", quote_body=False),
    retry_after=_header_wait,
)
