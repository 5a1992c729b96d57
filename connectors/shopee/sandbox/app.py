"""FastAPI routes of the Shopee sandbox."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import add_admin_routes, install_fault_middleware
from connectors.base.sandbox.views import SortedView, SortedViews
from connectors.base.sandbox.world import SettlementRevision, World, WorldOrder
from connectors.shopee.sandbox import render
from connectors.shopee.sandbox.auth import ACCESS_TTL, AuthFailure, ShopeeAuth
from connectors.shopee.sandbox.consent import ShopeeConsent, add_consent_routes
from connectors.shopee.sandbox.shape import ShopeeWorld
from connectors.shopee.sandbox.stock import add_stock_routes

MAX_SPAN = 15 * 86400
DEFAULT_PAGE_SIZE = 40


class ShopeeError(Exception):
    def __init__(self, error: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.error, self.message, self.status = error, message, status


def envelope(
    response: Any = None, *, error: str = "", message: str = "", http_status: int = 200, **top: Any
) -> JSONResponse:
    body: dict[str, Any] = {"request_id": uuid.uuid4().hex, "error": error, "message": message, **top}
    if response is not None:
        body["response"] = response
    return JSONResponse(body, status_code=http_status)


class ShopeeSandbox(PlatformSandbox):
    platform = "shopee"
    shape = ShopeeWorld()

    def __init__(
        self,
        world: World,
        *,
        partner_id: int = 1_000_001,
        partner_key: str | None = None,
        access_ttl: int = ACCESS_TTL,
        state_path: Path | None = None,
    ) -> None:
        self.auth = ShopeeAuth(
            partner_id,
            partner_key or f"shpk{secrets.token_hex(28)}",
            {shop.shop_ref for shop in world.shops_on("shopee")},
            access_ttl=access_ttl,
            state_path=state_path,
        )
        self._views = SortedViews()
        self.consent = ShopeeConsent()
        super().__init__(world)

    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        return {
            "conn_type": "shopee",
            "host": base_url,
            "login": str(self.auth.partner_id),
            "password": self.auth.partner_key,
            # The sandbox has no partner rate limit; let the client run at full speed against it.
            "extra": {"refresh_token": self.auth.initial_refresh[shop_ref], "rate_limit_per_second": 1000},
        }

    # --- app ---------------------------------------------------------------------------------------------

    def build_app(self) -> FastAPI:
        app = FastAPI(title="Shopee Open Platform v2 sandbox (omnikop)", docs_url=None, redoc_url=None)
        add_admin_routes(app, self.state)
        install_fault_middleware(app, self.state, self._fault_response, exempt=("/api/v2/auth/",))
        app.exception_handler(ShopeeError)(
            lambda _, e: envelope(error=e.error, message=e.message, http_status=e.status)
        )
        app.exception_handler(AuthFailure)(lambda _, e: envelope(error=e.error, message=e.message, http_status=403))

        @app.post("/api/v2/auth/access_token/get")
        async def refresh(request: Request) -> Response:
            self.auth.check(request.url.path, dict(request.query_params), public=True)
            body = await _json(request)
            shop = str(body.get("shop_id", ""))
            return envelope(**self.auth.refresh_tokens(shop, str(body.get("refresh_token", ""))))

        add_consent_routes(app, self)  # auth_partner (the seller's consent) and auth/token/get
        add_stock_routes(app, self)  # update_stock (connectors/shopee/sandbox/stock.py)

        @app.get("/api/v2/shop/get_shop_info")
        def shop_info(request: Request) -> Response:
            shop = self._shop(request)
            # get_shop_info answers flat, with no ``error``/``message`` on success (its documented tree).
            shop_name = self.world.shop("shopee", shop).name
            body = {"shop_name": shop_name, "region": "ID", "status": "NORMAL", **self.auth.authorization_times(shop)}
            return JSONResponse({"request_id": uuid.uuid4().hex, **body})

        @app.get("/api/v2/order/get_order_list")
        def order_list(request: Request) -> Response:
            shop, query = self._shop(request), request.query_params
            if query.get("time_range_field") not in ("create_time", "update_time"):
                raise ShopeeError("error_param", "time_range_field must be create_time or update_time")
            start, end = _span(query, "time_from", "time_to", "order.order_list_invalid_time")
            size = _page_size(query)
            offset = _cursor(query.get("cursor") or "")
            field = query["time_range_field"]
            orders = self._orders_by(shop, field).between(start, end)
            page = self._page(orders, offset, size, request)
            more = offset + size < len(orders)
            rows = [
                {"order_sn": o.order_ref, "order_status": render.STATUS[o.status_at(self.world.as_of) or "PENDING"]}
                for o in page
            ]
            return envelope({"more": more, "next_cursor": str(offset + size) if more else "", "order_list": rows})

        @app.get("/api/v2/order/get_order_detail")
        def order_detail(request: Request) -> Response:
            shop = self._shop(request)
            wanted = _id_list(request.query_params.get("order_sn_list", ""), "order_sn_list")
            orders = [(sn, self.world.order("shopee", shop, sn)) for sn in wanted]
            corrupt = set(self.state.faults.corrupt_records)
            rows = [render.order_detail(o, self.world.as_of, sn in corrupt) for sn, o in orders if o is not None]
            return envelope({"order_list": rows})

        @app.get("/api/v2/payment/get_escrow_list")
        def escrow_list(request: Request) -> Response:
            shop, query = self._shop(request), request.query_params
            start, end = _span(query, "release_time_from", "release_time_to", "error_param")
            size, page_no = _page_size(query), _page_no(query, first=1)
            released = self._released(shop).between(start, end)
            page = self._page(released, (page_no - 1) * size, size, request)
            rows = [
                {
                    "order_sn": o.order_ref,
                    "payout_amount": float(s.net),
                    "escrow_release_time": render.ts(s.released_at),
                }
                for o, s in page
            ]
            return envelope({"escrow_list": rows, "more": page_no * size < len(released)})

        @app.post("/api/v2/payment/get_escrow_detail_batch")
        async def escrow_batch(request: Request) -> Response:
            shop = self._shop(request)
            wanted = (await _json(request)).get("order_sn_list")
            if not isinstance(wanted, list) or not 1 <= len(wanted) <= 50:
                raise ShopeeError("error_param", "order_sn_list must hold 1 to 50 order_sn")
            orders = [(sn, self.world.order("shopee", shop, sn)) for sn in wanted]
            corrupt = set(self.state.faults.corrupt_records)
            rows = [render.escrow_batch_row(o, self.world.as_of, sn in corrupt) for sn, o in orders if o is not None]
            return envelope([row for row in rows if row is not None])

        @app.get("/api/v2/payment/get_escrow_detail")
        def escrow_detail(request: Request) -> Response:
            shop, order_sn = self._shop(request), request.query_params.get("order_sn", "")
            order = self.world.order("shopee", shop, order_sn) if order_sn else None
            corrupt = order_sn in set(self.state.faults.corrupt_records)
            detail = render.escrow_detail(order, self.world.as_of, corrupt) if order is not None else None
            if detail is None:
                raise ShopeeError("error_param", f"order_sn {order_sn!r} has no escrow detail")
            return envelope(detail)

        @app.get("/api/v2/payment/get_wallet_transaction_list")
        def wallet(request: Request) -> Response:
            shop, query = self._shop(request), request.query_params
            start, end = _span(query, "create_time_from", "create_time_to", "time_invalid", "time_period_too_large")
            # page_no counts from 0 here ("Default is 0"), unlike get_escrow_list's 1.
            size, page_no = _page_size(query), _page_no(query, first=0)
            rows = self._wallet(shop).between(start, end)
            page = self._page(rows, page_no * size, size, request)
            return envelope({"transaction_list": page, "more": (page_no + 1) * size < len(rows)})

        @app.get("/api/v2/product/get_item_list")
        def item_list(request: Request) -> Response:
            shop, query = self._shop(request), request.query_params
            if not query.get("item_status"):
                raise ShopeeError("error_param", "item_status is required")
            size, offset = _page_size(query), _number(query, "offset", 0, minimum=0)
            products = self.world.products_of("shopee", shop)
            rows = [
                {"item_id": int(p.item_id), "item_status": "NORMAL", "update_time": render.ts(self.world.as_of)}
                for p in products[offset : offset + size]
            ]
            more = offset + size < len(products)
            return envelope(
                {
                    "item": rows,
                    "total_count": len(products),
                    "has_next_page": more,
                    "next_offset": offset + size if more else 0,
                }
            )

        @app.get("/api/v2/product/get_item_base_info")
        def item_base_info(request: Request) -> Response:
            shop = self._shop(request)
            wanted = set(_id_list(request.query_params.get("item_id_list", ""), "item_id_list"))
            rows = [
                render.item_base_info(self.world, p, self.world.as_of)
                for p in self.world.products_of("shopee", shop)
                if p.item_id in wanted
            ]
            return envelope({"item_list": rows})

        @app.get("/api/v2/product/get_model_list")
        def model_list(request: Request) -> Response:
            shop = self._shop(request)
            item_id = request.query_params.get("item_id", "")
            product = next((p for p in self.world.products_of("shopee", shop) if p.item_id == item_id), None)
            if product is None:
                raise ShopeeError("error_not_found", f"item {item_id} not found")
            return envelope(render.model_list(self.world, product, self.world.as_of))

        return app

    # --- helpers -----------------------------------------------------------------------------------------

    def _shop(self, request: Request) -> str:
        if "expire_token" in getattr(request.state, "faults", set()):
            self.auth.expire_access_tokens()
        return str(self.auth.check(request.url.path, dict(request.query_params), public=False))

    def _orders_by(self, shop: str, field: str) -> SortedView[WorldOrder]:
        as_of = self.world.as_of
        return self._views.get(
            ("orders", shop, field),
            (as_of, len(self.world.orders)),
            lambda: [(_moment(o, field, as_of), o.order_ref, o) for o in self.world.orders_of("shopee", shop)],
        )

    def _released(self, shop: str) -> SortedView[tuple[WorldOrder, SettlementRevision]]:
        as_of = self.world.as_of
        return self._views.get(
            ("released", shop),
            (as_of, len(self.world.orders)),
            lambda: [
                (render.ts(o.settlements[0].released_at), o.order_ref, (o, o.settlements[0]))
                for o in self.world.orders_of("shopee", shop)
                if o.settlements and o.settlements[0].released_at <= as_of
            ],
        )

    def _wallet(self, shop: str) -> SortedView[dict[str, Any]]:
        as_of = self.world.as_of
        return self._views.get(
            ("wallet", shop),
            (as_of, len(self.world.wallet)),
            lambda: [
                (t["create_time"], str(number).zfill(12), t)
                for number, t in enumerate(render.wallet_transactions(self.world, shop, as_of))
            ],
        )

    def _page(self, rows: list[Any], offset: int, size: int, request: Request) -> list[Any]:
        page = rows[offset : offset + size]
        faults: FaultPlan = self.state.faults
        if faults.duplicate_across_pages and offset > 0 and offset <= len(rows):
            page = [rows[offset - 1], *page]
        if faults.out_of_order:
            page = list(reversed(page))
        return page

    def _fault_response(self, kind: str, plan: FaultPlan) -> Response:
        if kind == "rate_limit":
            response = envelope(
                error="error_rate_limit", message="Too many requests. You have reached the rate limit.", http_status=429
            )
            response.headers["Retry-After"] = str(plan.retry_after)
            return response
        return envelope(error="error_server", message="Internal server error, please retry.", http_status=503)


def _moment(order: Any, field: str, as_of: datetime) -> int:
    return render.ts(order.created_at if field == "create_time" else order.updated_at(as_of))


def _span(query: Any, lower: str, upper: str, error: str, too_large: str | None = None) -> tuple[int, int]:
    """A ≤15-day window; ``error`` names an inverted one, ``too_large`` (default ``error``) one longer than 15 days."""
    try:
        start, end = int(query[lower]), int(query[upper])
    except (KeyError, ValueError):
        raise ShopeeError("error_param", f"{lower} and {upper} are required unix seconds") from None
    if too_large is None and (end < start or end - start > MAX_SPAN):
        raise ShopeeError(error, "Start time must be earlier than end time and diff in 15days.")
    if end < start:
        raise ShopeeError(error, f"The param error: {lower} bigger than {upper}.")
    if end - start > MAX_SPAN:
        raise ShopeeError(too_large or error, "The param error: time period too large.")
    return start, end


def _number(query: Any, name: str, default: int, *, minimum: int) -> int:
    """An integer parameter, or ``error_param``: a garbage value is the caller's error, never a server error."""
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ShopeeError("error_param", f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ShopeeError("error_param", f"{name} should be at least {minimum}")
    return value


def _page_size(query: Any) -> int:
    """``page_size`` is optional on every list the connector calls; Shopee's documented default is 40."""
    size = _number(query, "page_size", DEFAULT_PAGE_SIZE, minimum=1)
    if size > 100:
        raise ShopeeError("error_param", "page_size should be between 1 and 100")
    return size


def _page_no(query: Any, *, first: int) -> int:
    """``page_no`` from the endpoint's documented first page (and default); a page before it is refused."""
    return _number(query, "page_no", first, minimum=first)


def _cursor(raw: str) -> int:
    """The order list's cursor: ``""`` (first page) or a ``next_cursor`` this sandbox issued; anything else is refused
    in the error envelope, as Shopee does, instead of failing as an HTTP 500."""
    if raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit():
        raise ShopeeError("error_param", f"Invalid cursor {raw!r}: pass the next_cursor of the previous page.")
    return int(raw)


def _id_list(raw: str, name: str) -> list[str]:
    ids = [value for value in raw.split(",") if value]
    if not 1 <= len(ids) <= 50:
        raise ShopeeError("error_param", f"{name} must hold 1 to 50 ids")
    return ids


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise ShopeeError("error_param", "request body is not JSON") from None
    if not isinstance(body, dict):
        raise ShopeeError("error_param", "request body must be a JSON object")
    return body
