"""Shopee's error table and envelope for the base status ladder (marketplace_apis.md §1.4).

Shopee answers ``{error, message, request_id, response}``: an empty ``error`` is success, whatever the status;
a non-empty one names the problem more precisely than the status does, so there are no status rungs of its own.
"""

from __future__ import annotations

from typing import Any

from connectors.base.errors import (
    AuthError,
    PermissionDenied,
    QuotaExhausted,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.ladder import Answer, ByMessage, CodeTable, StatusLadder

PLATFORM = "shopee"

# error field → what the caller should do. Unknown codes are InvalidRequest (a bug on our side: fail).
ERRORS: CodeTable = {
    "error_rate_limit": RateLimited,
    "error_server": ServerError,
    "error_network": ServerError,
    "error_busy": ServerError,
    "invalid_acceess_token": TokenExpired,  # sic: Shopee's spelling
    "invalid_access_token": TokenExpired,
    "error_auth": ByMessage("access_token", then=TokenExpired, otherwise=AuthError),
    "error_limit": QuotaExhausted,
    "error_sign": AuthError,
    "invalid_partner_id": AuthError,
    "error_partner_key_expired": AuthError,
    "partner_shop_no_link": AuthError,
    "shop_no_linked": AuthError,
    "shop_banned": AuthError,
    "error_permission": PermissionDenied,
    "error_api_permission": PermissionDenied,
    "error_api_call_restricted": PermissionDenied,
}


class ShopeeEnvelope:
    def read(self, payload: Any, status: int) -> Answer:
        if not isinstance(payload, dict):
            return Answer(problem="response has no JSON envelope")
        error, request_id = payload.get("error"), payload.get("request_id")
        return Answer(
            code=error or None,
            platform_code=str(error) if error else None,
            message=str(payload.get("message") or error) if error else "",
            request_id=str(request_id) if request_id else None,
        )

    def data(self, payload: Any) -> Any:
        return payload


LADDER = StatusLadder.body_decides(PLATFORM, ShopeeEnvelope(), ERRORS)
