"""One OAuth2 client-credentials client (RFC 6749 §4.4): the API's ``HttpClient`` with a Bearer token granted to
the partner's client id and secret, and the token endpoint's ``HttpClient`` that grants it.

GoBiz (marketplace_apis.md §4.1) and Grab (§5.1) issue no refresh token: an expired or refused token is replaced
by a new grant, through ``TokenLifecycle`` (so concurrent workers of one shop make one grant). What differs
between them is declared, not rewritten: where the credentials go (an HTTP Basic header or the body), the token
endpoint's wire form and error ladder, the API's own. A stored token is reused only by the credentials and scope
that obtained it: a rotated or mistyped secret must not ride on a token granted to the old one, so a truncated
digest of them (never the secret) is stored beside the token and compared.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base.auth import Auth, AuthSigner, BearerTokenAuth, HttpBasicAuth, NoAuth, WireFormat
from connectors.base.errors import InvalidPayload
from connectors.base.http import Call, HttpClient, Interpreter
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair


@dataclass(frozen=True)
class TokenEndpoint:
    """Where and how a platform takes a client-credentials grant.

    ``basic_auth``: the client id and secret go in an HTTP Basic header (RFC 6749 §2.3.1; GoBiz); otherwise they
    go in the body beside ``grant_type`` and ``scope`` (Grab). ``wire`` turns that body into bytes (a form, JSON).
    """

    path: str
    ladder: Interpreter
    wire: WireFormat
    basic_auth: bool


@dataclass(frozen=True)
class ClientCredentialsApi:
    """A platform's API as this client needs it: its token endpoint, and how its own calls look and fail."""

    platform: str
    token_endpoint: TokenEndpoint
    wire: WireFormat
    ladder: Interpreter
    rate_limit_per_second: float  # the default; the connection's extra ``rate_limit_per_second`` wins


def grantee(client_id: str, client_secret: str, scope: str) -> str:
    """Who a token was granted to, told apart without storing (or revealing) the secret."""
    return hashlib.sha256(f"{client_id}:{client_secret}:{scope}".encode()).hexdigest()[:24]


class ClientCredentialsClient:
    """``http`` calls the API (each attempt carries a current token; a 401 renews it once), ``auth_http`` the
    token endpoint. Connection fields: ``host`` (the API), ``login``/``password`` (client id/secret), extra
    ``oauth_url`` (the token endpoint's base; defaults to ``host``) and ``rate_limit_per_second``."""

    def __init__(self, api: ClientCredentialsApi, context: ConnectorContext, scope: str) -> None:
        connection = context.connection
        platform, token_endpoint = api.platform, api.token_endpoint
        self.platform, self.scope, self.token_endpoint = platform, scope, token_endpoint
        base_url = connection.require("host")
        self._client_id, self._client_secret = connection.require("login"), connection.require("password")
        self.grantee = grantee(self._client_id, self._client_secret, scope)
        common: dict[str, Any] = {
            "timeout": context.timeout,
            "budget": context.budget,
            "secrets": connection.secret_values(),
            "sleep": context.sleep,
        }
        rate = float(connection.extra.get("rate_limit_per_second") or api.rate_limit_per_second)
        self.tokens = TokenLifecycle(context.tokens, self._grant, ours=self._ours)
        self.access_token = self.tokens.access_token
        self.http = HttpClient(
            platform,
            base_url,
            signer=AuthSigner(base_url, BearerTokenAuth(self.access_token), api.wire),
            interpreter=api.ladder,
            limiter=shared_limiter(platform, rate),
            refresh_token=self.tokens.refresh_after_rejection,
            **common,
        )
        oauth_url = str(connection.extra.get("oauth_url") or base_url)
        credentials: Auth = NoAuth()
        if token_endpoint.basic_auth:
            credentials = HttpBasicAuth(self._client_id, self._client_secret)
        self.auth_http = HttpClient(
            platform,
            oauth_url,
            signer=AuthSigner(oauth_url, credentials, token_endpoint.wire),
            interpreter=token_endpoint.ladder,
            **common,
        )

    def _ours(self, pair: TokenPair) -> bool:
        return pair.extra.get("grantee") == self.grantee

    def _grant_body(self) -> dict[str, str]:
        grant = {"grant_type": "client_credentials", "scope": self.scope}
        if self.token_endpoint.basic_auth:
            return grant
        return {"client_id": self._client_id, "client_secret": self._client_secret, **grant}

    def _grant(self, _stored: TokenPair | None) -> TokenPair:
        """A new grant (there is no refresh token: a stored pair is never an input)."""
        path = self.token_endpoint.path
        data = self.auth_http.call(Call("POST", path, json=self._grant_body())).data
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise InvalidPayload("token response lacks access_token/expires_in", platform=self.platform, endpoint=path)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        return TokenPair(str(token), expires_at, extra={"grantee": self.grantee})
