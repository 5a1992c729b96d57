"""TikTok Shop Partner API routes of the sandbox (hosts ``open-api…`` and ``auth…``, both at the server's root,
so a client needs nothing but the base URL). Enforced: signature over the path exactly as requested, timestamp,
token and shop_cipher on every call; page_size 1..100; ≤50 order ids; required sort fields; the
``{code, message, request_id, data}`` envelope with ``code == 0`` for success."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from connectors.base.sandbox.world import WorldOrder
from connectors.tokopedia.sandbox.common import (
    TTS_API,
    TTS_AUTH,
    faults_of,
    int_param,
    page_of,
    page_token,
    token_offset,
)
from connectors.tokopedia.sandbox.common import ts as unix
from connectors.tokopedia.tiktok.sandbox import render
from connectors.tokopedia.tiktok.sandbox.stock import add_stock_routes

if TYPE_CHECKING:
    from connectors.tokopedia.sandbox.app import TokopediaSandbox


class TikTokError(Exception):
    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def envelope(data: Any = None, *, code: int = 0, message: str = "Success", status: int = 200) -> JSONResponse:
    body = {"code": code, "message": message, "request_id": uuid.uuid4().hex, "data": data}
    return JSONResponse(body, status_code=status)


def add_tiktok_routes(app: FastAPI, sandbox: TokopediaSandbox) -> None:
    world, auth, state = sandbox.world, sandbox.tts_auth, sandbox.state

    async def shop_of(request: Request, *, scoped: bool = True) -> str:
        if "expire_token" in faults_of(request):
            auth.expire_access_tokens()
        body = (await request.body()).decode("utf-8") if request.method != "GET" else ""
        query = dict(request.query_params)
        # The path exactly as the client requested it: what TikTok's own host checks the signature over.
        shop = auth.check(request.url.path, query, body, request.headers.get("x-tts-access-token"))
        if scoped and query.get("shop_cipher") != auth.ciphers.get(shop):
            raise TikTokError(36009004, "detail: shop_cipher is invalid", 400)
        return shop

    def paged(request: Request, rows: list[Any], scope: str) -> tuple[list[Any], str]:
        size = int_param(request.query_params, "page_size")
        if size is None or not 1 <= size <= 100:
            raise TikTokError(36009004, "page_size must be between 1 and 100", 400)
        offset = token_offset(scope, request.query_params.get("page_token", ""))
        if offset is None:
            raise TikTokError(36009004, "page_token is invalid", 400)
        following = offset + size
        return page_of(rows, offset, size, state.faults), page_token(scope, following) if following < len(rows) else ""

    def window(values: Any, lower: str, upper: str) -> tuple[int, int]:
        start, end = int_param(values, lower), int_param(values, upper)
        if start is None or end is None or end < start:
            raise TikTokError(36009004, f"{lower} and {upper} must be unix seconds, {lower} ≤ {upper}", 400)
        return start, end

    @app.get(TTS_AUTH + "/api/v2/token/get")
    def token_get(request: Request) -> JSONResponse:
        granted = auth.grant({**request.query_params, "grant_type": "authorized_code"})
        sandbox.save_state()
        return envelope(granted)

    @app.get(TTS_AUTH + "/api/v2/token/refresh")
    def token_refresh(request: Request) -> JSONResponse:
        granted = auth.grant(dict(request.query_params))
        sandbox.save_state()
        return envelope(granted)

    @app.get(TTS_API + "/authorization/202309/shops")
    async def shops(request: Request) -> JSONResponse:
        shop = await shop_of(request, scoped=False)
        name = world.shop("tokopedia", shop).name
        row = {"id": shop, "name": name, "region": "ID", "seller_type": "LOCAL", "cipher": auth.ciphers[shop]}
        return envelope({"shops": [row | {"code": f"IDLC{shop[-6:]}"}]})

    @app.post(TTS_API + "/order/202309/orders/search")
    async def search_orders(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        filters = _json_object(await request.body())
        bounds = _bounds(filters)
        sort_field = request.query_params.get("sort_field", "create_time")
        sort_order = request.query_params.get("sort_order", "DESC")
        if sort_field not in ("create_time", "update_time") or sort_order not in ("ASC", "DESC"):
            raise TikTokError(36009004, "sort_field must be create_time or update_time, sort_order ASC or DESC", 400)
        as_of = world.as_of
        matching = sorted(
            (o for o in world.orders_of("tokopedia", shop) if _matches(o, as_of, bounds, filters.get("order_status"))),
            key=lambda o: (o.created_at if sort_field == "create_time" else o.updated_at(as_of), o.order_ref),
            reverse=sort_order == "DESC",
        )
        scope = "orders:" + json.dumps([filters, sort_field, sort_order], sort_keys=True, separators=(",", ":"))
        page, following = paged(request, matching, scope)
        rows = [render.order(o, as_of, corrupt=False) for o in page]
        return envelope({"orders": rows, "next_page_token": following, "total_count": len(matching)})

    @app.get(TTS_API + "/order/202309/orders")
    async def get_orders(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        ids = [value for value in request.query_params.get("ids", "").split(",") if value]
        if not 1 <= len(ids) <= 50:
            raise TikTokError(36009004, "ids must hold 1 to 50 order ids", 400)
        orders = {o.order_ref: o for o in world.orders_of("tokopedia", shop)}
        corrupt = set(state.faults.corrupt_records)
        rows = [render.order(orders[i], world.as_of, i in corrupt) for i in ids if i in orders]
        return envelope({"orders": rows})

    @app.get(TTS_API + "/finance/202309/statements")
    async def get_statements(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        start, end = window(request.query_params, "statement_time_ge", "statement_time_lt")
        if request.query_params.get("sort_field", "statement_time") != "statement_time":
            raise TikTokError(36009004, "sort_field must be statement_time", 400)
        days = render.statements(world, shop, world.as_of)
        listed = [(d, rows) for d, rows in days.values() if start <= render.statement_time(d) < end]
        page, following = paged(request, listed, f"statements:{start}:{end}")
        return envelope(
            {"statements": [render.statement(shop, d, rows) for d, rows in page], "next_page_token": following}
        )

    @app.get(TTS_API + "/finance/202309/statements/{statement_id}/statement_transactions")
    async def get_statement_transactions(statement_id: str, request: Request) -> JSONResponse:
        shop = await shop_of(request)
        if request.query_params.get("sort_field") != "order_create_time":
            raise TikTokError(36009004, "sort_field is required and must be order_create_time", 400)
        days = render.statements(world, shop, world.as_of)
        if statement_id not in days:
            raise TikTokError(36009004, f"statement {statement_id} does not exist", 400)
        day, rows = days[statement_id]
        ordered = sorted(rows, key=lambda t: (t.order.created_at, t.id))
        page, following = paged(request, ordered, f"transactions:{statement_id}")
        corrupt = set(state.faults.corrupt_records)
        summary = render.statement(shop, day, rows)
        return envelope(
            {
                "statement_id": statement_id,
                "statement_time": summary["statement_time"],
                "currency": "IDR",
                "revenue_amount": summary["revenue_amount"],
                "fee_amount": summary["fee_amount"],
                "adjustment_amount": summary["adjustment_amount"],
                "settlement_amount": summary["settlement_amount"],
                "total_count": len(rows),
                "statement_transactions": [render.transaction(t, t.order.order_ref in corrupt) for t in page],
                "next_page_token": following,
            }
        )

    @app.get(TTS_API + "/finance/202309/withdrawals")
    async def get_withdrawals(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        start, end = window(request.query_params, "create_time_ge", "create_time_lt")
        types = {t for t in request.query_params.get("types", "").split(",") if t}
        if not types:
            raise TikTokError(36009004, "types is required", 400)
        rows = [
            w
            for w in render.withdrawals(world, shop, world.as_of)
            if w["type"] in types and start <= w["create_time"] < end
        ]
        page, following = paged(request, rows, f"withdrawals:{start}:{end}:{','.join(sorted(types))}")
        return envelope({"withdrawals": page, "next_page_token": following, "total_count": len(rows)})

    @app.get(TTS_API + "/finance/202309/payments")
    async def get_payments(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        start, end = window(request.query_params, "create_time_ge", "create_time_lt")
        if request.query_params.get("sort_field") != "create_time":
            raise TikTokError(36009004, "sort_field is required and must be create_time", 400)
        rows = [p for p in render.payments(world, shop, world.as_of) if start <= p["create_time"] < end]
        page, following = paged(request, rows, f"payments:{start}:{end}")
        return envelope({"payments": page, "next_page_token": following})

    @app.post(TTS_API + "/product/202312/products/search")
    async def search_products(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        _json_object(await request.body())
        products = world.products_of("tokopedia", shop)
        page, following = paged(request, products, "products")
        rows = [render.product(world, p, world.as_of) for p in page]
        return envelope({"products": rows, "next_page_token": following, "total_count": len(products)})

    @app.post(TTS_API + "/product/202309/inventory/search")
    async def search_inventory(request: Request) -> JSONResponse:
        shop = await shop_of(request)
        wanted = _json_object(await request.body()).get("product_ids")
        if not isinstance(wanted, list) or not 1 <= len(wanted) <= 100:
            raise TikTokError(36009004, "product_ids must hold 1 to 100 ids", 400)
        rows = [
            render.inventory(world, p, world.as_of) for p in world.products_of("tokopedia", shop) if p.item_id in wanted
        ]
        return envelope({"inventory": rows})

    add_stock_routes(app, sandbox, shop_of)  # inventory/update (stock.py)


# Body filters of orders/search, every one optional (TikTok's ``Order202309GetOrderListRequestBody``): unix-second
# bounds, ``*_ge`` inclusive and ``*_lt`` exclusive, and the order status. Others TikTok documents (shipping_type,
# buyer_user_id, is_buyer_request_cancel, warehouse_ids) are accepted and ignored: the world does not model them.
TIME_FILTERS = {
    "create_time_ge": ("create", True),
    "create_time_lt": ("create", False),
    "update_time_ge": ("update", True),
    "update_time_lt": ("update", False),
}


def _bounds(filters: dict[str, Any]) -> dict[str, int]:
    """The time filters present in the body, each checked to be unix seconds."""
    bounds = {}
    for name in TIME_FILTERS:
        if name in filters:
            bound = int_param(filters, name)
            if bound is None:
                raise TikTokError(36009004, f"{name} must be unix seconds", 400)
            bounds[name] = bound
    return bounds


def _matches(o: WorldOrder, as_of: datetime, bounds: dict[str, int], status: Any) -> bool:
    moments = {"create": unix(o.created_at), "update": unix(o.updated_at(as_of))}
    for name, bound in bounds.items():
        which, lower = TIME_FILTERS[name]
        if (moments[which] < bound) if lower else (moments[which] >= bound):
            return False
    return status is None or render.STATUS[o.status_at(as_of) or "PENDING"] == status


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise TikTokError(36009004, "request body is not JSON", 400) from None
    if not isinstance(body, dict):
        raise TikTokError(36009004, "request body must be a JSON object", 400)
    return body
