"""The sandbox's side of both auth schemes, written independently of the client's signer.

TikTok (marketplace_apis.md §3.2-3.4): app_key + timestamp (±5 min [I]) + HMAC signature, the token in
``x-tts-access-token``, 7-day access tokens and rotating refresh tokens whose ``*_expire_in`` are ABSOLUTE
unix times; a spent refresh token is refused. Legacy (§2.2): HTTP Basic for the token, Bearer for the API,
and no new token while the current one is unexpired: an early request gets the same token back, with the
seconds it has left, and is counted in ``early_requests``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

TIMESTAMP_WINDOW = 300
TTS_ACCESS_TTL = 7 * 86400
TTS_REFRESH_TTL = 365 * 86400
FS_ACCESS_TTL = 14 * 86400  # the 2021 news says two weeks; the docs example shows 2592000 s (§2.2)


class TikTokAuthFailure(Exception):
    def __init__(self, code: int, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class LegacyAuthFailure(Exception):
    def __init__(self, status: int, error_code: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.error_code, self.reason = status, error_code, reason


@dataclass
class TikTokAuth:
    app_key: str
    app_secret: str
    ciphers: dict[str, str]  # shop id → shop_cipher
    access_ttl: int = TTS_ACCESS_TTL
    access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token → (shop, expires at)
    refresh: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # token → (shop, expires, used)
    initial_refresh: dict[str, str] = field(default_factory=dict)
    codes: dict[str, tuple[str, bool]] = field(default_factory=dict)  # auth_code → (shop, used)
    grants: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        for shop in sorted(set(self.ciphers) - set(self.initial_refresh)):
            token = f"sbx-tts-refresh-{secrets.token_hex(12)}"
            self.initial_refresh[shop] = token
            self.refresh[token] = (shop, time.time() + TTS_REFRESH_TTL, False)

    def issue_code(self, shop: str) -> str:
        code = f"sbx-tts-code-{secrets.token_hex(8)}"
        with self.lock:
            self.codes[code] = (shop, False)
        return code

    def grant(self, query: dict[str, str]) -> dict[str, Any]:
        """token/get (grant_type=authorized_code) or token/refresh (grant_type=refresh_token)."""
        with self.lock:
            self.grants += 1
            if query.get("app_key") != self.app_key or not _same(query.get("app_secret", ""), self.app_secret):
                raise TikTokAuthFailure(106001, "Invalid credentials. app_key or app_secret is invalid.")
            now = time.time()
            if query.get("grant_type") == "refresh_token":
                shop, expires, used = self.refresh.get(query.get("refresh_token", ""), ("", 0.0, True))
                if not shop or used or expires < now:
                    raise TikTokAuthFailure(36004004, "refresh_token is invalid or expired", 200)
                self.refresh[query["refresh_token"]] = (shop, expires, True)
            elif query.get("grant_type") == "authorized_code":
                shop, used = self.codes.get(query.get("auth_code", ""), ("", True))
                if not shop or used:
                    raise TikTokAuthFailure(36004004, "auth_code is invalid or used", 200)
                self.codes[query["auth_code"]] = (shop, True)
            else:
                raise TikTokAuthFailure(36009004, "grant_type is invalid", 200)
            access, renewed = f"sbx-tts-access-{secrets.token_hex(16)}", f"sbx-tts-refresh-{secrets.token_hex(12)}"
            access_until, refresh_until = int(now) + self.access_ttl, int(now) + TTS_REFRESH_TTL
            self.access[access] = (shop, access_until)
            self.refresh[renewed] = (shop, refresh_until, False)
        return {
            "access_token": access,
            "access_token_expire_in": access_until,  # absolute unix time, as TikTok sends it
            "refresh_token": renewed,
            "refresh_token_expire_in": refresh_until,
            "open_id": f"sbx-open-{shop}",
            "seller_name": f"Toko {shop}",
            "seller_base_region": "ID",
            "user_type": 0,
            "granted_scopes": ["seller.order.info", "seller.finance.info", "seller.product.basic"],
        }

    def check(self, path: str, query: dict[str, str], body: str, token: str | None) -> str:
        """Validate app_key, timestamp, signature and token; return the shop the token belongs to."""
        if query.get("app_key") != self.app_key:
            raise TikTokAuthFailure(106001, "Invalid credentials. The 'app_key' query parameter is invalid.")
        stamp = query.get("timestamp", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > TIMESTAMP_WINDOW:
            raise TikTokAuthFailure(36009004, "param timestamp is missing or expired", 400)
        if not _same(query.get("sign", ""), self.expected_sign(path, query, body)):
            raise TikTokAuthFailure(106001, "Invalid credentials. The 'sign' query parameter is invalid.")
        with self.lock:
            shop, expires = self.access.get(token or "", ("", 0.0))
        if not shop:
            raise TikTokAuthFailure(105001, "access token is invalid")
        if expires < time.time():
            raise TikTokAuthFailure(105002, "access token is expired, please refresh it")
        return shop

    def expected_sign(self, path: str, query: dict[str, str], body: str) -> str:
        pairs = "".join(key + query[key] for key in sorted(query) if key not in ("sign", "access_token"))
        text = self.app_secret + path + pairs + body + self.app_secret
        return hmac.new(self.app_secret.encode(), text.encode(), hashlib.sha256).hexdigest()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access = {token: (shop, 0.0) for token, (shop, _) in self.access.items()}


@dataclass
class LegacyAuth:
    client_id: str
    client_secret: str
    fs_id: str
    shop_ids: set[str]
    access_ttl: int = FS_ACCESS_TTL
    current: tuple[str, float] | None = None  # (token, expires at): one token per app
    grants: int = 0
    early_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def token(self, authorization: str | None) -> dict[str, Any]:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if not authorization or not authorization.startswith("Basic ") or not _same(authorization[6:], expected):
            raise LegacyAuthFailure(401, "invalid_client", "client_id or client_secret is invalid")
        with self.lock:
            self.grants += 1
            now = time.time()
            if self.current is not None and self.current[1] > now:
                self.early_requests += 1  # "a new token only once the previous one has expired"
            else:
                self.current = (f"sbx-fs-{secrets.token_hex(11)}", now + self.access_ttl)
            token, expires = self.current
        return {"access_token": token, "expires_in": max(1, int(expires - now)), "token_type": "Bearer"}

    def check(self, authorization: str | None, fs_id: str) -> None:
        with self.lock:
            token, expires = self.current or ("", 0.0)
        if not authorization or not authorization.startswith("Bearer ") or not _same(authorization[7:], token):
            raise LegacyAuthFailure(401, "UNAUTHORIZED", "Invalid access token")
        if expires < time.time():
            raise LegacyAuthFailure(401, "UNAUTHORIZED", "Access token expired")
        if fs_id != self.fs_id:
            raise LegacyAuthFailure(403, "FORBIDDEN", f"fs_id {fs_id} does not belong to this token")

    def linked(self, shop_id: str) -> None:
        if shop_id not in self.shop_ids:
            raise LegacyAuthFailure(403, "SHP_DLV_002", f"shop {shop_id} is not linked to fs_id {self.fs_id}")

    def expire_tokens(self) -> None:
        with self.lock:
            if self.current is not None:
                self.current = (self.current[0], 0.0)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


# --- persistence (``omnikop sandbox serve --state-dir``): issued keys and tokens survive a restart ---------------

TTS_FIELDS = ("app_key", "app_secret", "ciphers", "access", "refresh", "initial_refresh", "codes")
FS_FIELDS = ("client_id", "client_secret", "fs_id", "current")


def dump_state(tts: TikTokAuth, fs: LegacyAuth) -> dict[str, Any]:
    with tts.lock, fs.lock:
        return {
            "tts": {name: getattr(tts, name) for name in TTS_FIELDS},
            "fs": {name: getattr(fs, name) for name in FS_FIELDS},
        }


def load_state(tts: TikTokAuth, fs: LegacyAuth, state: dict[str, Any]) -> None:
    """Restore what ``dump_state`` wrote (JSON turned the tuples into lists)."""
    for name in TTS_FIELDS:
        value = state["tts"][name]
        if name in ("access", "refresh", "codes"):
            value = {key: tuple(entry) for key, entry in value.items()}
        setattr(tts, name, value)
    for name in FS_FIELDS:
        value = state["fs"][name]
        setattr(fs, name, tuple(value) if name == "current" and value is not None else value)
