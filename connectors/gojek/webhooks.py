"""``POST /webhooks/gojek``: GoBiz notifications, verified with ``X-Go-Signature`` over the raw body.

``X-Go-Signature`` = hex(HMAC-SHA256(notification secret, raw body)) (developer.gobiz.com, receiving
notifications; marketplace_apis.md §4.2). The secret is ``extra.notification_secret`` of each configured
GoBiz shop's Connection; shops of one app share it. The event is routed to the outlet its body names when
that outlet uses the matching secret; an authentic event for another outlet is still landed (under that
outlet id), never dropped. Duplicates are recognised by ``header.event_id``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from fastapi import APIRouter, HTTPException, Request, Response

from connectors.base.webhooks import Delivery, Receiver, received_page
from connectors.gojek import events

PATH = "/webhooks/gojek"
log = logging.getLogger("omnikop.webhooks.gojek")


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time comparison against the RAW bytes (never re-serialised JSON)."""
    return bool(secret and header) and hmac.compare_digest(signature(secret, body), str(header).strip().lower())


def router(receiver: Receiver) -> APIRouter:
    api = APIRouter()

    @api.post(PATH, status_code=200)
    async def gobiz_notification(request: Request) -> Response:
        body = await receiver.read_body(request)
        header = request.headers.get("x-go-signature")
        shops = [
            shop.shop_ref
            for shop, connection in receiver.connections("gojek")
            if verify(str(connection.extra.get("notification_secret") or ""), body, header)
        ]
        if not shops:
            log.warning("gojek: notification refused (signature missing or wrong), nothing landed")
            raise HTTPException(401, "invalid signature")
        event = events.prepare(body)
        if event.outlet_id not in shops:
            if event.outlet_id in {shop.shop_ref for shop in receiver.shops_of("gojek")}:
                # Signed with another outlet's secret: one app's key must never write another outlet's data.
                log.warning("gojek: event %s for outlet %s refused: not its secret", event.event_id, event.outlet_id)
                raise HTTPException(403, "outlet not covered by this signature")
            log.warning("gojek: authentic event %s for unconfigured outlet %s", event.event_id, event.outlet_id)
        page = received_page(event.stream, event.kind, PATH, event.body, event=event.event_name)
        await receiver.land("gojek", [Delivery(event.outlet_id, event.event_id, page)])
        return Response(b'{"success":true}', status_code=200, media_type="application/json")

    return api
