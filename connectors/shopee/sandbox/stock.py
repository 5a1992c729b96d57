"""``POST /api/v2/product/update_stock`` in the Shopee sandbox: the real contract (connectors/shopee/stock_push.py),
and the world's listing takes the absolute quantity less what open orders reserve ("stock must be ≥ reserved
stock"); a repeated push sets it again, and buyers cannot order more than the listing shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

if TYPE_CHECKING:
    from connectors.shopee.sandbox.app import ShopeeSandbox

MAX_MODELS = 50
LOCATION = "IDZ"  # the seller warehouse the sandbox's items are stocked in


def add_stock_routes(app: FastAPI, sandbox: ShopeeSandbox) -> None:
    from connectors.shopee.sandbox.app import ShopeeError, _json, envelope

    @app.post("/api/v2/product/update_stock")
    async def update_stock(request: Request) -> Response:
        shop = sandbox._shop(request)
        body = await _json(request)
        item_id, stock_list = str(body.get("item_id", "")), body.get("stock_list")
        product = next((p for p in sandbox.world.products_of("shopee", shop) if p.item_id == item_id), None)
        if product is None:
            raise ShopeeError("error_item_not_found", f"item_id {item_id or '-'} not found")
        if not isinstance(stock_list, list) or not 1 <= len(stock_list) <= MAX_MODELS:
            raise ShopeeError("error_param", f"stock_list must hold 1-{MAX_MODELS} models")
        success: list[dict[str, Any]] = []
        failure: list[dict[str, Any]] = []
        for entry in stock_list:
            model = entry.get("model_id") if isinstance(entry, dict) else None
            sellers = entry.get("seller_stock") if isinstance(entry, dict) else None
            stock = (
                sellers[0].get("stock")
                if isinstance(sellers, list) and sellers and isinstance(sellers[0], dict)
                else None
            )
            if not isinstance(model, int) or str(model) != (product.model_id or "0"):
                failure.append({"model_id": model, "failed_reason": "model_id not found in this item"})
            elif isinstance(stock, bool) or not isinstance(stock, int) or stock < 0:
                failure.append({"model_id": model, "failed_reason": "seller_stock.stock must be an integer >= 0"})
            elif stock < (reserved := _reserved(sandbox, shop, product)):
                failure.append({"model_id": model, "failed_reason": f"stock must be >= reserved stock ({reserved})"})
            else:
                # Shopee's stock holds what its open orders reserve; buyers see the rest.
                sandbox.world.listings.set("shopee", shop, product.sku_ref, stock - reserved)
                success.append({"model_id": model, "location_id": LOCATION, "stock": stock})
        return envelope({"success_list": success, "failure_list": failure})


def _reserved(sandbox: ShopeeSandbox, shop: str, product: Any) -> int:
    """Units of ``product`` in the shop's orders paid or ready but not shipped at the world's clock."""
    as_of = sandbox.world.as_of
    return sum(
        line.quantity
        for order in sandbox.world.orders_of("shopee", shop)
        if order.status_at(as_of) in ("PAID", "READY")
        for line in order.lines
        if line.product is product
    )
