"""FastAPI routes of the GoBiz sandbox: OAuth, outlet, catalog; admin routes to emit webhooks and download
settlement reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.sandbox.emitter import EmitOptions
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import add_admin_routes, install_fault_middleware
from connectors.base.sandbox.world import World
from connectors.base.settlement_files.table import write_table
from connectors.gojek.sandbox import render
from connectors.gojek.sandbox.auth import GobizAuth, OAuthFailure
from connectors.gojek.sandbox.emitter import GobizEmitter
from connectors.gojek.sandbox.shape import GojekWorld
from connectors.gojek.sandbox.stock import add_stock_routes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def failure(status: int, message: str) -> JSONResponse:
    return JSONResponse({"success": False, "errors": [{"message": message}]}, status_code=status)


class GojekSandbox(PlatformSandbox):
    platform = "gojek"
    shape = GojekWorld()

    def __init__(self, world: World, **_: Any) -> None:
        self.auth = GobizAuth()
        super().__init__(world)
        self.emitter = GobizEmitter(world, self.auth.notification_secret, self.state.faults)

    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        return {
            "conn_type": "gojek",
            "host": base_url,
            "login": self.auth.client_id,
            "password": self.auth.client_secret,
            "extra": {"notification_secret": self.auth.notification_secret, "rate_limit_per_second": 1000},
        }

    def settlement_report(self, shop_ref: str, kind: str, start: datetime, end: datetime) -> bytes:
        return write_table(render.REPORT_COLUMNS, render.report_rows(self.world, shop_ref, start, end), kind)

    def build_app(self) -> FastAPI:
        app = FastAPI(title="GoBiz Open API sandbox (omnikop)", docs_url=None, redoc_url=None)
        add_admin_routes(app, self.state)
        install_fault_middleware(app, self.state, self._fault_response, exempt=("/oauth2/",))

        @app.exception_handler(OAuthFailure)
        async def oauth_failure(_: Request, error: OAuthFailure) -> Response:
            if error.error in ("invalid_client", "unsupported_grant_type"):  # the token endpoint speaks OAuth
                return JSONResponse({"error": error.error, "error_description": error.message}, error.status)
            return failure(error.status, error.message)

        @app.post("/oauth2/token")
        async def token(request: Request) -> Response:
            form = dict(parse_qsl((await request.body()).decode()))
            return JSONResponse(self.auth.grant(request.headers.get("authorization"), form))

        @app.get("/integrations/partner/outlets/{outlet_id}/v1")
        def outlet(outlet_id: str, request: Request) -> Response:
            self._authorise(request, "partner:outlet:read", outlet_id)
            shop = self.world.shop("gojek", outlet_id)
            return JSONResponse({"success": True, "data": {"outlet": {"id": outlet_id, "name": shop.name}}})

        @app.get("/integrations/gofood/outlets/{outlet_id}/v2/catalog")
        def catalog(outlet_id: str, request: Request) -> Response:
            self._authorise(request, "gofood:catalog:read", outlet_id)
            products = self.world.products_of("gojek", outlet_id)
            data = render.catalog(self.world, products, self.world.as_of, set(self.state.faults.corrupt_records))
            return JSONResponse({"success": True, "data": data})

        add_stock_routes(app, self)  # menu_item_stocks (connectors/gojek/sandbox/stock.py)

        @app.post("/_sandbox/emit")
        async def emit(request: Request) -> list[dict[str, Any]]:
            """Deliver a shop's events to ``url`` (the receiver's base URL), e.g. ``{"url": …, "shop_ref": …,
            "duplicates": true, "reorder": true, "forged": 3}``."""
            spec = await request.json()
            options = EmitOptions(**{k: spec[k] for k in ("duplicates", "reorder", "forged", "seed") if k in spec})
            results = self.emitter.deliver(spec["url"], spec["shop_ref"], options)
            return [result.__dict__ for result in results]

        @app.get("/_sandbox/settlement-report")
        def report(shop_ref: str, start: str, end: str, format: str = "csv") -> Response:
            kind = f"settlement_report_{format}"
            body = self.settlement_report(shop_ref, kind, datetime.fromisoformat(start), datetime.fromisoformat(end))
            return Response(body, media_type="text/csv" if format == "csv" else XLSX)

        return app

    def _authorise(self, request: Request, scope: str, outlet_id: str) -> None:
        if "expire_token" in getattr(request.state, "faults", set()):
            self.auth.expire_all()
        self.auth.check(request.headers.get("authorization"), scope)
        if outlet_id not in self.shop_refs():
            raise OAuthFailure(404, "not_found", f"outlet {outlet_id} not found")

    def _fault_response(self, kind: str, plan: FaultPlan) -> Response:
        if kind == "rate_limit":
            response = failure(429, "Too Many Requests")
            response.headers["Retry-After"] = str(plan.retry_after)
            return response
        return failure(503, "Service Unavailable")
