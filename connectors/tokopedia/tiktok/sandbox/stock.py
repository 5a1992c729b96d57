"""``POST /product/202309/products/{product_id}/inventory/update`` in the TikTok Shop sandbox: the documented
body and answer (connectors/tokopedia/stock_push.py); the world's listing takes the absolute quantity."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from connectors.tokopedia.sandbox.common import TTS_API

if TYPE_CHECKING:
    from connectors.tokopedia.sandbox.app import TokopediaSandbox

MAX_QUANTITY = 99_999


def add_stock_routes(app: FastAPI, sandbox: TokopediaSandbox, shop_of: Callable[[Request], Awaitable[str]]) -> None:
    from connectors.tokopedia.tiktok.sandbox.routes import TikTokError, envelope

    @app.post(TTS_API + "/product/202309/products/{product_id}/inventory/update")
    async def update_inventory(product_id: str, request: Request) -> JSONResponse:
        shop = await shop_of(request)
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise TikTokError(36009004, "request body is not JSON", 400) from None
        skus = body.get("skus") if isinstance(body, dict) else None
        if not isinstance(skus, list) or not skus:
            raise TikTokError(36009004, "param body.skus is missing", 400)
        listed = {p.sku_ref: p for p in sandbox.world.products_of("tokopedia", shop) if p.item_id == product_id}
        if not listed:
            raise TikTokError(12052700, f"product {product_id} does not exist", 404)
        errors: list[dict[str, Any]] = []
        for sku in skus:
            sku_id = str(sku.get("id")) if isinstance(sku, dict) else ""
            inventory = sku.get("inventory") if isinstance(sku, dict) else None
            quantity = inventory[0].get("quantity") if isinstance(inventory, list) and inventory else None
            if sku_id not in listed:
                errors.append(_error(12052701, "sku does not belong to this product", sku_id))
            elif isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity < MAX_QUANTITY + 1:
                errors.append(_error(12052702, "quantity must be between 0 and 99999", sku_id))
            else:
                sandbox.world.listings.set("tokopedia", shop, sku_id, quantity)
        return envelope({"errors": errors} if errors else {})


def _error(code: int, message: str, sku_id: str) -> dict[str, Any]:
    return {"code": code, "message": message, "detail": {"sku_id": sku_id, "extra_errors": []}}
