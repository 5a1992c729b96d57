"""Legacy Tokopedia fs API client (flavor ``legacy``): client-credentials token, errors, rate limits, endpoints.

Connection fields (conn_type ``tokopedia``): ``host`` = fs API base (``https://fs.tokopedia.net``), ``login`` =
client_id, ``password`` = client_secret; extra ``fs_id`` (the app's fulfillment-service id), ``auth_host`` =
token base (default ``https://accounts.tokopedia.com``), optional ``rate_limit_per_second``, optional
``pph22_bps`` (the PPh 22 rate Tokopedia collects from this shop, default the statutory 50 of PMK 37/2025; 0
for a shop that gave Tokopedia its ≤ Rp 500 juta turnover statement). The shop is ``shop_ref`` (Tokopedia's
shop_id, linked to the fs_id by Tokopedia).

Token rule (§2.2, news 2021-10-22): a new access token can only be obtained after the previous one expired;
asking earlier returns the unexpired token. So the client never pre-refreshes: it asks only when it holds no
token, when the stored token's expiry has passed, after the API answered 401, or when the stored token was
obtained with other credentials (a keyed fingerprint of client_id/client_secret is stored with it), so that a
changed or mistyped secret is noticed at ``check`` instead of hiding behind a still-valid token. Tokens belong
to the app, not the shop; when several shops share one fs_id, each shop's first request receives the app's
current token back.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base.auth import AuthSigner, BearerTokenAuth, HttpBasicAuth
from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse, Call, HttpClient
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair
from connectors.tokopedia.legacy.errors import ACCOUNTS_LADDER, LADDER
from connectors.tokopedia.signing import ACCOUNTS_WIRE, FS_WIRE

PLATFORM = "tokopedia"
AUTH_HOST = "https://accounts.tokopedia.com"
RATE_LIMIT_PER_SECOND = 4.0  # the documented limit is 5 req/s per endpoint (burst 5); stay under it
ORDER_PAGE_SIZE = 100  # /v2/order/list: per_page ≤ 100
SALDO_PAGE_SIZE = 100  # saldo-history: per_page ≤ 500
PRODUCT_PAGE_SIZE = 50
MAX_ORDER_WINDOW = timedelta(days=3)  # "Date Range must be less than 3 days" (ORD_DLV_013); to_date is inclusive
MAX_SALDO_WINDOW = timedelta(days=31)
# Tickets are asked for from this long before a saldo window: a complaint refunded out of a sale credit was
# opened before the order finished [I: the docs state no range limit and no complaint deadline].
TICKET_LOOKBACK = timedelta(days=30)


class LegacyClient:
    order_page_size = ORDER_PAGE_SIZE  # one attribute, so the pull's end-of-list test always agrees with it

    def __init__(self, context: ConnectorContext) -> None:
        connection = context.connection
        self.context, self.shop_id = context, context.shop_ref
        self.client_id = connection.require("login")
        self.client_secret = connection.require("password")
        self.base_url = connection.require("host")
        self.fs_id = connection.require("fs_id")
        self.order_page_size = connection.page_size(ORDER_PAGE_SIZE, ORDER_PAGE_SIZE)
        self.auth_url = str(connection.extra.get("auth_host") or AUTH_HOST)
        common: dict[str, Any] = {
            "timeout": context.timeout,
            "budget": context.budget,
            "secrets": connection.secret_values(),
            "sleep": context.sleep,
        }
        self._credentials = credentials_fingerprint(self.client_id, self.client_secret)
        self.tokens = TokenLifecycle(context.tokens, self._request_token, usable=self._usable)
        self.access_token = self.tokens.access_token
        rate = float(connection.extra.get("rate_limit_per_second") or RATE_LIMIT_PER_SECOND)
        self.http = HttpClient(
            PLATFORM,
            self.base_url,
            signer=AuthSigner(self.base_url, BearerTokenAuth(self.access_token), FS_WIRE),
            interpreter=LADDER,
            limiter=shared_limiter(f"{PLATFORM}:fs", rate),
            refresh_token=self.tokens.refresh_after_rejection,
            **common,
        )
        self.auth_http = HttpClient(
            PLATFORM,
            self.auth_url,
            signer=AuthSigner(self.auth_url, HttpBasicAuth(self.client_id, self.client_secret), ACCOUNTS_WIRE),
            interpreter=ACCOUNTS_LADDER,
            **common,
        )

    # --- token -----------------------------------------------------------------------------------------

    def _usable(self, pair: TokenPair, now: datetime) -> bool:
        # No margin: asking before expiry would only return the same token (and is against the rules).
        return pair.access_expires_at > now and pair.extra.get("credentials") == self._credentials

    def _request_token(self, stored: TokenPair | None) -> TokenPair:
        data = self.auth_http.call(Call("POST", "/token", {"grant_type": "client_credentials"})).data
        return token_pair(data, datetime.now(UTC), self._credentials)

    # --- endpoints -------------------------------------------------------------------------------------

    def shop_info(self) -> ApiResponse:
        return self.http.call(Call("GET", f"/v1/shop/fs/{self.fs_id}/shop-info", {"shop_id": self.shop_id}))

    def order_list(self, from_date: int, to_date: int, page: int) -> ApiResponse:
        params = {
            "fs_id": self.fs_id,
            "shop_id": self.shop_id,
            "from_date": from_date,
            "to_date": to_date,
            "page": page,
            "per_page": self.order_page_size,
        }
        return self.http.call(Call("GET", "/v2/order/list", params))

    def single_order(self, order_id: str) -> ApiResponse:
        return self.http.call(Call("GET", f"/v2/fs/{self.fs_id}/order", {"order_id": order_id}))

    def order_by_invoice(self, invoice: str) -> ApiResponse:
        return self.http.call(Call("GET", f"/v2/fs/{self.fs_id}/order", {"invoice_num": invoice}))

    def saldo_history(self, from_date: int, to_date: int, page: int) -> ApiResponse:
        params = {"from_date": from_date, "to_date": to_date, "page": page, "per_page": SALDO_PAGE_SIZE}
        return self.http.call(Call("GET", f"/v1/fs/{self.fs_id}/shop/{self.shop_id}/saldo-history", params))

    def resolution_tickets(self, from_date: str, to_date: str) -> ApiResponse:
        """The shop's resolution tickets (buyer complaints and the refunds they issued) between two WIB dates
        (YYYY-MM-DD, as in the docs' example; the parameter table says unix time, the example does not)."""
        params = {"shop_id": self.shop_id, "from_date": from_date, "to_date": to_date}
        return self.http.call(Call("GET", f"/resolution/v1/fs/{self.fs_id}/ticket", params))

    def product_info(self, page: int) -> ApiResponse:
        params = {"shop_id": self.shop_id, "page": page, "per_page": PRODUCT_PAGE_SIZE}
        return self.http.call(Call("GET", f"/inventory/v1/fs/{self.fs_id}/product/info", params))


def credentials_fingerprint(client_id: str, client_secret: str) -> str:
    """A keyed digest that tells two credential sets apart without storing (or revealing) the secret."""
    return hmac.new(client_secret.encode("utf-8"), client_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def token_pair(data: Any, now: datetime, credentials: str) -> TokenPair:
    """Tokopedia's ``expires_in`` is a DURATION in seconds (2592000 in the docs), unlike TikTok's epochs."""
    access, expires_in = data.get("access_token"), data.get("expires_in")
    if not access or isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
        raise InvalidPayload("token response lacks access_token/expires_in", platform=PLATFORM, endpoint="/token")
    return TokenPair(str(access), now + timedelta(seconds=expires_in), extra={"credentials": credentials})
