"""GoBiz's envelope and statuses for the base status ladder (marketplace_apis.md §4.1).

"HTTP 4xx non-recoverable, 5xx recoverable", 429 with Retry-After, 401 an expired token. Data comes wrapped in
``{success: true, data}``; the token endpoint answers bare OAuth JSON, and any other 4xx there means the client
credentials were refused.
"""

from __future__ import annotations

from typing import Any

from connectors.base.errors import AuthError, PermissionDenied
from connectors.base.ladder import AUTH_STATUSES, Answer, BareJson, Rung, StatusLadder

PLATFORM = "gojek"


def message_of(payload: Any) -> str:
    """GoBiz's words: the first of ``errors[].message``, else ``message``/``error_description``/``error``."""
    if not isinstance(payload, dict):
        return ""
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "")
    return str(payload.get("message") or payload.get("error_description") or payload.get("error") or "")


class GojekEnvelope:
    def read(self, payload: Any, status: int) -> Answer:
        message = message_of(payload) or f"HTTP {status}"
        if status >= 400:  # an error answer needs no envelope: the status says it all
            return Answer(message=message)
        if not isinstance(payload, dict):
            return Answer(message=message, problem="response is not a JSON object")
        if payload.get("success") is not True or "data" not in payload:
            return Answer(message=message, problem="response lacks the {success: true, data} envelope")
        return Answer(message=message)

    def data(self, payload: Any) -> Any:
        return payload["data"]


LADDER = StatusLadder(PLATFORM, GojekEnvelope(), statuses=AUTH_STATUSES)
TOKEN_LADDER = StatusLadder(
    PLATFORM,
    BareJson(message=lambda payload, status: message_of(payload) or f"HTTP {status}", errors_need_no_body=True),
    statuses={401: Rung(AuthError, "unauthorized"), 403: Rung(PermissionDenied, "forbidden")},
    client_error=Rung(AuthError, "GoBiz refused the client credentials: {message}"),
)
