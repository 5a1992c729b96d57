"""GoBiz Open API client (direct integration): client-credentials tokens, the error table, endpoints used.

Connection fields (conn_type ``gojek``): ``host`` = API base URL (``https://api.gobiz.co.id``; sandbox
``https://api.partner-sandbox.gobiz.co.id``), ``login`` = client id, ``password`` = client secret; extra
``oauth_url`` (``https://accounts.go-jek.com``; defaults to ``host``), ``scopes`` (space separated; default
below) and ``notification_secret`` (the webhook HMAC key, used by the receiver only). The shop is the outlet id.

Tokens last 3599 s and there is no refresh token (marketplace_apis.md §4.1): a new client-credentials grant
replaces an expired token, through ``TokenStore.obtain`` so concurrent workers make one grant.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

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

PLATFORM = "gojek"
RATE_LIMIT_PER_SECOND = 5.0  # no published limit (§4.1); stay modest
TOKEN_PATH = "/oauth2/token"
DEFAULT_SCOPES = (
    "partner:outlet:read gofood:catalog:read gofood:catalog:write gofood:order:read"  # write: stock_push.py
)


class GojekSigner:
    """Bearer token per attempt (a refreshed token is picked up by the retry); JSON bodies."""

    def __init__(self, base_url: str, access_token: Callable[[], str]) -> None:
        self.base_url, self.access_token = base_url.rstrip("/"), access_token

    def sign(self, call: Call, now: int) -> SignedCall:
        headers = {"Authorization": f"Bearer {self.access_token()}", "Accept": "application/json"}
        body = None
        if call.json is not None:
            body = json.dumps(call.json).encode()
            headers["Content-Type"] = "application/json"
        return SignedCall(self.base_url + call.path, dict(call.params), headers, body)


class GojekTokenSigner:
    """``POST /oauth2/token``: HTTP Basic client credentials, form-encoded body (§4.1)."""

    def __init__(self, oauth_url: str, client_id: str, client_secret: str) -> None:
        self.oauth_url = oauth_url.rstrip("/")
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()

    def sign(self, call: Call, now: int) -> SignedCall:
        headers = {"Authorization": f"Basic {self._basic}", "Content-Type": "application/x-www-form-urlencoded"}
        return SignedCall(self.oauth_url + call.path, {}, headers, urlencode(call.json or {}).encode())


class GojekInterpreter:
    """ "HTTP 4xx non-recoverable, 5xx recoverable" (§4.1), plus 429 with Retry-After and 401 = token expired."""

    def __init__(self, token_endpoint: bool = False) -> None:
        self.token_endpoint = token_endpoint

    def interpret(self, call: Call, response: requests.Response, payload: Any) -> Any:
        status = response.status_code
        context = {"platform": PLATFORM, "endpoint": call.path, "http_status": status}
        message = _message(payload) or f"HTTP {status}"
        if status == 429:
            raise RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **context)
        if status >= 500:
            raise ServerError(message, **context)
        if status == 401:
            raise (AuthError if self.token_endpoint else TokenExpired)(message, **context)
        if status == 403:
            raise PermissionDenied(message, **context)
        if status >= 400:
            if self.token_endpoint:
                raise AuthError(f"GoBiz refused the client credentials: {message}", **context)
            raise InvalidRequest(message, **context)
        if not isinstance(payload, dict):
            raise InvalidPayload("response is not a JSON object", **context)
        if self.token_endpoint:
            return payload
        if payload.get("success") is not True or "data" not in payload:
            raise InvalidPayload("response lacks the {success: true, data} envelope", **context)
        return payload["data"]


def _message(payload: Any) -> str:
    if not isinstance(payload, dict):
        return ""
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "")
    return str(payload.get("message") or payload.get("error_description") or payload.get("error") or "")


class GojekClient:
    def __init__(self, context: ConnectorContext) -> None:
        connection = context.connection
        self.context, self.outlet_id = context, context.shop_ref
        base_url = connection.require("host")
        client_id, client_secret = connection.require("login"), connection.require("password")
        self.scopes = str(connection.extra.get("scopes") or DEFAULT_SCOPES)
        # A stored token is only reused by the credentials that obtained it (a rotated or wrong secret must
        # not ride on a token granted to the old one); a truncated digest, never the secret, is stored.
        self._grantee = hashlib.sha256(f"{client_id}:{client_secret}:{self.scopes}".encode()).hexdigest()[:24]
        common = {"timeout": context.timeout, "budget": context.budget, "secrets": connection.secret_values()}
        rate = float(connection.extra.get("rate_limit_per_second") or RATE_LIMIT_PER_SECOND)
        self.tokens = TokenLifecycle(context.tokens, self._grant, ours=self._ours)
        self.access_token = self.tokens.access_token
        self.http = HttpClient(
            PLATFORM,
            base_url,
            signer=GojekSigner(base_url, self.access_token),
            interpreter=GojekInterpreter(),
            limiter=shared_limiter(PLATFORM, rate),
            refresh_token=self.tokens.refresh_after_rejection,
            sleep=context.sleep,
            **common,
        )
        oauth_url = str(connection.extra.get("oauth_url") or base_url)
        self.auth_http = HttpClient(
            PLATFORM,
            oauth_url,
            signer=GojekTokenSigner(oauth_url, client_id, client_secret),
            interpreter=GojekInterpreter(token_endpoint=True),
            sleep=context.sleep,
            **common,
        )

    # --- tokens ------------------------------------------------------------------------------------------

    def _ours(self, pair: TokenPair) -> bool:
        return pair.extra.get("grantee") == self._grantee

    def _grant(self, _stored: TokenPair | None) -> TokenPair:
        form = {"grant_type": "client_credentials", "scope": self.scopes}
        data = self.auth_http.call(Call("POST", TOKEN_PATH, json=form)).data
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise InvalidPayload("token response lacks access_token/expires_in", platform=PLATFORM, endpoint=TOKEN_PATH)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        return TokenPair(str(token), expires_at, extra={"grantee": self._grantee})

    # --- endpoints ---------------------------------------------------------------------------------------

    def get_outlet(self) -> ApiResponse:
        return self.http.call(Call("GET", f"/integrations/partner/outlets/{self.outlet_id}/v1"))

    def get_catalog(self) -> ApiResponse:
        return self.http.call(Call("GET", f"/integrations/gofood/outlets/{self.outlet_id}/v2/catalog"))

    def update_item_stocks(self, items: Sequence[dict[str, Any]]) -> ApiResponse:
        """Mark menu items in or out of stock by external id (``connectors/gojek/stock_push.py``)."""
        path = f"/integrations/gofood/outlets/{self.outlet_id}/v2/menu_item_stocks"
        return self.http.call(Call("PATCH", path, json=list(items)))
