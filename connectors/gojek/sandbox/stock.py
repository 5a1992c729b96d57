"""``PATCH /integrations/gofood/outlets/{outlet_id}/v2/menu_item_stocks`` in the GoBiz sandbox
(connectors/gojek/stock_push.py): items in or out of stock by ``external_id``; an item out of stock takes no
order, an item in stock takes any (GoFood has no quantities)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

if TYPE_CHECKING:
    from connectors.gojek.sandbox.app import GojekSandbox

IN_STOCK = 9_999_999  # what an in-stock GoFood item "shows": no limit


def add_stock_routes(app: FastAPI, sandbox: GojekSandbox) -> None:
    from connectors.gojek.sandbox.app import failure

    @app.patch("/integrations/gofood/outlets/{outlet_id}/v2/menu_item_stocks")
    async def menu_item_stocks(outlet_id: str, request: Request) -> Response:
        sandbox._authorise(request, "gofood:catalog:write", outlet_id)
        try:
            items = json.loads(await request.body() or b"null")
        except ValueError:
            return failure(400, "request body is not JSON")
        if not isinstance(items, list) or not items:
            return failure(400, "body must be a non-empty list of {external_id, in_stock}")
        by_external = {p.seller_sku: p for p in sandbox.world.products_of("gojek", outlet_id)}
        for item in items:
            external = item.get("external_id") if isinstance(item, dict) else None
            in_stock = item.get("in_stock") if isinstance(item, dict) else None
            if external not in by_external:
                return failure(404, f"menu item with external_id {external!r} not found")
            if not isinstance(in_stock, bool):
                return failure(400, "in_stock must be true or false")
        for item in items:
            product = by_external[item["external_id"]]
            sandbox.world.listings.set("gojek", outlet_id, product.sku_ref, IN_STOCK if item["in_stock"] else 0)
        return JSONResponse({"success": True, "data": {}})
