"""Meta's side of webhooks: POST each change with ``X-Hub-Signature-256: sha256=`` + HMAC-SHA256(app secret,
raw body), one message or status per delivery, in the order they happened."""

from __future__ import annotations

import hashlib
import hmac
import json

import requests

from connectors.base.sandbox.emitter import Emission, PushEmitter, in_time_order
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.world import World
from connectors.whatsapp.sandbox import render


class WhatsappEmitter(PushEmitter):
    path = "/webhooks/whatsapp"

    def __init__(self, world: World, app_secret: str, faults: FaultPlan) -> None:
        self.world, self.secret, self.faults = world, app_secret, faults

    def events(self, shop_ref: str) -> list[Emission]:
        timeline = in_time_order(self.world, "whatsapp", shop_ref, self.faults, render.webhooks)
        return [Emission(ident, json.dumps(payload).encode(), ref) for (_, ident, payload), ref in timeline]

    def authenticate(self, session: requests.Session, base_url: str, emission: Emission) -> dict[str, str]:
        return {"X-Hub-Signature-256": _sign(self.secret, emission.body)}

    def forge(self, emission: Emission) -> tuple[bytes, dict[str, str]]:
        """A real webhook with a changed timestamp, signed with a key that is not the app secret."""
        tampered = emission.body.replace(b'"timestamp": "', b'"timestamp": "1', 1)
        return tampered, {"X-Hub-Signature-256": _sign("not-the-app-secret", tampered)}


def _sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
