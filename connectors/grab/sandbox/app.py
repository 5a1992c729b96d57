"""FastAPI routes of the Grab Partner API sandbox: OAuth, list orders (by date+page, or ≤10 orderIDs); no
"get menu" (Grab has none: it pulls the menu from the partner); admin routes to emit pushes and download
settlement reports. Errors are ``{reason, message, target}``."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.sandbox.emitter import EmitOptions
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import add_admin_routes, install_fault_middleware
from connectors.base.sandbox.world import World
from connectors.base.settlement_files.table import write_table
from connectors.grab.sandbox import render
from connectors.grab.sandbox.auth import GrabAuth, GrabFailure
from connectors.grab.sandbox.emitter import GrabEmitter
from connectors.grab.sandbox.shape import GrabWorld
from connectors.grab.sandbox.stock import add_stock_routes

PAGE_SIZE = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def error(status: int, reason: str, message: str, target: str = "") -> JSONResponse:
    body = {"reason": reason, "message": message, **({"target": target} if target else {})}
    return JSONResponse(body, status_code=status)


class GrabSandbox(PlatformSandbox):
    platform = "grab"
    shape = GrabWorld()

    def __init__(self, world: World, **_: Any) -> None:
        self.auth = GrabAuth()
        super().__init__(world)
        self.emitter = GrabEmitter(world, self.auth, self.state.faults)

    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        return {
            "conn_type": "grab",
            "host": base_url,
            "login": self.auth.client_id,
            "password": self.auth.client_secret,
            "extra": {
                "push_client_id": self.auth.push_client_id,
                "push_client_secret": self.auth.push_client_secret,
                "rate_limit_per_second": 1000,
            },
        }

    def settlement_report(self, shop_ref: str, kind: str, start: datetime, end: datetime) -> bytes:
        return write_table(render.REPORT_COLUMNS, render.report_rows(self.world, shop_ref, start, end), kind)

    def build_app(self) -> FastAPI:
        app = FastAPI(title="Grab Partner API sandbox (omnikop)", docs_url=None, redoc_url=None)
        add_admin_routes(app, self.state)
        install_fault_middleware(app, self.state, self._fault_response, exempt=("/grabid/",))
        app.exception_handler(GrabFailure)(lambda _, e: error(e.status, e.reason, e.message, e.target))

        @app.post("/grabid/v1/oauth2/token")
        async def token(request: Request) -> Response:
            try:
                body = json.loads(await request.body())
            except ValueError:
                raise GrabFailure(400, "invalid_argument", "body must be JSON (the only content type)") from None
            return JSONResponse(self.auth.grant(body))

        @app.get("/partner/v1/orders")
        def orders(request: Request) -> Response:
            merchant = self._authorise(request)
            ids = request.query_params.getlist("orderIDs")
            visible = self.world.orders_of("grab", merchant)
            if ids:
                if len(ids) > 10:
                    raise GrabFailure(400, "invalid_argument", "at most 10 orderIDs", "orderIDs")
                chosen, more = [o for o in visible if o.order_ref in ids], False
            else:
                day, page = self._day_and_page(request)
                on_day = sorted(
                    (o for o in visible if o.created_at.astimezone(render.WIB).date().isoformat() == day),
                    key=lambda o: (o.created_at, o.order_ref),
                )
                chosen = on_day[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
                if self.state.faults.duplicate_across_pages and page > 1:
                    chosen = [on_day[(page - 1) * PAGE_SIZE - 1], *chosen]
                if self.state.faults.out_of_order:
                    chosen.reverse()
                more = page * PAGE_SIZE < len(on_day)
            corrupt = set(self.state.faults.corrupt_records)
            rendered = [render.order(o, self.world.as_of, o.order_ref in corrupt, listed=True) for o in chosen]
            return JSONResponse({"more": more, "orders": rendered})

        add_stock_routes(app, self)  # batch/menu (connectors/grab/sandbox/stock.py)

        @app.post("/_sandbox/emit")
        async def emit(request: Request) -> list[dict[str, Any]]:
            spec = await request.json()
            options = EmitOptions(**{k: spec[k] for k in ("duplicates", "reorder", "forged", "seed") if k in spec})
            return [result.__dict__ for result in self.emitter.deliver(spec["url"], spec["shop_ref"], options)]

        @app.get("/_sandbox/settlement-report")
        def report(shop_ref: str, start: str, end: str, format: str = "csv") -> Response:
            kind = f"settlement_report_{format}"
            body = self.settlement_report(shop_ref, kind, datetime.fromisoformat(start), datetime.fromisoformat(end))
            return Response(body, media_type="text/csv" if format == "csv" else XLSX)

        return app

    def _authorise(self, request: Request) -> str:
        merchant = request.query_params.get("merchantID", "")
        if "expire_token" in getattr(request.state, "faults", set()):
            self.auth.expire_all()
        shop = next((s for s in self.world.shops_on("grab") if s.shop_ref == merchant), None)
        if shop is None:
            self.auth.check(request.headers.get("authorization"), "food.partner_api")
            raise GrabFailure(404, "not_found", f"merchant {merchant!r} not found", "merchantID")
        self.auth.check(request.headers.get("authorization"), f"{shop.flavor or 'food'}.partner_api")
        return merchant

    def _day_and_page(self, request: Request) -> tuple[str, int]:
        day, page = request.query_params.get("date", ""), request.query_params.get("page", "1")
        try:
            if len(day) != 10:
                raise ValueError(day)
            date.fromisoformat(day)
        except ValueError:
            raise GrabFailure(400, "invalid_argument", "date must be YYYY-MM-DD", "date") from None
        if not page.isdigit() or int(page) < 1:
            raise GrabFailure(400, "invalid_argument", "page must be a positive integer", "page")
        return day, int(page)

    def _fault_response(self, kind: str, plan: FaultPlan) -> Response:
        if kind == "rate_limit":
            if plan.request_count % 2:  # alternate Grab's two throttling answers
                return error(409, "conflict", f"List orders too frequently, retry after {plan.retry_after} seconds")
            response = error(429, "too_many_requests", "Too Many Requests")
            response.headers["Retry-After"] = str(plan.retry_after)
            return response
        return error(503, "unavailable", "service unavailable, please retry")
