"""Authorising a Shopee shop (marketplace_apis.md §1.3; Shopee's "Authorization and Authentication" guide).

The link is ``GET {host}/api/v2/shop/auth_partner?partner_id&timestamp&sign&redirect`` signed as a public API
(``partner_id + path + timestamp``; the link is valid 5 minutes). The seller logs in, confirms, and Shopee
redirects to ``redirect?code=…&shop_id=…`` (``main_account_id`` instead of ``shop_id`` for a main account).
The code (one-time, 10 minutes) goes to ``POST /api/v2/auth/token/get`` through ``ShopeeClient``. The
authorisation itself lasts what the seller chose, up to 365 days: ``get_shop_info`` documents its
``expire_time``, recorded so that ``omnikop shops expiring`` can warn before it ends.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime

from connectors.base.authorize import AuthorizationRefused, Authorizer, add_query
from connectors.base.protocol import Connector
from connectors.base.windows import from_timestamp
from connectors.shopee.signing import sign

AUTH_PARTNER = "/api/v2/shop/auth_partner"


class ShopeeAuthorizer(Authorizer):
    platform = "shopee"
    code_extra = "code"

    def authorize_url(self, redirect_url: str, state: str) -> str:
        # Shopee has no state parameter of its own: the state rides in our redirect URL, which Shopee keeps.
        partner_id, now = self.connection.require("login"), int(time.time())
        params = {
            "partner_id": partner_id,
            "timestamp": str(now),
            "sign": sign(self.connection.require("password"), partner_id, AUTH_PARTNER, now),
            "redirect": add_query(redirect_url, state=state),
        }
        return add_query(self.connection.require("host").rstrip("/") + AUTH_PARTNER, **params)

    def code_from(self, query: Mapping[str, str], state: str) -> str:
        if query.get("state") != state:
            raise AuthorizationRefused("the callback does not answer this authorisation link (state differs)")
        if not query.get("code"):
            raise AuthorizationRefused(f"the callback carries no code: {sorted(query)}")
        if not query.get("shop_id"):
            raise AuthorizationRefused(
                "Shopee authorised a main account, not a shop; log in with the shop's own account and try again"
            )
        if query["shop_id"] != self.shop_ref:
            raise AuthorizationRefused(
                f"the seller authorised shop {query['shop_id']}, not {self.shop_ref}; run again with"
                f" --shop {query['shop_id']} or log in as shop {self.shop_ref}"
            )
        return query["code"]

    def describe(self, connector: Connector) -> tuple[str | None, datetime | None]:
        info = connector.client.get_shop_info().data  # type: ignore[attr-defined]
        expire_time = info.get("expire_time")
        ends = from_timestamp(expire_time) if isinstance(expire_time, int) and expire_time > 0 else None
        name = info.get("shop_name")
        return (str(name) if name else None), ends


AUTHORIZER = ShopeeAuthorizer
