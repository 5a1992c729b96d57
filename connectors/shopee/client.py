"""Shopee Open Platform v2 client: tokens and one method per endpoint used (its error table: ``errors.py``).

Connection fields (conn_type ``shopee``): ``host`` = API base URL (``https://partner.shopeemobile.com``
in production, the sandbox URL otherwise), ``login`` = partner_id, ``password`` = partner_key, extra
``refresh_token`` (or a fresh authorisation ``code``) for the shop's first token; later pairs live in the
token store because refresh tokens are single-use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from connectors.base.errors import AuthError, ConfigError, InvalidPayload, InvalidRequest
from connectors.base.http import ApiResponse, Call, HttpClient, Interpreter, RetryBudget, Signer
from connectors.base.protocol import ConnectorContext
from connectors.base.ratelimit import shared_limiter
from connectors.base.token_lifecycle import TokenLifecycle
from connectors.base.tokens import TokenPair, grant_timeout
from connectors.shopee.errors import LADDER
from connectors.shopee.signing import ShopeeSigner

PLATFORM = "shopee"
RATE_LIMIT_PER_SECOND = 10.0
MAX_WINDOW = timedelta(days=15)
PAGE_SIZE = 100
DETAIL_BATCH = 50
ESCROW_FIRST_PAGE = 1  # get_escrow_list: "page_no min:1 default:1"
WALLET_FIRST_PAGE = 0  # get_wallet_transaction_list: "page_no ... Default is 0"
ORDER_DETAIL_FIELDS = "item_list,pay_time,pickup_done_time,total_amount"


class _HttpSettings(TypedDict):
    """The ``HttpClient`` keywords the API client and the token client share."""

    signer: Signer
    interpreter: Interpreter
    timeout: tuple[float, float]
    budget: RetryBudget
    secrets: tuple[str, ...]
    sleep: Callable[[float], None]


class ShopeeClient:
    def __init__(self, context: ConnectorContext) -> None:
        connection = context.connection
        self.context = context
        self.partner_id = connection.require("login")
        self.partner_key = connection.require("password")
        self.base_url = connection.require("host")
        self.page_size = connection.page_size(PAGE_SIZE, PAGE_SIZE)
        self.shop_id = context.shop_ref
        if not self.partner_id.isdigit():
            raise ConfigError(f"Connection {connection.conn_id!r}: login must be the numeric Shopee partner_id")
        self.tokens = TokenLifecycle(context.tokens, self._renew)
        self.access_token = self.tokens.access_token
        signer = ShopeeSigner(self.base_url, self.partner_id, self.partner_key, self.shop_id, self.access_token)
        common: _HttpSettings = {
            "signer": signer,
            "interpreter": LADDER,
            "timeout": context.timeout,
            "budget": context.budget,
            "secrets": connection.secret_values(),
            "sleep": context.sleep,
        }
        rate = float(connection.extra.get("rate_limit_per_second") or RATE_LIMIT_PER_SECOND)
        self.http = HttpClient(
            PLATFORM,
            self.base_url,
            limiter=shared_limiter(PLATFORM, rate),
            refresh_token=self.tokens.refresh_after_rejection,
            **common,
        )
        # Token calls never refresh themselves, and wait for their answer (``grant_timeout``).
        common["timeout"] = grant_timeout(context.timeout)
        self.auth_http = HttpClient(PLATFORM, self.base_url, **common)

    # --- tokens ------------------------------------------------------------------------------------------

    def _renew(self, stored: TokenPair | None) -> TokenPair:
        extra = self.context.connection.extra
        if stored is not None and stored.refresh_token:
            return self._token_call("/api/v2/auth/access_token/get", {"refresh_token": stored.refresh_token})
        if extra.get("refresh_token"):
            return self._token_call("/api/v2/auth/access_token/get", {"refresh_token": str(extra["refresh_token"])})
        if extra.get("code"):
            return self._token_call("/api/v2/auth/token/get", {"code": str(extra["code"])})
        raise ConfigError(
            f"Connection {self.context.connection.conn_id!r} has neither extra.refresh_token nor extra.code;"
            " authorise the shop and put the code or refresh token in the Connection"
        )

    def _token_call(self, path: str, body: dict[str, Any]) -> TokenPair:
        payload = {**body, "partner_id": int(self.partner_id), "shop_id": int(self.shop_id)}
        try:
            data = self.auth_http.call(Call("POST", path, json=payload)).data
        except InvalidRequest as error:
            # A spent or unknown refresh token / code: only a new authorisation by the seller helps.
            raise AuthError(
                f"Shopee refused the shop's token grant: {error}; re-authorise shop {self.shop_id}",
                platform=PLATFORM,
                endpoint=path,
                platform_code=error.platform_code,
            ) from None
        now = datetime.now(UTC)
        access, refresh, expire_in = data.get("access_token"), data.get("refresh_token"), data.get("expire_in")
        if not access or not refresh or not isinstance(expire_in, int):
            raise InvalidPayload(
                "token response lacks access_token/refresh_token/expire_in", platform=PLATFORM, endpoint=path
            )
        return TokenPair(access, now + timedelta(seconds=expire_in), refresh, now + timedelta(days=30))

    # --- endpoints ---------------------------------------------------------------------------------------

    def get_shop_info(self) -> ApiResponse:
        return self.http.call(Call("GET", "/api/v2/shop/get_shop_info"))

    def get_order_list(self, time_from: int, time_to: int, cursor: str) -> ApiResponse:
        params = {
            "time_range_field": "update_time",
            "time_from": time_from,
            "time_to": time_to,
            "page_size": self.page_size,
            "cursor": cursor,
            "response_optional_fields": "order_status",
        }
        return self.http.call(Call("GET", "/api/v2/order/get_order_list", params))

    def get_order_detail(self, order_sns: Sequence[str]) -> ApiResponse:
        params = {"order_sn_list": ",".join(order_sns), "response_optional_fields": ORDER_DETAIL_FIELDS}
        return self.http.call(Call("GET", "/api/v2/order/get_order_detail", params))

    def get_escrow_list(self, time_from: int, time_to: int, page_no: int) -> ApiResponse:
        params = {
            "release_time_from": time_from,
            "release_time_to": time_to,
            "page_size": self.page_size,
            "page_no": page_no,
        }
        return self.http.call(Call("GET", "/api/v2/payment/get_escrow_list", params))

    def get_escrow_detail_batch(self, order_sns: Sequence[str]) -> ApiResponse:
        return self.http.call(
            Call("POST", "/api/v2/payment/get_escrow_detail_batch", json={"order_sn_list": list(order_sns)})
        )

    def get_escrow_detail(self, order_sn: str) -> ApiResponse:
        """One order's escrow: the only endpoint documenting the return refund and order-level adjustments."""
        return self.http.call(Call("GET", "/api/v2/payment/get_escrow_detail", {"order_sn": order_sn}))

    def get_wallet_transactions(self, time_from: int, time_to: int, page_no: int) -> ApiResponse:
        """``page_no`` counts from ``WALLET_FIRST_PAGE`` (documented "Default is 0"), unlike the escrow list's 1."""
        params = {
            "create_time_from": time_from,
            "create_time_to": time_to,
            "page_size": self.page_size,
            "page_no": page_no,
        }
        return self.http.call(Call("GET", "/api/v2/payment/get_wallet_transaction_list", params))

    def get_item_list(self, offset: int) -> ApiResponse:
        params = {"offset": offset, "page_size": self.page_size, "item_status": "NORMAL"}
        return self.http.call(Call("GET", "/api/v2/product/get_item_list", params))

    def get_item_base_info(self, item_ids: Sequence[str]) -> ApiResponse:
        return self.http.call(Call("GET", "/api/v2/product/get_item_base_info", {"item_id_list": ",".join(item_ids)}))

    def get_model_list(self, item_id: str) -> ApiResponse:
        return self.http.call(Call("GET", "/api/v2/product/get_model_list", {"item_id": item_id}))

    def update_stock(self, item_id: str, stock_list: Sequence[dict[str, Any]]) -> ApiResponse:
        """Set absolute seller stock for up to 50 models of one item (``connectors/shopee/stock_push.py``)."""
        body = {"item_id": int(item_id), "stock_list": list(stock_list)}
        return self.http.call(Call("POST", "/api/v2/product/update_stock", json=body))
