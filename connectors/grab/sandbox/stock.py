"""``PUT /partner/v1/batch/menu`` in the Grab sandbox (connectors/grab/stock_push.py): up to 200 items by the
partner's item id; ``maxStock`` is what the listing shows (Grab auto-decrements it with every order), and the
answer is ``{merchantID, status, errors[{entityID, errMsg}]}``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.grab.sandbox.auth import GrabFailure

if TYPE_CHECKING:
    from connectors.grab.sandbox.app import GrabSandbox

MAX_ENTITIES = 200
MAX_STOCK = 9_999_999


def add_stock_routes(app: FastAPI, sandbox: GrabSandbox) -> None:
    @app.put("/partner/v1/batch/menu")
    async def batch_menu(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise GrabFailure(400, "invalid_argument", "body must be JSON (the only content type)") from None
        merchant = str(body.get("merchantID", "")) if isinstance(body, dict) else ""
        shop = next((s for s in sandbox.world.shops_on("grab") if s.shop_ref == merchant), None)
        sandbox.auth.check(
            request.headers.get("authorization"), f"{(shop.flavor if shop else '') or 'food'}.partner_api"
        )
        if shop is None:
            raise GrabFailure(404, "not_found", f"merchant {merchant!r} not found", "merchantID")
        entities = body.get("menuEntities")
        if body.get("field") != "ITEM":
            raise GrabFailure(400, "invalid_argument", "field must be ITEM", "field")
        if not isinstance(entities, list) or not entities:
            raise GrabFailure(400, "invalid_argument", "menuEntities is required", "menuEntities")
        if len(entities) > MAX_ENTITIES:
            raise GrabFailure(400, "invalid_argument", "Batch update menu support at most 200 items", "menuEntities")
        by_id = {p.seller_sku: p for p in sandbox.world.products_of("grab", merchant)}
        errors: list[dict[str, Any]] = []
        for entity in entities:
            problem = _problem(entity, by_id)
            if problem:
                errors.append(
                    {"entityID": str(entity.get("id") if isinstance(entity, dict) else ""), "errMsg": problem}
                )
                continue
            sandbox.world.listings.set("grab", merchant, by_id[entity["id"]].sku_ref, entity["maxStock"])
        status = "success" if not errors else "fail" if len(errors) == len(entities) else "partial success"
        return JSONResponse({"merchantID": merchant, "status": status, "errors": errors or None})


def _problem(entity: Any, by_id: dict[str, Any]) -> str:
    if not isinstance(entity, dict) or entity.get("id") not in by_id:
        return "item not found"
    stock, status = entity.get("maxStock"), entity.get("availableStatus")
    if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        return "maxStock must be between 0 and 9999999"
    if status == "UNAVAILABLE" and stock != 0:
        return "maxStock must be 0 when availableStatus is UNAVAILABLE"
    if status not in ("AVAILABLE", "UNAVAILABLE", "UNAVAILABLETODAY"):
        return "invalid availableStatus"
    return ""
