"""The sandbox's side of a TikTok Shop seller authorising omnikop.

``GET {auth host}/oauth/authorize?app_key=…&state=…`` (marketplace_apis.md §3.2): on the real platform the
seller logs in and confirms; here the "seller" (``TikTokConsent.seller``, default the world's first TikTok-flavor
shop) confirms at once, and the answer is the redirect a confirmation produces: to the app's *registered*
redirect URL (``TikTokConsent.redirect_url``, what Partner Center holds; TikTok takes none from the link) with a
fresh one-time ``code`` and the link's ``state``. The code is exchanged at the existing
``/api/v2/token/get`` route (``TikTokAuth.grant``). ``POST /_sandbox/consent`` with
``{"redirect_url": …, "seller": …}`` sets both on a served sandbox (what Partner Center and the login would).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from connectors.base.authorize import add_query
from connectors.tokopedia.sandbox.auth import TikTokAuthFailure
from connectors.tokopedia.sandbox.common import TTS_AUTH

if TYPE_CHECKING:
    from connectors.tokopedia.sandbox.app import TokopediaSandbox

AUTHORIZE = "/oauth/authorize"


@dataclass
class TikTokConsent:
    """The app's registered redirect URL and the seller who logs in (None: the first TikTok-flavor shop)."""

    redirect_url: str | None = None
    seller: str | None = None


def add_consent_routes(app: FastAPI, sandbox: TokopediaSandbox) -> None:
    sandbox.consent = TikTokConsent()  # type: ignore[attr-defined]

    @app.post("/_sandbox/consent")
    async def set_consent(request: Request) -> dict[str, str | None]:
        consent: TikTokConsent = sandbox.consent  # type: ignore[attr-defined]
        wanted = await request.json()
        consent.redirect_url = wanted.get("redirect_url", consent.redirect_url)
        consent.seller = wanted.get("seller", consent.seller)
        return {"redirect_url": consent.redirect_url, "seller": consent.seller}

    @app.get(TTS_AUTH + AUTHORIZE)
    def authorize(request: Request) -> Response:
        consent: TikTokConsent = sandbox.consent  # type: ignore[attr-defined]
        query = request.query_params
        if query.get("app_key") != sandbox.tts_auth.app_key:
            raise TikTokAuthFailure(106001, "Invalid credentials. The 'app_key' query parameter is invalid.")
        if not consent.redirect_url:
            raise TikTokAuthFailure(36009004, "the app has no redirect URL registered", 400)
        shop = consent.seller or sorted(sandbox.tts_auth.ciphers)[0]
        code = sandbox.tts_auth.issue_code(shop)
        sandbox.save_state()
        return RedirectResponse(add_query(consent.redirect_url, code=code, state=query.get("state", "")), 302)
