"""The sandbox's side of a seller authorising omnikop: the authorisation link and the code exchange.

* ``GET /api/v2/shop/auth_partner?partner_id&timestamp&sign&redirect`` (public signature, 5-minute link): on
  the real platform the seller logs in and confirms; here the "seller" confirms at once and the answer is the
  redirect a confirmation produces, ``<redirect>?code=…&shop_id=…`` (marketplace_apis.md §1.3). Which shop
  logs in is ``ShopeeConsent.seller`` (default: the world's first Shopee shop), as the seller's login is;
  ``POST /_sandbox/consent {"seller": …}`` sets it on a served sandbox.
* ``POST /api/v2/auth/token/get`` (public signature, JSON body ``code``, ``partner_id``, ``shop_id`` or
  ``main_account_id``): the one-time code for the shop's first token pair, answered top-level as
  ``v2.public.get_access_token`` documents (``access_token``, ``refresh_token``, ``expire_in``, ``shop_id_list``…).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from connectors.base.authorize import add_query
from connectors.shopee.sandbox.auth import AuthFailure

if TYPE_CHECKING:
    from connectors.shopee.sandbox.app import ShopeeSandbox

AUTH_PARTNER = "/api/v2/shop/auth_partner"
TOKEN_GET = "/api/v2/auth/token/get"


@dataclass
class ShopeeConsent:
    """Who clicks "Confirm" in the sandbox: the shop that logs in (None: the world's first Shopee shop)."""

    seller: str | None = None


def add_consent_routes(app: FastAPI, sandbox: ShopeeSandbox) -> None:
    from connectors.shopee.sandbox.app import _json, envelope  # app.py registers these routes: import late

    auth = sandbox.auth

    @app.post("/_sandbox/consent")
    async def set_consent(request: Request) -> dict[str, str | None]:
        sandbox.consent.seller = (await _json(request)).get("seller", sandbox.consent.seller)
        return {"seller": sandbox.consent.seller}

    @app.get(AUTH_PARTNER)
    def auth_partner(request: Request) -> Response:
        query = dict(request.query_params)
        auth.check(request.url.path, query, public=True)
        redirect = query.get("redirect", "")
        if not redirect.startswith(("http://", "https://")):
            raise AuthFailure("error_param", "redirect is required and must be an http(s) URL")
        shop = sandbox.consent.seller or sandbox.shop_refs()[0]
        return RedirectResponse(add_query(redirect, code=auth.issue_code(shop), shop_id=shop), status_code=302)

    @app.post(TOKEN_GET)
    async def token_get(request: Request) -> Response:
        auth.check(request.url.path, dict(request.query_params), public=True)
        return envelope(**auth.grant_code(await _json(request)))
