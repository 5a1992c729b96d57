"""TikTok Shop's error table and envelope for the base status ladder (marketplace_apis.md §3.4).

TikTok answers ``{code, message, request_id, data}``; success is ``code == 0`` only, whatever the status (HTTP
200 with ``code != 0`` is an error too). The code says more than the status, so there are no status rungs.
"""

from __future__ import annotations

from typing import Any

from connectors.base.errors import (
    AuthError,
    InvalidRequest,
    PermissionDenied,
    TokenExpired,
)
from connectors.base.ladder import Answer, CodeTable, StatusLadder

PLATFORM = "tokopedia"

# Body ``code`` → what the caller should do. 105xxx are token problems, 106001 a bad signature.
ERRORS: CodeTable = {
    106001: AuthError,  # "Invalid credentials. The 'sign' query parameter is invalid."
    105001: TokenExpired,  # access token invalid (e.g. revoked by a newer one): refresh once
    105002: TokenExpired,  # "access token is expired, please refresh it"
    105005: PermissionDenied,  # "you should apply auth pkg for this api": scope missing
    36004004: InvalidRequest,  # refresh token unknown, used or expired (token endpoint)
}


class TikTokEnvelope:
    def read(self, payload: Any, status: int) -> Answer:
        if not isinstance(payload, dict):
            return Answer(problem="response has no {code, message, data} envelope")
        code, request_id = payload.get("code"), payload.get("request_id")
        request_id = None if request_id in (None, "") else str(request_id)
        if not isinstance(code, int):
            return Answer(request_id=request_id, problem="response has no {code, message, data} envelope")
        return Answer(
            code=code or None,
            platform_code=str(code) if code else None,
            message=str(payload.get("message") or f"code {code}"),
            request_id=request_id,
        )

    def data(self, payload: Any) -> Any:
        return payload


LADDER = StatusLadder.body_decides(PLATFORM, TikTokEnvelope(), ERRORS)
