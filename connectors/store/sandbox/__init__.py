"""Store sandbox: the sandbox world's store sales as the cash register's daily POS export, on loopback.

A store has no partner API; what a POS (or its back office) offers is a sales export per outlet and day. The
sandbox serves exactly the file ``omnikop import pos`` reads (``GET /v1/exports/pos?outlet=&date=&format=``),
so tests and the demo exercise the real importer on the world's sales.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import add_admin_routes, install_fault_middleware
from connectors.base.sandbox.world import World, WorldOrder
from connectors.base.settlement_files.layout import WIB
from connectors.base.settlement_files.table import write_table
from connectors.store.sandbox.shape import StoreWorld

COLUMNS = [
    "date",
    "outlet",
    "receipt_no",
    "sku",
    "seller_sku",
    "name",
    "quantity",
    "unit_price",
    "discount",
    "payment_method",
]
METHODS = ("cash", "QRIS", "transfer")


class StoreSandbox(PlatformSandbox):
    platform = "store"
    shape = StoreWorld()

    def __init__(self, world: World, **_: Any) -> None:
        super().__init__(world)

    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        return {"conn_type": "store", "host": base_url, "login": shop_ref, "password": "", "extra": {}}

    def pos_export(self, outlet: str, start: date, end: date, kind: str = "pos_sales_csv") -> bytes:
        """The outlet's sales from ``start`` to ``end`` (inclusive, Jakarta dates) as a POS export."""
        rows = [row for order in self._sold(outlet, start, end) for row in _rows(outlet, order)]
        return write_table(COLUMNS, rows, kind)

    def tender_of(self, order_ref: str) -> str:
        return _method(order_ref).lower()

    def _sold(self, outlet: str, start: date, end: date) -> list[WorldOrder]:
        orders = self.world.orders_of("store", outlet)
        chosen = [o for o in orders if start <= o.created_at.astimezone(WIB).date() <= end]
        return sorted(chosen, key=lambda o: (o.created_at, o.order_ref))

    def build_app(self) -> FastAPI:
        app = FastAPI(title="store POS export sandbox (omnikop)", docs_url=None, redoc_url=None)
        add_admin_routes(app, self.state)
        install_fault_middleware(app, self.state, self._fault)

        @app.get("/v1/exports/pos")
        def export(request: Request) -> Response:
            query = request.query_params
            day = date.fromisoformat(query["date"])
            until = date.fromisoformat(query.get("until", query["date"]))
            kind = f"pos_sales_{query.get('format', 'csv')}"
            body = self.pos_export(query["outlet"], day, until, kind)
            media = (
                "text/csv"
                if kind.endswith("csv")
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            return Response(body, media_type=media)

        return app

    def _fault(self, kind: str, plan: FaultPlan) -> Response:
        if kind == "rate_limit":
            return JSONResponse(
                {"error": "rate limited"}, status_code=429, headers={"Retry-After": str(plan.retry_after)}
            )
        return JSONResponse({"error": "server error"}, status_code=503)


def _method(order_ref: str) -> str:
    return METHODS[hashlib.sha256(order_ref.encode()).digest()[0] % len(METHODS)]


def _rows(outlet: str, order: WorldOrder) -> list[list[Any]]:
    sold = order.created_at.astimezone(WIB).replace(tzinfo=None, microsecond=0)
    return [
        [
            sold.isoformat(sep=" "),
            outlet,
            order.order_ref,
            line.product.sku_ref,
            line.product.seller_sku,
            line.product.name,
            line.quantity,
            line.unit_price,
            line.discount,
            _method(order.order_ref),
        ]
        for line in order.lines
    ]


SANDBOX = StoreSandbox
