"""Webhook (push) verification for both flavors, and what each event means for landing.

The shared webhook receiver (another module) calls these on the raw request bytes; re-serialised JSON never
verifies (marketplace_apis.md §6, pain point 1). Pushes are hints: the receiver lands the body and schedules a
pull of the named stream, because only the pull APIs carry the full record (§1.8, same rule on every platform).

* TikTok Shop (§3.8): header ``Authorization`` = hex HMAC-SHA256(app_secret, app_key + raw body).
* Legacy Tokopedia (§2.7): header ``Authorization-Hmac`` = hex HMAC-SHA256(webhook_secret, raw body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request, Response

from connectors.base.webhooks import Delivery, Receiver, body_event_id, received_page


def tiktok_signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode("utf-8"), app_key.encode("utf-8") + body, hashlib.sha256).hexdigest()


def verify_tiktok_webhook(app_key: str, app_secret: str, body: bytes, authorization: str | None) -> bool:
    """True if ``authorization`` (the ``Authorization`` header) signs exactly these bytes for this app."""
    if not authorization:
        return False
    return hmac.compare_digest(tiktok_signature(app_key, app_secret, body), authorization.strip().lower())


def legacy_signature(webhook_secret: str, body: bytes) -> str:
    return hmac.new(webhook_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_legacy_webhook(webhook_secret: str, body: bytes, authorization_hmac: str | None) -> bool:
    """True if ``authorization_hmac`` (the ``Authorization-Hmac`` header) signs exactly these bytes."""
    if not authorization_hmac:
        return False
    return hmac.compare_digest(legacy_signature(webhook_secret, body), authorization_hmac.strip().lower())


@dataclass(frozen=True)
class WebhookEvent:
    """How the receiver lands one kind of push: the landing ``kind`` and the stream a pull should refresh."""

    kind: str
    stream: str | None  # None: nothing to pull (authorisation notices go to operators instead)


# TikTok ``type`` field (EcomPHP constants, §3.8).
TIKTOK_EVENTS: dict[int, WebhookEvent] = {
    1: WebhookEvent("push_order_status", "orders"),
    2: WebhookEvent("push_reverse_order", "orders"),
    3: WebhookEvent("push_address_update", None),  # buyer address only: nothing accounting needs
    4: WebhookEvent("push_package_update", "orders"),
    5: WebhookEvent("push_product_status", "stock"),
    6: WebhookEvent("push_deauthorization", None),
    7: WebhookEvent("push_authorization_expiring", None),
    12: WebhookEvent("push_return_status", "orders"),
}

# Legacy Tokopedia: one registered URL per event (POST /v1/fs/{fs_id}/register, §2.7).
LEGACY_EVENTS: dict[str, WebhookEvent] = {
    "order_notification": WebhookEvent("push_order_notification", "orders"),
    "order_status": WebhookEvent("push_order_status", "orders"),
    "order_cancellation": WebhookEvent("push_order_cancellation", "orders"),
    "order_request_cancellation": WebhookEvent("push_order_request_cancellation", "orders"),
    "product_creation": WebhookEvent("push_product_creation", "stock"),
    "product_changes": WebhookEvent("push_product_changes", "stock"),
    "chat_notification": WebhookEvent("push_chat", None),
    "campaign_notification": WebhookEvent("push_campaign", None),
}


# --- the receiver's routes ----------------------------------------------------------------------------------

TIKTOK_PATH = "/webhooks/tokopedia/tiktok"
LEGACY_PATH = "/webhooks/tokopedia/legacy/{event}"


def router(receiver: Receiver) -> APIRouter:
    """TikTok Shop and legacy Tokopedia pushes, verified on the raw bytes and landed as hints (the next pull
    of the named stream brings the full record; pushes never carry amounts we could trust alone)."""
    api = APIRouter()

    @api.post(TIKTOK_PATH)
    async def tiktok_push(request: Request) -> Response:
        body = await receiver.read_body(request)
        header = request.headers.get("authorization")
        shops = [
            shop.shop_ref
            for shop, connection in receiver.connections("tokopedia")
            if connection.login
            and connection.password
            and verify_tiktok_webhook(connection.login, connection.password, body, header)
        ]
        if not shops:
            raise HTTPException(401, "invalid signature")
        event = _tiktok_event(body)
        page = received_page(event.stream or "orders", event.kind, TIKTOK_PATH, body)
        await receiver.land("tokopedia", [Delivery(shops[0], body_event_id(body), page)])
        return Response(status_code=200)

    @api.post(LEGACY_PATH)
    async def legacy_push(event: str, request: Request) -> Response:
        body = await receiver.read_body(request)
        header = request.headers.get("authorization-hmac")
        shops = [
            shop.shop_ref
            for shop, connection in receiver.connections("tokopedia")
            if connection.extra.get("webhook_secret")
            and verify_legacy_webhook(str(connection.extra["webhook_secret"]), body, header)
        ]
        if not shops or event not in LEGACY_EVENTS:
            raise HTTPException(401 if not shops else 404, "invalid signature" if not shops else "unknown event")
        described = LEGACY_EVENTS[event]
        page = received_page(described.stream or "orders", described.kind, LEGACY_PATH.format(event=event), body)
        await receiver.land("tokopedia", [Delivery(shops[0], body_event_id(body), page)])
        return Response(status_code=200)

    return api


def _tiktok_event(body: bytes) -> WebhookEvent:
    try:
        kind = json.loads(body).get("type")
    except (ValueError, AttributeError):
        kind = None
    return (
        TIKTOK_EVENTS.get(kind, WebhookEvent("push_unknown", None))
        if isinstance(kind, int)
        else WebhookEvent("push_unknown", None)
    )
