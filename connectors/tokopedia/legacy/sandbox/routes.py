"""Legacy Tokopedia fs API routes of the sandbox (``fs.tokopedia.net`` under ``/fs``, ``accounts…`` under
``/accounts``). Enforced: Basic for the token and "no new token before expiry", Bearer + fs_id + linked shop on
every call, order windows under 3 days (ORD_DLV_013), saldo windows ≤ 31 days, per_page limits, the
``{header, data}`` envelope and the ``X-Ratelimit-*`` headers. Resolution tickets are served by shop and date
range; their range limit is not documented, so none is enforced."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from connectors.tokopedia.legacy.sandbox import render
from connectors.tokopedia.sandbox.common import ACCOUNTS, FS_API, WIB, faults_of, int_param, page_of, ts

if TYPE_CHECKING:
    from connectors.tokopedia.sandbox.app import TokopediaSandbox

MALFORMED = "We could not process your request due to malformed request, please check again"
ORDER_SPAN = 3 * 86400  # to_date - from_date must stay below this
SALDO_SPAN = 31 * 86400
RATE_HEADERS = {
    "X-Ratelimit-Limit": "5 req/s (burst 5)",
    "X-Ratelimit-Remaining": "4",
    "X-Ratelimit-Reset-After": "-0.000000",
    "X-Ratelimit-Full-Reset-After": "0.2",
}


class LegacyError(Exception):
    def __init__(self, status: int, error_code: str, reason: str, messages: str = MALFORMED) -> None:
        super().__init__(reason)
        self.status, self.error_code, self.reason, self.messages = status, error_code, reason, messages


def envelope(data: Any, started: float, status: int = 200, **header: Any) -> JSONResponse:
    head = {"process_time": round(time.perf_counter() - started, 9), **header}
    head.setdefault("messages", "Your request has been processed successfully")
    return JSONResponse({"header": head, "data": data}, status_code=status, headers=RATE_HEADERS)


def error_response(error: LegacyError) -> JSONResponse:
    head = {"messages": error.messages, "reason": error.reason, "error_code": error.error_code}
    return envelope(None, time.perf_counter(), error.status, **head)


def add_legacy_routes(app: FastAPI, sandbox: TokopediaSandbox) -> None:
    world, auth, state = sandbox.world, sandbox.fs_auth, sandbox.state

    def authorised(request: Request, fs_id: str, shop_id: str | None) -> None:
        if "expire_token" in faults_of(request):
            auth.expire_tokens()
        auth.check(request.headers.get("Authorization"), fs_id)
        if shop_id is not None:
            auth.linked(shop_id)

    def pages(request: Request, limit: int) -> tuple[int, int]:
        page, per_page = int_param(request.query_params, "page"), int_param(request.query_params, "per_page")
        if page is None or page < 1 or per_page is None or not 1 <= per_page <= limit:
            raise LegacyError(400, "PAG_DLV_001", f"page must be ≥ 1 and per_page between 1 and {limit}")
        return (page - 1) * per_page, per_page

    @app.post(ACCOUNTS + "/token")
    def token(request: Request) -> JSONResponse:
        if request.query_params.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        granted = auth.token(request.headers.get("Authorization"))
        sandbox.save_state()
        return JSONResponse(granted)

    @app.get(FS_API + "/v1/shop/fs/{fs_id}/shop-info")
    def shop_info(fs_id: str, request: Request) -> JSONResponse:
        started, shop_id = time.perf_counter(), request.query_params.get("shop_id", "")
        authorised(request, fs_id, shop_id)
        shop = world.shop("tokopedia", shop_id)
        return envelope([{"shop_id": int(shop_id), "shop_name": shop.name, "status": 1, "is_open": 1}], started)

    @app.get(FS_API + "/v2/order/list")
    def order_list(request: Request) -> JSONResponse:
        started, query = time.perf_counter(), request.query_params
        shop_id = query.get("shop_id", "")
        authorised(request, query.get("fs_id", ""), shop_id)
        start, end = int_param(query, "from_date"), int_param(query, "to_date")
        if start is None or end is None or end < start:
            raise LegacyError(400, "ORD_DLV_012", "from_date and to_date must be unix seconds, from_date ≤ to_date")
        if end - start >= ORDER_SPAN:
            raise LegacyError(400, "ORD_DLV_013", "Date Range must be less than 3 days")
        offset, per_page = pages(request, 100)
        as_of = world.as_of
        # Only orders that reached payment verified (220) are listed (§2.4).
        listed = sorted(
            (
                o
                for o in world.orders_of("tokopedia", shop_id)
                if o.status_at(as_of) != "PENDING" and start <= ts(o.updated_at(as_of)) <= end
            ),
            key=lambda o: (o.updated_at(as_of), o.order_ref),
        )
        corrupt, fs_id = set(state.faults.corrupt_records), query.get("fs_id", "")
        rows = [
            render.list_row(o, shop_id, fs_id, as_of, o.order_ref in corrupt)
            for o in page_of(listed, offset, per_page, state.faults)
        ]
        return envelope(rows, started)

    @app.get(FS_API + "/v2/fs/{fs_id}/order")
    def single_order(fs_id: str, request: Request) -> JSONResponse:
        started, query = time.perf_counter(), request.query_params
        authorised(request, fs_id, None)
        wanted_id, wanted_invoice = query.get("order_id"), query.get("invoice_num")
        for shop_id in sorted(auth.shop_ids):
            for o in world.orders_of("tokopedia", shop_id):
                if o.order_ref == wanted_id or render.invoice(o) == wanted_invoice:
                    corrupt = o.order_ref in state.faults.corrupt_records
                    return envelope(render.single_order(o, world.as_of, corrupt), started)
        raise LegacyError(400, "ORD_API_006", "order not found")

    @app.get(FS_API + "/v1/fs/{fs_id}/shop/{shop_id}/saldo-history")
    def saldo_history(fs_id: str, shop_id: str, request: Request) -> JSONResponse:
        started = time.perf_counter()
        authorised(request, fs_id, shop_id)
        start, end = (
            _saldo_bound(request.query_params.get("from_date")),
            _saldo_bound(request.query_params.get("to_date"), True),
        )
        if start is None or end is None or end < start or end - start > SALDO_SPAN:
            raise LegacyError(400, "SHP_DLV_005", "Date format is not valid or the range exceeds 31 days")
        offset, per_page = pages(request, 500)
        corrupt = set(state.faults.corrupt_records)
        rows = [
            {**row, "amount": f"Rp{row['amount']}"} if entry.order_ref in corrupt else row
            for entry, row in render.saldo_rows(world, shop_id, world.as_of)
            if start <= ts(entry.occurred_at) <= end
        ]
        page = page_of(rows, offset, per_page, state.faults)
        return envelope({"have_next_page": offset + per_page < len(rows), "saldo_history": page}, started)

    @app.get(FS_API + "/resolution/v1/fs/{fs_id}/ticket")
    def resolution_ticket(fs_id: str, request: Request) -> JSONResponse:
        """Get Resolution Ticket: ``shop_id``, ``from_date``/``to_date`` as in the docs' example (YYYY-MM-DD)."""
        started, query = time.perf_counter(), request.query_params
        shop_id = query.get("shop_id", "")
        if not shop_id.isdigit():
            raise LegacyError(400, "RESO_DLV_002", "Shop ID is not valid")
        authorised(request, fs_id, shop_id)
        start, end = _ticket_day(query.get("from_date")), _ticket_day(query.get("to_date"))
        if start is None or end is None or end < start:
            raise LegacyError(400, "RESO_DLV_001", "from_date and to_date must be YYYY-MM-DD, from_date ≤ to_date")
        shop = world.shop("tokopedia", shop_id)
        tickets = render.resolution_tickets(world, shop_id, world.as_of, start, end)
        data = {
            "is_success": True,
            "startdate": start.isoformat(),
            "enddate": end.isoformat(),
            "shops": [{"shop_id": int(shop_id), "shop_name": shop.name, "ticket": tickets}],
        }
        return envelope(data, started)

    @app.get(FS_API + "/inventory/v1/fs/{fs_id}/product/info")
    def product_info(fs_id: str, request: Request) -> JSONResponse:
        started, shop_id = time.perf_counter(), request.query_params.get("shop_id", "")
        authorised(request, fs_id, shop_id)
        offset, per_page = pages(request, 50)
        products = world.products_of("tokopedia", shop_id)
        rows = [render.product_info(world, p, world.as_of) for p in page_of(products, offset, per_page, state.faults)]
        return envelope(rows, started)


def _ticket_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _saldo_bound(value: str | None, upper: bool = False) -> int | None:
    """The docs say unix seconds, their example passes 2020-12-01 (§2.5): accept both (dates in WIB)."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=WIB)
    except ValueError:
        return None
    return ts(day + timedelta(days=1)) - 1 if upper else ts(day)
