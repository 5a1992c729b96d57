"""Grab's *Get Menu* partner endpoint, served by omnikop: ``GET /webhooks/grab/menu?merchantID=…&partnerMerchantID=…``.

Grab pulls a merchant's whole menu from the partner after ``POST /partner/v1/merchant/menu/notification``
(marketplace_apis.md §5.5), authenticating with the Bearer token omnikop issued at ``/webhooks/grab/oauth/token``
(connectors/grab/webhooks.py). The answer is ``GetMenuNewResponse`` as Grab's SDK types it
(grab/grabfood-api-sdk-java ``docs/GetMenuNewResponse.md``, ``MenuCategory.md``, ``MenuItem.md``,
``SellingTime.md``): ``{merchantID, partnerMerchantID, currency{code, symbol, exponent}, sellingTimes[≤20],
categories[≤100]{id, name, availableStatus, sellingTimeID, items[≤300]{id, name, availableStatus, price (minor
units), maxStock}}}``. Quantities are the stock omnikop pushes (``receiver.stock_source``, injected by
``omnikop webhooks serve``), so a pull and a push never disagree. The path is what the partner registers
with Grab; this one is omnikop's.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from connectors.base.stock_push import MenuStock
from connectors.base.webhooks import Receiver

PREFIX = "/webhooks/grab"
ITEMS_PER_CATEGORY = 300
MAX_CATEGORIES = 100
EXPONENT = 2  # IDR minor units as Grab counts them (§5.4)
ALL_WEEK = {
    day: {"openPeriodType": "OpenPeriod", "periods": [{"startTime": "00:00", "endTime": "23:59"}]}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}  # ServiceHours; the periods shape is assumed [I]


def menu_router(receiver: Receiver) -> APIRouter:
    from connectors.grab.webhooks import token_client

    api = APIRouter()

    @api.get(PREFIX + "/menu")
    async def get_menu(request: Request) -> JSONResponse:
        secrets, merchants = _clients(receiver)
        bearer = request.headers.get("authorization") or ""
        client_id = token_client(bearer[7:], secrets, time.time()) if bearer.startswith("Bearer ") else None
        if client_id is None:
            raise HTTPException(401, "invalid token")
        merchant = request.query_params.get("merchantID", "")
        if merchant not in merchants.get(client_id, set()):
            raise HTTPException(404, f"merchant {merchant!r} is not served by this partner")
        if receiver.stock_source is None:
            raise HTTPException(503, "the stock is not configured on this receiver")
        items = await run_in_threadpool(receiver.stock_source, "grab", merchant)
        partner = request.query_params.get("partnerMerchantID") or merchant
        return JSONResponse(render_menu(merchant, partner, items))

    return api


def render_menu(merchant: str, partner_merchant: str, items: list[MenuStock] | Any) -> dict[str, Any]:
    chunks = [list(items)[i : i + ITEMS_PER_CATEGORY] for i in range(0, len(items), ITEMS_PER_CATEGORY)]
    if len(chunks) > MAX_CATEGORIES:
        raise HTTPException(500, f"{len(items)} items do not fit Grab's {MAX_CATEGORIES}×{ITEMS_PER_CATEGORY} menu")
    return {
        "merchantID": merchant,
        "partnerMerchantID": partner_merchant,
        "currency": {"code": "IDR", "symbol": "Rp", "exponent": EXPONENT},
        "sellingTimes": [{"id": "ST-ALL", "name": "Sepanjang hari", "serviceHours": ALL_WEEK}],
        "categories": [
            {
                "id": f"CAT-{number + 1}",
                "name": "Produk anggota" if number == 0 else f"Produk anggota {number + 1}",
                "availableStatus": "AVAILABLE",
                "sellingTimeID": "ST-ALL",
                "items": [
                    {
                        "id": item.item_id,
                        "name": item.name,
                        "availableStatus": "AVAILABLE" if item.quantity > 0 else "UNAVAILABLE",
                        "price": item.price * 10**EXPONENT,
                        "maxStock": max(0, min(item.quantity, 9_999_999)),
                    }
                    for item in chunk
                ],
            }
            for number, chunk in enumerate(chunks)
        ],
    }


def _clients(receiver: Receiver) -> tuple[dict[str, str], dict[str, set[str]]]:
    secrets: dict[str, str] = {}
    merchants: dict[str, set[str]] = {}
    for shop, connection in receiver.connections("grab"):
        client_id, secret = connection.extra.get("push_client_id"), connection.extra.get("push_client_secret")
        if client_id and secret:
            secrets[str(client_id)] = str(secret)
            merchants.setdefault(str(client_id), set()).add(shop.shop_ref)
    return secrets, merchants
