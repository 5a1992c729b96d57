"""The sandbox's side of Shopee auth: its own signature check (written independently of the client's
signer), 5-minute timestamps, 4-hour access tokens, single-use refresh tokens with a 5-minute grace for the
previous access token (marketplace_apis.md §1.2-1.3)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TIMESTAMP_WINDOW = 300
ACCESS_TTL = 4 * 3600
REFRESH_TTL = 30 * 86400
GRACE = 300


class AuthFailure(Exception):
    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error, self.message = error, message


@dataclass
class ShopeeAuth:
    partner_id: int
    partner_key: str
    shop_ids: set[str]
    access_ttl: int = ACCESS_TTL
    state_path: Path | None = None
    access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token → (shop, expires)
    refresh: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # token → (shop, expires, used)
    initial_refresh: dict[str, str] = field(default_factory=dict)
    refresh_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.state_path and self.state_path.exists():
            saved = json.loads(self.state_path.read_text())
            self.partner_key = saved["partner_key"]
            self.access = {k: tuple(v) for k, v in saved["access"].items()}  # type: ignore[misc]
            self.refresh = {k: tuple(v) for k, v in saved["refresh"].items()}  # type: ignore[misc]
            self.initial_refresh = saved["initial_refresh"]
        for shop in sorted(self.shop_ids - set(self.initial_refresh)):
            token = f"sbx-refresh-{secrets.token_hex(12)}"
            self.initial_refresh[shop] = token
            self.refresh[token] = (shop, time.time() + REFRESH_TTL, False)
        self._save()

    def check(self, path: str, query: dict[str, str], public: bool) -> str | None:
        """Validate common parameters and the signature; return the shop id for shop APIs."""
        for name in ("partner_id", "timestamp", "sign") + (() if public else ("access_token", "shop_id")):
            if not query.get(name):
                raise AuthFailure("error_param", f"There is no {name} in query.")
        if query["partner_id"] != str(self.partner_id):
            raise AuthFailure("invalid_partner_id", "partner_id is invalid")
        if not query["timestamp"].isdigit() or abs(time.time() - int(query["timestamp"])) > TIMESTAMP_WINDOW:
            raise AuthFailure("error_param", "Timestamp is expired.")
        base = f"{self.partner_id}{path}{query['timestamp']}"
        if not public:
            base += f"{query['access_token']}{query['shop_id']}"
        expected = hmac.new(self.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, query["sign"]):
            raise AuthFailure("error_sign", "Wrong sign.")
        if public:
            return None
        shop = query["shop_id"]
        if shop not in self.shop_ids:
            raise AuthFailure("error_shop", "shopid is invalid")
        with self.lock:
            owner, expires = self.access.get(query["access_token"], (None, 0.0))
        if owner != shop or expires < time.time():
            raise AuthFailure("invalid_acceess_token", "Invalid access_token, please have a check.")
        return shop

    def refresh_tokens(self, shop: str, refresh_token: str) -> dict[str, object]:
        with self.lock:
            self.refresh_calls += 1
            owner, expires, used = self.refresh.get(refresh_token, (None, 0.0, True))
            if owner != shop or used or expires < time.time():
                raise AuthFailure("error_param", "Invalid refresh_token.")
            now = time.time()
            self.refresh[refresh_token] = (owner, expires, True)
            for token, (holder, until) in list(self.access.items()):
                if holder == shop:  # the previous access token stays valid for 5 more minutes
                    self.access[token] = (holder, min(until, now + GRACE))
            access, renewed = f"sbx-access-{secrets.token_hex(16)}", f"sbx-refresh-{secrets.token_hex(12)}"
            self.access[access] = (shop, now + self.access_ttl)
            self.refresh[renewed] = (shop, now + REFRESH_TTL, False)
            self._save()
        return {"access_token": access, "refresh_token": renewed, "expire_in": self.access_ttl}

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access = {token: (shop, 0.0) for token, (shop, _) in self.access.items()}
            self._save()

    def _save(self) -> None:
        if self.state_path is None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "partner_key": self.partner_key,
            "access": self.access,
            "refresh": self.refresh,
            "initial_refresh": self.initial_refresh,
        }
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.state_path)
