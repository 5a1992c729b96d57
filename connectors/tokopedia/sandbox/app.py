"""The Tokopedia sandbox app: both flavors from one world on one server, each on its real hosts' paths.

``world.shops_on("tokopedia")`` has a TikTok-flavored shop and a legacy one; each is reachable only through
its own API (a TikTok token does not open the fs API and vice versa). Faults are rendered in each flavor's
dialect by one fault middleware per flavor; auth endpoints are never faulted.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import add_admin_routes, install_fault_middleware
from connectors.base.sandbox.world import World
from connectors.tokopedia.legacy.sandbox.routes import LegacyError, add_legacy_routes, error_response
from connectors.tokopedia.sandbox.auth import (
    LegacyAuth,
    LegacyAuthFailure,
    TikTokAuth,
    TikTokAuthFailure,
    dump_state,
    load_state,
)
from connectors.tokopedia.sandbox.common import ACCOUNTS, FS_API, TTS_API, TTS_API_PATHS, TTS_AUTH, TTS_AUTH_PATHS
from connectors.tokopedia.sandbox.consent import add_consent_routes
from connectors.tokopedia.sandbox.shape import TokopediaWorld
from connectors.tokopedia.tiktok.sandbox.routes import TikTokError, add_tiktok_routes, envelope


class TokopediaSandbox(PlatformSandbox):
    platform = "tokopedia"
    shape = TokopediaWorld()

    def __init__(self, world: World, *, fs_access_ttl: int | None = None, state_path: Path | None = None) -> None:
        shops = world.shops_on("tokopedia")
        tiktok = {s.shop_ref for s in shops if s.flavor == "tiktok"}
        legacy = {s.shop_ref for s in shops if s.flavor == "legacy"}
        self.tts_auth = TikTokAuth(
            app_key=f"6{secrets.token_hex(6)}",
            app_secret=secrets.token_hex(20),
            ciphers={shop: f"ROW_{secrets.token_urlsafe(18)}" for shop in sorted(tiktok)},
        )
        self.fs_auth = LegacyAuth(
            client_id=secrets.token_hex(16),
            client_secret=secrets.token_hex(16),
            fs_id=str(15_000 + world.config.seed % 1_000),  # five digits, like Tokopedia's fs_ids
            shop_ids=legacy,
        )
        if fs_access_ttl is not None:
            self.fs_auth.access_ttl = fs_access_ttl
        self.state_path = state_path
        if state_path is not None and state_path.exists():
            load_state(self.tts_auth, self.fs_auth, json.loads(state_path.read_text()))
        self.save_state()
        super().__init__(world)

    def save_state(self) -> None:
        """Keep issued credentials and tokens on disk when serving with ``--state-dir`` (atomic replace)."""
        if self.state_path is None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(dump_state(self.tts_auth, self.fs_auth)))
        temporary.replace(self.state_path)

    def flavor_of(self, shop_ref: str) -> str:
        return self.world.shop(self.platform, shop_ref).flavor

    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        """The Airflow Connection (conn_type ``tokopedia``) for one shop, in its flavor's fields.

        TikTok: host = API base, login = app_key, password = app_secret, extra {auth_host, refresh_token}.
        Legacy: host = fs API base, login = client_id, password = client_secret, extra {auth_host, fs_id}.
        The shop's flavor itself comes from the shop configuration (``shops[].flavor``)."""
        base = base_url.rstrip("/")
        # The sandbox has no partner rate limit; let the client run at full speed against it.
        if self.flavor_of(shop_ref) == "legacy":
            return {
                "conn_type": "tokopedia",
                "host": base + FS_API,
                "login": self.fs_auth.client_id,
                "password": self.fs_auth.client_secret,
                "extra": {"auth_host": base + ACCOUNTS, "fs_id": self.fs_auth.fs_id, "rate_limit_per_second": 1000},
            }
        # Both TikTok hosts are this server's root. The auth host is written with its root slash: the same base
        # URL, but not the bare ``scheme://host:port`` that HTTP libraries log, so the value (an extra, which
        # the conformance kit treats as secret) never shows in a log line.
        return {
            "conn_type": "tokopedia",
            "host": base + TTS_API,
            "login": self.tts_auth.app_key,
            "password": self.tts_auth.app_secret,
            "extra": {
                "auth_host": base + TTS_AUTH + "/",
                "refresh_token": self.tts_auth.initial_refresh[shop_ref],
                "rate_limit_per_second": 1000,
            },
        }

    def banner(self, base_url: str) -> list[str]:
        lines = super().banner(base_url)
        flavors = ", ".join(f"{shop} is {self.flavor_of(shop)}" for shop in self.shop_refs())
        return [*lines, f"  flavors (shops[].flavor in omnikop.yaml): {flavors}"]

    def token_grants(self) -> int:
        """Token requests answered by either auth server (what the conformance kit counts)."""
        return self.tts_auth.grants + self.fs_auth.grants

    # --- app -------------------------------------------------------------------------------------------

    def build_app(self) -> FastAPI:
        app = FastAPI(title="Tokopedia sandbox: TikTok Shop Partner API + legacy fs API (omnikop)", docs_url=None)
        add_admin_routes(app, self.state)
        # One fault middleware per dialect; each leaves the other flavor's paths (and all auth paths) alone.
        install_fault_middleware(app, self.state, _tiktok_fault, exempt=(*TTS_AUTH_PATHS, FS_API, ACCOUNTS))
        install_fault_middleware(app, self.state, _legacy_fault, exempt=(*TTS_API_PATHS, *TTS_AUTH_PATHS, ACCOUNTS))
        app.exception_handler(TikTokError)(lambda _, e: envelope(code=e.code, message=e.message, status=e.status))
        app.exception_handler(TikTokAuthFailure)(lambda _, e: envelope(code=e.code, message=e.message, status=e.status))
        app.exception_handler(LegacyError)(lambda _, e: error_response(e))
        app.exception_handler(LegacyAuthFailure)(lambda request, e: _legacy_auth_failure(request.url.path, e))
        add_tiktok_routes(app, self)
        add_legacy_routes(app, self)
        add_consent_routes(app, self)  # the seller's consent: /oauth/authorize on the auth host
        return app


def _legacy_auth_failure(path: str, failure: LegacyAuthFailure) -> Response:
    if path.startswith(ACCOUNTS):
        return JSONResponse({"error": failure.error_code, "error_description": failure.reason}, status_code=401)
    return error_response(LegacyError(failure.status, failure.error_code, failure.reason, "Unauthorized"))


def _tiktok_fault(kind: str, plan: FaultPlan) -> Response:
    # TikTok's rate-limit and outage codes are not in the sources read [I]; the client keys on HTTP status.
    if kind == "rate_limit":
        return envelope(code=36009003, message="Too many requests, please try again later", status=429)
    return envelope(code=36009999, message="Internal system error, please retry", status=503)


def _legacy_fault(kind: str, plan: FaultPlan) -> Response:
    if kind == "rate_limit":
        response = error_response(LegacyError(429, "RATE_LIMIT", "rate limit exceeded", "Too Many Requests"))
        response.headers.update(
            {
                "X-Ratelimit-Remaining": "0",
                "X-Ratelimit-Reset-After": f"{plan.retry_after:.6f}",
                "X-Ratelimit-Full-Reset-After": f"{plan.retry_after:.6f}",
            }
        )
        return response
    # §2.3: server-side errors come with error_code 0 and this message.
    return error_response(LegacyError(500, "0", "internal error", "We had a problem with our server. Try again later."))
