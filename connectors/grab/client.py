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

from collections.abc import Sequence
from datetime import date
from typing import Any

from connectors.base.auth import WireFormat
from connectors.base.client_credentials import ClientCredentialsApi, ClientCredentialsClient, TokenEndpoint
from connectors.base.http import ApiResponse, Call
from connectors.base.protocol import ConnectorContext
from connectors.grab.errors import LADDER, TOKEN_LADDER

PLATFORM = "grab"
RATE_LIMIT_PER_SECOND = 5.0  # "order & store endpoints 5 rps" (§5.2)
TOKEN_PATH = "/grabid/v1/oauth2/token"
MAX_ORDER_IDS = 10


def scope_for(flavor: str | None) -> str:
    return "mart.partner_api" if flavor == "mart" else "food.partner_api"


# JSON is the only content type Grab supports; it wants both headers on every call.
WIRE = WireFormat(headers={"Accept": "application/json", "Content-Type": "application/json"}, content_type=None)
# The client id and secret go in the JSON body, beside grant_type and scope (§5.1).
API = ClientCredentialsApi(
    PLATFORM, TokenEndpoint(TOKEN_PATH, TOKEN_LADDER, WIRE, basic_auth=False), WIRE, LADDER, RATE_LIMIT_PER_SECOND
)


class GrabClient:
    def __init__(self, context: ConnectorContext) -> None:
        self.context, self.merchant_id = context, context.shop_ref
        self.scope = str(context.connection.extra.get("scope") or scope_for(context.flavor))
        oauth = ClientCredentialsClient(API, context, self.scope)
        self.http, self.auth_http = oauth.http, oauth.auth_http
        self.tokens, self.access_token = oauth.tokens, oauth.access_token

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
