"""Grab's envelope and statuses for the base status ladder (marketplace_apis.md §5.2).

Errors are ``{reason, message, target?}`` and the status decides: 429, and 409 "… too frequently, retry after N
seconds", are rate limits with a wait; 401 is an expired token, except at the token endpoint, where 401, 400 and
403 mean the client credentials were refused.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from connectors.base.errors import AuthError
from connectors.base.ladder import AUTH_STATUSES, Answer, Rung, StatusLadder, header_retry_after

PLATFORM = "grab"
_RETRY_AFTER = re.compile(r"retry after (\d+(?:\.\d+)?) seconds?", re.I)


class GrabEnvelope:
    def read(self, payload: Any, status: int) -> Answer:
        if not isinstance(payload, dict):  # an error or 204 No Content needs no body: the status says it all
            return Answer(problem=None if status >= 400 or status == 204 else "response is not a JSON object")
        reason, message = str(payload.get("reason") or ""), str(payload.get("message") or "")
        hinted = status == 409 and _RETRY_AFTER.search(message) is not None
        return Answer(platform_code=reason or None, message=message, rate_limited=hinted)

    def data(self, payload: Any) -> Any:
        return payload


def _retry_after(response: requests.Response, answer: Answer) -> float | None:
    """The header if readable, else the wait Grab writes into the message."""
    seconds = header_retry_after(response, answer)
    hint = _RETRY_AFTER.search(answer.message)
    return float(hint.group(1)) if seconds is None and hint else seconds


_REFUSED = Rung(AuthError, "Grab refused the client credentials: {message}")
LADDER = StatusLadder(PLATFORM, GrabEnvelope(), statuses=AUTH_STATUSES, retry_after=_retry_after)
TOKEN_LADDER = StatusLadder(
    PLATFORM,
    GrabEnvelope(),
    statuses={401: Rung(AuthError, "unauthorized"), 400: _REFUSED, 403: _REFUSED},
    retry_after=_retry_after,
)
