"""Grab Partner API client (GrabFood / GrabMart, API v1.1.3): OAuth client credentials, the error model, the
endpoints used.

Connection fields (conn_type ``grab``): ``host`` = API base URL (``https://partner-api.grab.com/grabfood``;
staging ``…/grabfood-sandbox``), ``login`` / ``password`` = client id / secret; extra ``oauth_url``
(``https://api.grab.com``; defaults to ``host``), ``currency`` (the shop's, default ``IDR``) and, for the
webhook receiver only, ``push_client_id`` / ``push_client_secret`` (the credentials omnikop issued to Grab).
The shop is the Grab ``merchantID``; ``extra.scope`` if set, else its flavor picks the scope:
``mart.partner_api`` for GrabMart, else ``food.partner_api``.
Tokens last 7 days and are reused until they expire (§5.1).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from connectors.base.errors import (
    AuthError,
    InvalidPayload,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.http import ApiResponse, Call, HttpClient, SignedCall
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.retry_after import parse_retry_after
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair

PLATFORM = "grab"
RATE_LIMIT_PER_SECOND = 5.0  # "order & store endpoints 5 rps" (§5.2)
TOKEN_PATH = "/grabid/v1/oauth2/token"
MAX_ORDER_IDS = 10
_RETRY_AFTER = re.compile(r"retry after (\d+(?:\.\d+)?) seconds?", re.I)


def scope_for(flavor: str | None) -> str:
    return "mart.partner_api" if flavor == "mart" else "food.partner_api"


class GrabSigner:
    """Bearer token on every attempt; JSON bodies (the only content type Grab supports)."""

    def __init__(self, base_url: str, access_token: Callable[[], str] | None = None) -> None:
        self.base_url, self.access_token = base_url.rstrip("/"), access_token

    def sign(self, call: Call, now: int) -> SignedCall:
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if self.access_token is not None:
            headers["Authorization"] = f"Bearer {self.access_token()}"
        body = json.dumps(call.json).encode() if call.json is not None else None
        return SignedCall(self.base_url + call.path, dict(call.params), headers, body)


class GrabInterpreter:
    """Errors ``{reason, message, target?}`` (§5.2): 429 and 409 "… too frequently, retry after N seconds" are
    rate limits with a retry-after; 401 is an expired token (or refused credentials at the token endpoint)."""

    def __init__(self, token_endpoint: bool = False) -> None:
        self.token_endpoint = token_endpoint

    def interpret(self, call: Call, response: requests.Response, payload: Any) -> Any:
        status = response.status_code
        reason = str(payload.get("reason") or "") if isinstance(payload, dict) else ""
        message = str(payload.get("message") or "") if isinstance(payload, dict) else ""
        context = {"platform": PLATFORM, "endpoint": call.path, "http_status": status, "platform_code": reason or None}
        hint = _RETRY_AFTER.search(message)
        if status == 429 or (status == 409 and hint):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None and hint:
                retry_after = float(hint.group(1))
            raise RateLimited(message or "too many requests", retry_after=retry_after, **context)
        if status >= 500:
            raise ServerError(message or "server error", **context)
        if status == 401:
            raise (AuthError if self.token_endpoint else TokenExpired)(message or "unauthorized", **context)
        if status in (400, 403) and self.token_endpoint:
            raise AuthError(f"Grab refused the client credentials: {message or reason}", **context)
        if status == 403:
            raise PermissionDenied(message or "forbidden", **context)
        if status >= 400:
            raise InvalidRequest(message or f"HTTP {status}", **context)
        if status == 204:
            return None
        if not isinstance(payload, dict):
            raise InvalidPayload("response is not a JSON object", **context)
        return payload


class GrabClient:
    def __init__(self, context: ConnectorContext) -> None:
        connection = context.connection
        self.context, self.merchant_id = context, context.shop_ref
        base_url = connection.require("host")
        self.client_id, self._client_secret = connection.require("login"), connection.require("password")
        self.scope = str(connection.extra.get("scope") or scope_for(context.flavor))
        # Reuse a stored token only with the credentials and scope that obtained it (never store the secret).
        self._grantee = hashlib.sha256(f"{self.client_id}:{self._client_secret}:{self.scope}".encode()).hexdigest()[:24]
        common = {"timeout": context.timeout, "budget": context.budget, "secrets": connection.secret_values()}
        rate = float(connection.extra.get("rate_limit_per_second") or RATE_LIMIT_PER_SECOND)
        self.tokens = TokenLifecycle(context.tokens, self._grant, ours=self._ours)
        self.access_token = self.tokens.access_token
        self.http = HttpClient(
            PLATFORM,
            base_url,
            signer=GrabSigner(base_url, self.access_token),
            interpreter=GrabInterpreter(),
            limiter=shared_limiter(PLATFORM, rate),
            refresh_token=self.tokens.refresh_after_rejection,
            sleep=context.sleep,
            **common,
        )
        oauth_url = str(connection.extra.get("oauth_url") or base_url)
        self.auth_http = HttpClient(
            PLATFORM,
            oauth_url,
            signer=GrabSigner(oauth_url),
            interpreter=GrabInterpreter(token_endpoint=True),
            sleep=context.sleep,
            **common,
        )

    # --- tokens ------------------------------------------------------------------------------------------

    def _ours(self, pair: TokenPair) -> bool:
        return pair.extra.get("grantee") == self._grantee

    def _grant(self, _stored: TokenPair | None) -> TokenPair:
        body = {
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "grant_type": "client_credentials",
            "scope": self.scope,
        }
        data = self.auth_http.call(Call("POST", TOKEN_PATH, json=body)).data
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise InvalidPayload("token response lacks access_token/expires_in", platform=PLATFORM, endpoint=TOKEN_PATH)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        return TokenPair(str(token), expires_at, extra={"grantee": self._grantee})

    # --- endpoints ---------------------------------------------------------------------------------------

    def list_orders(self, day: date, page: int) -> ApiResponse:
        params = {"merchantID": self.merchant_id, "date": day.isoformat(), "page": page}
        return self.http.call(Call("GET", "/partner/v1/orders", params))

    def orders_by_ids(self, order_ids: Sequence[str]) -> ApiResponse:
        if not 1 <= len(order_ids) <= MAX_ORDER_IDS:
            raise ValueError(f"Grab lists 1 to {MAX_ORDER_IDS} orderIDs per call, not {len(order_ids)}")
        params = {"merchantID": self.merchant_id, "orderIDs": list(order_ids)}
        return self.http.call(Call("GET", "/partner/v1/orders", params))

    def batch_update_menu(self, entities: Sequence[dict[str, Any]]) -> ApiResponse:
        """Update up to 200 menu items in one call (``connectors/grab/stock_push.py``)."""
        body = {"merchantID": self.merchant_id, "field": "ITEM", "menuEntities": list(entities)}
        return self.http.call(Call("PUT", "/partner/v1/batch/menu", json=body))
