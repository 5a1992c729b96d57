"""Grab's side of partner endpoints: obtain a token from the partner's token endpoint with the client
credentials the partner issued, then POST Submit Order and Push Order State with ``Bearer`` tokens."""

from __future__ import annotations

import json

import requests

from connectors.base.sandbox.emitter import Emission, PushEmitter, in_time_order
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.world import World
from connectors.grab.sandbox import render
from connectors.grab.sandbox.auth import GrabAuth

PATHS = {"submit_order": "/webhooks/grab/orders", "order_state": "/webhooks/grab/order-state"}
TOKEN_PATH = "/webhooks/grab/oauth/token"


class GrabEmitter(PushEmitter):
    path = PATHS["submit_order"]

    def __init__(self, world: World, auth: GrabAuth, faults: FaultPlan) -> None:
        self.world, self.auth, self.faults = world, auth, faults
        self._tokens: dict[str, str] = {}

    def events(self, shop_ref: str) -> list[Emission]:
        timeline = in_time_order(self.world, "grab", shop_ref, self.faults, render.push_events)
        return [Emission(i, json.dumps(b).encode(), ref, path=PATHS[k]) for (_, i, k, b), ref in timeline]

    def authenticate(self, session: requests.Session, base_url: str, emission: Emission) -> dict[str, str]:
        token = self._tokens.get(base_url)
        if token is None:  # "the token is reused till it expires"
            answer = session.post(
                base_url.rstrip("/") + TOKEN_PATH,
                json={
                    "client_id": self.auth.push_client_id,
                    "client_secret": self.auth.push_client_secret,
                    "grant_type": "client_credentials",
                    "scope": "food.partner_api",
                },
                timeout=10,
            )
            answer.raise_for_status()
            token = self._tokens[base_url] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {token}"}

    def forge(self, emission: Emission) -> tuple[bytes, dict[str, str]]:
        """A real event with a changed price, carrying a token in the right shape that nobody issued."""
        tampered = emission.body.replace(b'"price": ', b'"price": 1', 1)
        client, expiry = self.auth.push_client_id, 4_102_444_800
        return tampered, {"Authorization": f"Bearer {client}.{expiry}.{'0' * 64}"}
