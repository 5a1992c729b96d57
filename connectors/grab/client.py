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
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from connectors.base.auth import AuthSigner, BearerTokenAuth, NoAuth, WireFormat
from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse, Call, HttpClient
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair
from connectors.grab.errors import LADDER, TOKEN_LADDER

PLATFORM = "grab"
RATE_LIMIT_PER_SECOND = 5.0  # "order & store endpoints 5 rps" (§5.2)
TOKEN_PATH = "/grabid/v1/oauth2/token"
MAX_ORDER_IDS = 10


def scope_for(flavor: str | None) -> str:
    return "mart.partner_api" if flavor == "mart" else "food.partner_api"


# JSON is the only content type Grab supports; it wants both headers on every call.
WIRE = WireFormat(headers={"Accept": "application/json", "Content-Type": "application/json"}, content_type=None)


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
            signer=AuthSigner(base_url, BearerTokenAuth(self.access_token), WIRE),
            interpreter=LADDER,
            limiter=shared_limiter(PLATFORM, rate),
            refresh_token=self.tokens.refresh_after_rejection,
            sleep=context.sleep,
            **common,
        )
        oauth_url = str(connection.extra.get("oauth_url") or base_url)
        self.auth_http = HttpClient(
            PLATFORM,
            oauth_url,
            signer=AuthSigner(oauth_url, NoAuth(), WIRE),
            interpreter=TOKEN_LADDER,
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
