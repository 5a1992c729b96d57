"""``POST /webhooks/shopee``: Shopee push notifications, landed as hints that trigger a re-fetch.

Verified with ``connectors.shopee.signing.verify_push``: ``Authorization`` = HMAC-SHA256(partner key,
callback URL + "|" + raw body) (marketplace_apis.md §1.8). The URL must be the one registered with Shopee:
``extra.push_callback_url`` of the shop's Connection, or the URL this request arrived on when unset (set it
when a proxy rewrites scheme or host). Pushes are only hints — "always re-fetch via API" — so each lands in
stream ``orders`` as kind ``push_hint``, which Shopee's ``parse`` reads as nothing; the next pull fetches
the order. Shopee push bodies carry no event id: the body hash is the event id. Answers 200 with an empty
body, as Shopee requires; partner-level pushes (no ``shop_id``) land under ``_partner``.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, HTTPException, Request, Response

from connectors.base.webhooks import Delivery, Receiver, body_event_id, received_page
from connectors.shopee.parse import PUSH_HINT, scrub_personal_data
from connectors.shopee.signing import verify_push

PATH = "/webhooks/shopee"
log = logging.getLogger("omnikop.webhooks.shopee")


def router(receiver: Receiver) -> APIRouter:
    api = APIRouter()

    @api.post(PATH)
    async def shopee_push(request: Request) -> Response:
        body = await receiver.read_body(request)
        authorization = request.headers.get("authorization")
        verified = {
            shop.shop_ref
            for shop, connection in receiver.connections("shopee")
            if connection.password  # an empty key would make any HMAC computed with "" verify
            and verify_push(
                connection.password, str(connection.extra.get("push_callback_url") or request.url), body, authorization
            )
        }
        if not verified:
            log.warning("shopee: push refused (signature missing or wrong), nothing landed")
            raise HTTPException(401, "invalid signature")
        try:
            payload = json.loads(body)
            shop_id, code = payload.get("shop_id"), payload.get("code")
        except (ValueError, AttributeError):
            shop_id, code = None, None
        shop_ref = str(shop_id) if shop_id else "_partner"
        page = received_page("orders", PUSH_HINT, PATH, scrub_personal_data(body), code=code)
        await receiver.land("shopee", [Delivery(shop_ref, body_event_id(body), page)])
        return Response(status_code=200)

    return api
