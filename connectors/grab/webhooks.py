"""Grab → omnikop partner endpoints on the shared receiver, authenticated the way Grab calls partners: with an
OAuth token the *partner* issues (marketplace_apis.md §5.1).

* ``POST /webhooks/grab/oauth/token`` — Grab presents the client credentials omnikop issued to it
  (``extra.push_client_id`` / ``extra.push_client_secret`` of the shop's Connection; JSON, form or HTTP Basic)
  and gets ``{access_token, token_type: "Bearer", expires_in}``.
* ``POST /webhooks/grab/orders`` (Submit Order) and ``POST /webhooks/grab/order-state`` (Push Order State)
  require ``Authorization: Bearer <that token>``; anything else is 401 and lands nothing.

Tokens are stateless: ``<client id>.<expiry>.<HMAC-SHA256(push client secret, client id.expiry)>``, so they
survive restarts and several receiver processes, and rotating the secret revokes them. Event ids for
deduplication: ``submit:<orderID>`` and ``state:<orderID>:<state>`` (Grab retries deliveries).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from connectors.base.webhooks import Delivery, Receiver, received_page
from connectors.grab import events
from connectors.grab.menu import menu_router

PREFIX = "/webhooks/grab"
TOKEN_TTL = 7 * 86400 - 1  # what Grab's own tokens last (604799 s)
log = logging.getLogger("omnikop.webhooks.grab")


def issue_token(client_id: str, secret: str, now: float, ttl: int = TOKEN_TTL) -> str:
    payload = f"{client_id}.{int(now) + ttl}"
    return f"{payload}.{_mac(secret, payload)}"


def token_client(token: str, secrets: dict[str, str], now: float) -> str | None:
    """The client id a valid, unexpired token was issued to, else None."""
    parts = token.rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    client_id, expires, mac = parts
    secret = secrets.get(client_id)
    if not secret or int(expires) < now:
        return None
    return client_id if hmac.compare_digest(_mac(secret, f"{client_id}.{expires}"), mac) else None


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def router(receiver: Receiver) -> APIRouter:
    api = APIRouter()

    def clients() -> tuple[dict[str, str], dict[str, set[str]]]:
        """push client id → secret, and → the merchants it may deliver for."""
        secrets: dict[str, str] = {}
        merchants: dict[str, set[str]] = {}
        for shop, connection in receiver.connections("grab"):
            client_id, secret = connection.extra.get("push_client_id"), connection.extra.get("push_client_secret")
            if client_id and secret:
                secrets[str(client_id)] = str(secret)
                merchants.setdefault(str(client_id), set()).add(shop.shop_ref)
        return secrets, merchants

    @api.post(PREFIX + "/oauth/token")
    async def token(request: Request) -> Response:
        body = await receiver.read_body(request)
        presented = _credentials(request.headers.get("authorization"), body, request.headers.get("content-type"))
        secrets, _ = clients()
        client_id, secret = presented
        known = secrets.get(client_id)
        if not known or not hmac.compare_digest(known.encode(), secret.encode()):
            log.warning("grab: token request with unknown client credentials refused")
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        access = issue_token(client_id, known, time.time())
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_TTL})

    async def accept(request: Request, kind: str) -> Response:
        body = await receiver.read_body(request)
        secrets, merchants = clients()
        bearer = request.headers.get("authorization") or ""
        client_id = token_client(bearer[7:], secrets, time.time()) if bearer.startswith("Bearer ") else None
        if client_id is None:
            log.warning("grab: %s refused (missing, wrong or expired token), nothing landed", kind)
            raise HTTPException(401, "invalid token")
        push = events.prepare(body, kind)
        if push.merchant_id not in merchants[client_id]:
            if push.merchant_id in {shop.shop_ref for shop in receiver.shops_of("grab")}:
                log.warning("grab: %s for merchant %s refused: another client's merchant", kind, push.merchant_id)
                raise HTTPException(403, "merchant not covered by this token")
            log.warning("grab: authentic %s for unconfigured merchant %s", kind, push.merchant_id)
        page = received_page("orders", push.kind, request.url.path, push.body)
        await receiver.land("grab", [Delivery(push.merchant_id, push.event_id, page)])
        return Response(status_code=200)

    api.include_router(menu_router(receiver))  # Get Menu, pulled by Grab (connectors/grab/menu.py)

    @api.post(PREFIX + "/orders")
    async def submit_order(request: Request) -> Response:
        return await accept(request, "submit_order")

    @api.post(PREFIX + "/order-state")
    async def push_order_state(request: Request) -> Response:
        return await accept(request, events.ORDER_STATE_KIND)

    return api


def _credentials(authorization: str | None, body: bytes, content_type: str | None) -> tuple[str, str]:
    """Client credentials from HTTP Basic, a JSON body or a form body; ('', '') when none are given."""
    if authorization and authorization.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            return client_id, secret
        except ValueError:
            return "", ""
    try:
        data = json.loads(body) if "json" in (content_type or "") else dict(parse_qsl(body.decode()))
    except ValueError:
        return "", ""
    if not isinstance(data, dict) or data.get("grant_type", "client_credentials") != "client_credentials":
        return "", ""
    return str(data.get("client_id") or ""), str(data.get("client_secret") or "")
