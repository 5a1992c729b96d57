"""FastAPI routes of the WhatsApp sandbox: admin routes to emit the world's webhooks and to list the payments
the cooperative received (what an operator confirms). omnikop calls no Cloud API endpoint, so none is served."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.sandbox.emitter import EmitOptions
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import add_admin_routes, install_fault_middleware
from connectors.base.sandbox.world import World
from connectors.whatsapp.sandbox import render
from connectors.whatsapp.sandbox.emitter import WhatsappEmitter
from connectors.whatsapp.sandbox.shape import WhatsappWorld


class WhatsappSandbox(PlatformSandbox):
    platform = "whatsapp"
    shape = WhatsappWorld()

    def __init__(self, world: World, **_: Any) -> None:
        self.app_id = str(secrets.randbelow(10**15) + 10**15)
        self.app_secret = secrets.token_hex(16)
        self.verify_token = secrets.token_urlsafe(18)
        super().__init__(world)
        self.emitter = WhatsappEmitter(world, self.app_secret, self.state.faults)

    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        return {
            "conn_type": "whatsapp",
            "host": base_url,
            "login": self.app_id,
            "password": self.app_secret,
            "extra": {"verify_token": self.verify_token, "waba_id": render.WABA_ID},
        }

    def payments(self, shop_ref: str) -> list[render.Payment]:
        return render.payments(self.world, shop_ref)

    def build_app(self) -> FastAPI:
        app = FastAPI(title="WhatsApp Cloud API sandbox (omnikop)", docs_url=None, redoc_url=None)
        add_admin_routes(app, self.state)
        install_fault_middleware(app, self.state, self._fault_response)

        @app.post("/_sandbox/emit")
        async def emit(request: Request) -> list[dict[str, Any]]:
            """Deliver a shop's webhooks to ``url`` (the receiver's base URL), e.g. ``{"url": …, "shop_ref": …,
            "duplicates": true, "reorder": true, "forged": 3}``."""
            spec = await request.json()
            options = EmitOptions(**{k: spec[k] for k in ("duplicates", "reorder", "forged", "seed") if k in spec})
            return [result.__dict__ for result in self.emitter.deliver(spec["url"], spec["shop_ref"], options)]

        @app.get("/_sandbox/payments")
        def payments(shop_ref: str) -> list[dict[str, Any]]:
            return [
                {
                    "order_ref": p.order_ref,
                    "method": p.method,
                    "reference": p.reference,
                    "paid_at": p.paid_at.isoformat(),
                }
                for p in self.payments(shop_ref)
            ]

        return app

    def _fault_response(self, kind: str, plan: FaultPlan) -> Response:
        if kind == "rate_limit":
            return JSONResponse(
                {"error": {"message": "rate limited", "code": 4}}, 429, {"Retry-After": str(plan.retry_after)}
            )
        return JSONResponse({"error": {"message": "service unavailable", "code": 2}}, status_code=503)
