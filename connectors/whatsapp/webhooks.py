"""``/webhooks/whatsapp``: the Cloud API's verification request (GET) and its signed notifications (POST).

Verification (developers.facebook.com, Cloud API "Set up webhooks"): Meta calls ``GET ?hub.mode=subscribe&
hub.verify_token=T&hub.challenge=C``; the endpoint answers 200 with C as plain text when T is the verify token
configured for the app, else 403. Notifications carry ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
body keyed with the app secret>``. Secrets come from each configured WhatsApp shop's Connection (password = app
secret, ``extra.verify_token``); shops of one app share them. A change is routed to the shop its
``metadata.phone_number_id`` names when that shop's app signed it; an authentic change for an unconfigured phone
number is still landed under that id, never dropped. Duplicates are recognised by wamid (``push_events``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from fastapi import APIRouter, HTTPException, Query, Request, Response

from connectors.base.webhooks import Delivery, Receiver, received_page
from connectors.whatsapp import events

PATH = "/webhooks/whatsapp"
PREFIX = "sha256="
log = logging.getLogger("omnikop.webhooks.whatsapp")


def signature(app_secret: str, body: bytes) -> str:
    """The header value Meta sends: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify(app_secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time comparison against the RAW bytes (never re-serialised JSON); an unset secret never verifies."""
    if not app_secret or not header:
        return False
    given = header.strip()
    if given[: len(PREFIX)].lower() != PREFIX:
        return False
    return hmac.compare_digest(signature(app_secret, body)[len(PREFIX) :], given[len(PREFIX) :].lower())


def router(receiver: Receiver) -> APIRouter:
    api = APIRouter()

    @api.get(PATH)
    def verification(
        mode: str = Query("", alias="hub.mode"),
        token: str = Query("", alias="hub.verify_token"),
        challenge: str = Query("", alias="hub.challenge"),
    ) -> Response:
        tokens = [str(c.extra.get("verify_token") or "") for _, c in receiver.connections("whatsapp")]
        if mode == "subscribe" and token and any(t and hmac.compare_digest(t, token) for t in tokens):
            return Response(challenge, status_code=200, media_type="text/plain")
        log.warning("whatsapp: verification request refused (mode or verify token wrong)")
        raise HTTPException(403, "verification refused")

    @api.post(PATH, status_code=200)
    async def notification(request: Request) -> Response:
        body = await receiver.read_body(request)
        header = request.headers.get("x-hub-signature-256")
        shops = {
            shop.shop_ref
            for shop, connection in receiver.connections("whatsapp")
            if verify(str(connection.password or ""), body, header)
        }
        if not shops:
            log.warning("whatsapp: notification refused (signature missing or wrong), nothing landed")
            raise HTTPException(401, "invalid signature")
        configured = {shop.shop_ref for shop in receiver.shops_of("whatsapp")}
        deliveries = []
        for event in events.prepare(body):
            if event.shop_ref in configured and event.shop_ref not in shops:
                # Signed with another app's secret: one app's key must never write another shop's data.
                log.warning("whatsapp: change for phone number %s refused: not its app's signature", event.shop_ref)
                raise HTTPException(403, "phone number not covered by this signature")
            if event.shop_ref not in configured:
                log.warning("whatsapp: authentic %s for unconfigured phone number %s", event.kind, event.shop_ref)
            page = received_page(event.stream, event.kind, PATH, event.body)
            deliveries.append(Delivery(event.shop_ref, event.event_id, page))
        await receiver.land("whatsapp", deliveries)
        return Response(b"", status_code=200)

    return api
