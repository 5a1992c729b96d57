"""The sandbox's side of Grab OAuth (written independently of the client): JSON client credentials at
``/grabid/v1/oauth2/token``, scope ``food.partner_api`` or ``mart.partner_api``, 604799-second bearer tokens
reused until they expire (marketplace_apis.md §5.1)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

TOKEN_TTL = 604_799
SCOPES = frozenset({"food.partner_api", "mart.partner_api"})


class GrabFailure(Exception):
    def __init__(self, status: int, reason: str, message: str, target: str = "") -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.target = status, reason, message, target


@dataclass
class GrabAuth:
    client_id: str = field(default_factory=lambda: f"sbx-grab-{secrets.token_hex(6)}")
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # What omnikop issued to Grab for calling the receiver (the sandbox plays Grab, so it holds them too).
    push_client_id: str = field(default_factory=lambda: f"grab-to-coop-{secrets.token_hex(4)}")
    push_client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    tokens: dict[str, tuple[float, str]] = field(default_factory=dict)  # token → (expires, scope)
    grants: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, body: Any) -> dict[str, object]:
        if not isinstance(body, dict):
            raise GrabFailure(400, "invalid_argument", "body must be a JSON object")
        if body.get("grant_type") != "client_credentials":
            raise GrabFailure(400, "invalid_argument", "grant_type must be client_credentials", "grant_type")
        if body.get("client_id") != self.client_id or not secrets.compare_digest(
            str(body.get("client_secret") or ""), self.client_secret
        ):
            raise GrabFailure(401, "unauthorized", "invalid client credentials")
        scope = str(body.get("scope") or "")
        if scope not in SCOPES:
            raise GrabFailure(400, "invalid_argument", f"unknown scope {scope!r}", "scope")
        token = f"sbx-grab-at-{secrets.token_hex(16)}"
        with self.lock:
            self.grants += 1
            self.tokens[token] = (time.time() + TOKEN_TTL, scope)
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL}

    def check(self, authorization: str | None, scope: str) -> None:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        with self.lock:
            expires, granted = self.tokens.get(token, (0.0, ""))
        if expires < time.time():
            raise GrabFailure(401, "unauthorized", "invalid or expired access token")
        if granted != scope:
            raise GrabFailure(403, "forbidden", f"this merchant needs scope {scope}, the token has {granted}")

    def expire_all(self) -> None:
        with self.lock:
            self.tokens = {token: (0.0, scope) for token, (_, scope) in self.tokens.items()}
