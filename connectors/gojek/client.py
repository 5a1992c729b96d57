"""GoBiz Open API client (direct integration): client-credentials tokens, the endpoints used (errors: ``errors.py``).

Connection fields (conn_type ``gojek``): ``host`` = API base URL (``https://api.gobiz.co.id``; sandbox
``https://api.partner-sandbox.gobiz.co.id``), ``login`` = client id, ``password`` = client secret; extra
``oauth_url`` (``https://accounts.go-jek.com``; defaults to ``host``), ``scopes`` (space separated; default
below) and ``notification_secret`` (the webhook HMAC key, used by the receiver only). The shop is the outlet id.

Tokens last 3599 s and there is no refresh token (marketplace_apis.md §4.1): a new client-credentials grant
replaces an expired token, through ``TokenStore.obtain`` so concurrent workers make one grant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from connectors.base.auth import AuthSigner, BearerTokenAuth, HttpBasicAuth, WireFormat
from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse, Call, HttpClient
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair
from connectors.gojek.errors import LADDER, TOKEN_LADDER

PLATFORM = "gojek"
RATE_LIMIT_PER_SECOND = 5.0  # no published limit (§4.1); stay modest
TOKEN_PATH = "/oauth2/token"
DEFAULT_SCOPES = (
    "partner:outlet:read gofood:catalog:read gofood:catalog:write gofood:order:read"  # write: stock_push.py
)


WIRE = WireFormat(headers={"Accept": "application/json"})
# ``POST /oauth2/token``: HTTP Basic client credentials, a form-encoded body (§4.1).
TOKEN_WIRE = WireFormat(
    content_type="application/x-www-form-urlencoded", body=lambda form: urlencode(form or {}).encode()
)


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
            signer=AuthSigner(oauth_url, HttpBasicAuth(client_id, client_secret), TOKEN_WIRE),
            interpreter=TOKEN_LADDER,
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
