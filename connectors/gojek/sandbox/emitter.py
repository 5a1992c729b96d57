"""GoBiz's side of webhooks: POST each event with ``X-Go-Signature`` = HMAC-SHA256(notification secret, body)."""

from __future__ import annotations

import hashlib
import hmac
import json

import requests

from connectors.base.sandbox.emitter import Emission, PushEmitter, in_time_order
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.world import World
from connectors.gojek.sandbox import render


class GobizEmitter(PushEmitter):
    path = "/webhooks/gojek"

    def __init__(self, world: World, notification_secret: str, faults: FaultPlan) -> None:
        self.world, self.secret, self.faults = world, notification_secret, faults

    def events(self, shop_ref: str) -> list[Emission]:
        timeline = in_time_order(self.world, "gojek", shop_ref, self.faults, render.order_events)
        return [Emission(ident, json.dumps(payload).encode(), ref) for (_, ident, payload), ref in timeline]

    def authenticate(self, session: requests.Session, base_url: str, emission: Emission) -> dict[str, str]:
        return {"X-Go-Signature": _sign(self.secret, emission.body)}

    def forge(self, emission: Emission) -> tuple[bytes, dict[str, str]]:
        """A real event with a changed price, signed with a key that is not the notification secret."""
        tampered = emission.body.replace(b'"price": ', b'"price": 1', 1)
        return tampered, {"X-Go-Signature": _sign("not-the-notification-secret", tampered)}


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
