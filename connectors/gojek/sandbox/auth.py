"""The sandbox's side of GoBiz OAuth (written independently of the client): HTTP Basic client credentials,
form body, 3599-second bearer tokens, no refresh tokens (marketplace_apis.md §4.1)."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass, field

TOKEN_TTL = 3599


class OAuthFailure(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


@dataclass
class GobizAuth:
    client_id: str = field(default_factory=lambda: f"sbx-gobiz-{secrets.token_hex(6)}")
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    notification_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    ttl: int = TOKEN_TTL
    tokens: dict[str, tuple[float, frozenset[str]]] = field(default_factory=dict)  # token → (expires, scopes)
    grants: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, authorization: str | None, form: dict[str, str]) -> dict[str, object]:
        if not authorization or not authorization.startswith("Basic "):
            raise OAuthFailure(401, "invalid_client", "client authentication (HTTP Basic) is required")
        try:
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            raise OAuthFailure(401, "invalid_client", "malformed Basic credentials") from None
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            raise OAuthFailure(401, "invalid_client", "Client authentication failed")
        if form.get("grant_type") != "client_credentials":
            raise OAuthFailure(400, "unsupported_grant_type", "grant_type must be client_credentials")
        scopes = frozenset((form.get("scope") or "").split())
        token = f"sbx-gobiz-at-{secrets.token_hex(16)}"
        with self.lock:
            self.grants += 1
            self.tokens[token] = (time.time() + self.ttl, scopes)
        return {
            "access_token": token,
            "expires_in": self.ttl,
            "token_type": "bearer",
            "scope": " ".join(sorted(scopes)),
        }

    def check(self, authorization: str | None, scope: str) -> None:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        with self.lock:
            expires, scopes = self.tokens.get(token, (0.0, frozenset()))
        if expires < time.time():
            raise OAuthFailure(401, "unauthorized", "Unauthorized")
        if scope not in scopes:
            raise OAuthFailure(403, "forbidden", f"token lacks scope {scope}")

    def expire_all(self) -> None:
        with self.lock:
            self.tokens = {token: (0.0, scopes) for token, (_, scopes) in self.tokens.items()}
