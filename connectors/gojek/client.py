"""GoBiz Open API client (direct integration): client-credentials tokens, the endpoints used (errors: ``errors.py``).

Connection fields (conn_type ``gojek``): ``host`` = API base URL (``https://api.gobiz.co.id``; sandbox
``https://api.partner-sandbox.gobiz.co.id``), ``login`` = client id, ``password`` = client secret; extra
``oauth_url`` (``https://accounts.go-jek.com``; defaults to ``host``), ``scopes`` (space separated; default
below) and ``notification_secret`` (the webhook HMAC key, used by the receiver only). The shop is the outlet id.

Tokens last 3599 s and there is no refresh token (marketplace_apis.md §4.1): a new client-credentials grant
replaces an expired token (``connectors/base/client_credentials.py``, shared with Grab).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from connectors.base.auth import WireFormat
from connectors.base.client_credentials import ClientCredentialsApi, ClientCredentialsClient, TokenEndpoint
from connectors.base.http import ApiResponse, Call
from connectors.base.protocol import ConnectorContext
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
API = ClientCredentialsApi(
    PLATFORM, TokenEndpoint(TOKEN_PATH, TOKEN_LADDER, TOKEN_WIRE, basic_auth=True), WIRE, LADDER, RATE_LIMIT_PER_SECOND
)


class GojekClient:
    def __init__(self, context: ConnectorContext) -> None:
        self.context, self.outlet_id = context, context.shop_ref
        self.scopes = str(context.connection.extra.get("scopes") or DEFAULT_SCOPES)
        oauth = ClientCredentialsClient(API, context, self.scopes)
        self.http, self.auth_http = oauth.http, oauth.auth_http
        self.tokens, self.access_token = oauth.tokens, oauth.access_token

    # --- endpoints ---------------------------------------------------------------------------------------

    def get_outlet(self) -> ApiResponse:
        return self.http.call(Call("GET", f"/integrations/partner/outlets/{self.outlet_id}/v1"))

    def get_catalog(self) -> ApiResponse:
        return self.http.call(Call("GET", f"/integrations/gofood/outlets/{self.outlet_id}/v2/catalog"))

    def update_item_stocks(self, items: Sequence[dict[str, Any]]) -> ApiResponse:
        """Mark menu items in or out of stock by external id (``connectors/gojek/stock_push.py``)."""
        path = f"/integrations/gofood/outlets/{self.outlet_id}/v2/menu_item_stocks"
        return self.http.call(Call("PATCH", path, json=list(items)))
