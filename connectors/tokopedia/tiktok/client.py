"""TikTok Shop Partner API client (flavor ``tiktok``): tokens, shop_cipher, one method per endpoint.

Connection fields (conn_type ``tokopedia``): ``host`` = API base (``https://open-api.tiktokglobalshop.com``),
``login`` = app_key, ``password`` = app_secret; extra ``auth_host`` = token base (default
``https://auth.tiktok-shops.com``; the sandbox serves both hosts at its root), ``refresh_token`` (or
a fresh ``auth_code``) for the shop's first token, optional ``rate_limit_per_second``. Later token pairs live
in the token store, persisted before use. The shop is ``shop_ref`` (TikTok's shop id); its ``shop_cipher`` is
looked up once per client from ``/authorization/202309/shops``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base.auth import AuthSigner, NoAuth
from connectors.base.errors import AuthError, ConfigError, InvalidPayload, InvalidRequest, PermissionDenied
from connectors.base.http import ApiResponse, Call, HttpClient
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair, grant_timeout
from connectors.base.windows import from_timestamp
from connectors.tokopedia.signing import TOKEN_GRANT_WIRE, TikTokSigner
from connectors.tokopedia.tiktok.errors import LADDER

PLATFORM = "tokopedia"
AUTH_HOST = "https://auth.tiktok-shops.com"
RATE_LIMIT_PER_SECOND = 10.0
PAGE_SIZE = 100  # orders/search, statements, withdrawals, products/search: 1..100
DETAIL_BATCH = 50  # GET /order/202309/orders?ids=: at most 50 ids
INVENTORY_BATCH = 100  # POST /product/202309/inventory/search: at most 100 product ids
REFRESH_MARGIN = timedelta(minutes=5)


def token_pair(data: Any, now: datetime) -> TokenPair:
    """A stored pair from a token/get or token/refresh ``data`` object.

    ``access_token_expire_in`` and ``refresh_token_expire_in`` are ABSOLUTE unix times (e.g. 1722342011), not
    durations (§3.2): read as a duration, a 7-day token would seem to live for 54 years. A value that is not a
    future unix time is refused rather than guessed."""
    if not isinstance(data, dict):
        raise InvalidPayload("token response has no data object", platform=PLATFORM)
    access, refresh = data.get("access_token"), data.get("refresh_token")
    if not access or not refresh:
        raise InvalidPayload("token response lacks access_token/refresh_token", platform=PLATFORM)
    return TokenPair(
        str(access),
        _expiry(data.get("access_token_expire_in"), "access_token_expire_in", now),
        str(refresh),
        _expiry(data.get("refresh_token_expire_in"), "refresh_token_expire_in", now),
    )


def _expiry(value: Any, name: str, now: datetime) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPayload(f"{name} {value!r} is not a unix time", platform=PLATFORM)
    moment = from_timestamp(value)
    if moment <= now:
        raise InvalidPayload(
            f"{name}={value} is not a future unix time (TikTok sends absolute expiry times, not durations)",
            platform=PLATFORM,
        )
    return moment


def _usable(pair: TokenPair, now: datetime) -> bool:
    return pair.access_expires_at - now > REFRESH_MARGIN


class TikTokClient:
    def __init__(self, context: ConnectorContext) -> None:
        connection = context.connection
        self.context, self.shop_ref = context, context.shop_ref
        self.app_key = connection.require("login")
        self.app_secret = connection.require("password")
        self.base_url = connection.require("host")
        self.auth_url = str(connection.extra.get("auth_host") or AUTH_HOST)
        self.page_size = connection.page_size(PAGE_SIZE, PAGE_SIZE)
        common: dict[str, Any] = {
            "interpreter": LADDER,
            "timeout": context.timeout,
            "budget": context.budget,
            "secrets": connection.secret_values(),
            "sleep": context.sleep,
        }
        self.tokens = TokenLifecycle(context.tokens, self._renew, usable=_usable)
        self.access_token = self.tokens.access_token
        rate = float(connection.extra.get("rate_limit_per_second") or RATE_LIMIT_PER_SECOND)
        self.http = HttpClient(
            PLATFORM,
            self.base_url,
            signer=TikTokSigner(self.base_url, self.app_key, self.app_secret, self.access_token),
            limiter=shared_limiter(f"{PLATFORM}:tts", rate),
            refresh_token=self.tokens.refresh_after_rejection,
            **common,
        )
        # Token calls never refresh themselves, and wait for their answer (``grant_timeout``).
        common["timeout"] = grant_timeout(context.timeout)
        self.auth_http = HttpClient(
            PLATFORM, self.auth_url, signer=AuthSigner(self.auth_url, NoAuth(), TOKEN_GRANT_WIRE), **common
        )
        self._cipher: str | None = None

    # --- tokens ------------------------------------------------------------------------------------------

    def _renew(self, stored: TokenPair | None) -> TokenPair:
        extra, now = self.context.connection.extra, datetime.now(UTC)
        if stored is not None and stored.refresh_token:
            if stored.refresh_expires_at is not None and stored.refresh_expires_at <= now:
                raise AuthError(f"the refresh token of shop {self.shop_ref} has expired; re-authorise the shop")
            return self._grant("/api/v2/token/refresh", "refresh_token", refresh_token=stored.refresh_token)
        if extra.get("refresh_token"):
            return self._grant("/api/v2/token/refresh", "refresh_token", refresh_token=str(extra["refresh_token"]))
        if extra.get("auth_code"):
            return self._grant("/api/v2/token/get", "authorized_code", auth_code=str(extra["auth_code"]))
        raise ConfigError(
            f"Connection {self.context.connection.conn_id!r} has neither extra.refresh_token nor extra.auth_code;"
            " authorise the shop and put the code or refresh token in the Connection"
        )

    def _grant(self, path: str, grant_type: str, **secret: str) -> TokenPair:
        params = {"app_key": self.app_key, "app_secret": self.app_secret, "grant_type": grant_type, **secret}
        try:
            payload = self.auth_http.call(Call("GET", path, params)).data
        except (InvalidRequest, PermissionDenied) as error:
            # A spent or unknown refresh token / code: only a new authorisation by the seller helps.
            raise AuthError(
                f"TikTok refused the token grant for shop {self.shop_ref} ({error.platform_code}); re-authorise",
                platform=PLATFORM,
                endpoint=path,
                platform_code=error.platform_code,
            ) from None
        return token_pair(payload.get("data"), datetime.now(UTC))

    # --- shop ----------------------------------------------------------------------------------------------

    def shop_cipher(self, *, fresh: bool = False) -> str:
        """The cipher TikTok wants with every shop-scoped call; looked up once (or again if ``fresh``)."""
        if self._cipher is None or fresh:
            data = self.http.call(Call("GET", "/authorization/202309/shops")).data.get("data") or {}
            shops = data.get("shops") if isinstance(data, dict) else None
            if not isinstance(shops, list):
                raise InvalidPayload("shops response lacks data.shops", platform=PLATFORM)
            match = next((s for s in shops if isinstance(s, dict) and str(s.get("id")) == self.shop_ref), None)
            if match is None or not match.get("cipher"):
                raise AuthError(
                    f"shop {self.shop_ref} is not among the shops this authorisation covers; re-authorise it",
                    platform=PLATFORM,
                    endpoint="/authorization/202309/shops",
                )
            self._cipher = str(match["cipher"])
        return self._cipher

    def _shop_call(self, method: str, path: str, params: dict[str, Any], body: Any = None) -> ApiResponse:
        return self.http.call(Call(method, path, {**params, "shop_cipher": self.shop_cipher()}, json=body))

    # --- endpoints -------------------------------------------------------------------------------------------

    def search_orders(self, update_ge: int, update_lt: int, page_token: str) -> ApiResponse:
        params = {
            "page_size": self.page_size,
            "page_token": page_token,
            "sort_field": "update_time",
            "sort_order": "ASC",
        }
        body = {"update_time_ge": update_ge, "update_time_lt": update_lt}
        return self._shop_call("POST", "/order/202309/orders/search", params, body)

    def get_orders(self, order_ids: Sequence[str]) -> ApiResponse:
        return self._shop_call("GET", "/order/202309/orders", {"ids": ",".join(order_ids)})

    def get_statements(self, time_ge: int, time_lt: int, page_token: str) -> ApiResponse:
        params = {
            "statement_time_ge": time_ge,
            "statement_time_lt": time_lt,
            "page_size": self.page_size,
            "page_token": page_token,
            "sort_field": "statement_time",
            "sort_order": "ASC",
        }
        return self._shop_call("GET", "/finance/202309/statements", params)

    def get_statement_transactions(self, statement_id: str, page_token: str) -> ApiResponse:
        params = {"page_size": self.page_size, "page_token": page_token, "sort_field": "order_create_time"}
        return self._shop_call("GET", f"/finance/202309/statements/{statement_id}/statement_transactions", params)

    def get_withdrawals(self, create_ge: int, create_lt: int, page_token: str) -> ApiResponse:
        params = {
            "create_time_ge": create_ge,
            "create_time_lt": create_lt,
            # An array in TikTok's docs; sent comma-joined so the signed text is one plain value [I].
            "types": "WITHDRAW,SETTLE,TRANSFER,REVERSE",
            "page_size": self.page_size,
            "page_token": page_token,
        }
        return self._shop_call("GET", "/finance/202309/withdrawals", params)

    def get_payments(self, create_ge: int, create_lt: int, page_token: str) -> ApiResponse:
        params = {
            "create_time_ge": create_ge,
            "create_time_lt": create_lt,
            "page_size": self.page_size,
            "page_token": page_token,
            "sort_field": "create_time",
            "sort_order": "ASC",
        }
        return self._shop_call("GET", "/finance/202309/payments", params)

    def search_products(self, page_token: str) -> ApiResponse:
        params = {"page_size": self.page_size, "page_token": page_token}
        return self._shop_call("POST", "/product/202312/products/search", params, {"status": "ALL"})

    def search_inventory(self, product_ids: Sequence[str]) -> ApiResponse:
        return self._shop_call("POST", "/product/202309/inventory/search", {}, {"product_ids": list(product_ids)})

    def update_inventory(self, product_id: str, skus: Sequence[dict[str, Any]]) -> ApiResponse:
        """Set absolute quantities of a product's SKUs (``connectors/tokopedia/stock_push.py``)."""
        path = f"/product/202309/products/{product_id}/inventory/update"
        return self._shop_call("POST", path, {}, {"skus": list(skus)})


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
