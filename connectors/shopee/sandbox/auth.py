"""The sandbox's side of Shopee auth: its own signature check (written independently of the client's
signer), 5-minute timestamps, 4-hour access tokens, single-use refresh tokens with a 5-minute grace for the
previous access token (marketplace_apis.md §1.2-1.3), one-time 10-minute authorisation codes and shop
authorisations that lapse after a year.

Answers follow Shopee's own documentation (``v2.public.get_access_token``, ``v2.public.refresh_access_token``;
vendored trees in ``../shared/data/contracts/shopee/``): token answers are top-level (no ``response``), the
refresh answer names its ``partner_id`` and ``shop_id``, and a spent or unknown refresh token is
``error_shop_refresh_token``, an expired one ``refresh_token_expired``, a lapsed authorisation
``shop_access_expired`` (the error list of ``v2.public.refresh_access_token``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

TIMESTAMP_WINDOW = 300
ACCESS_TTL = 4 * 3600
REFRESH_TTL = 30 * 86400
GRACE = 300
CODE_TTL = 600  # "Valid for one-time use, expires in 10 minutes" (v2.public.get_access_token)
AUTHORIZATION_TTL = 365 * 86400  # the longest validity a seller can choose


class _TokenAnswer(TypedDict):
    access_token: str
    refresh_token: str
    expire_in: int


class RefreshAnswer(_TokenAnswer):
    """``auth/access_token/get``'s top-level fields."""

    partner_id: int
    shop_id: int


class CodeAnswer(_TokenAnswer):
    """``auth/token/get``'s top-level fields."""

    shop_id_list: list[int]
    merchant_id_list: list[int]


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
    codes: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # code → (shop, expires, used)
    authorizations: dict[str, tuple[float, float]] = field(default_factory=dict)  # shop → (auth_time, expire_time)
    refresh_calls: int = 0
    code_grants: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.state_path and self.state_path.exists():
            saved = json.loads(self.state_path.read_text())
            self.partner_key = saved["partner_key"]
            self.access = {k: tuple(v) for k, v in saved["access"].items()}  # type: ignore[misc]
            self.refresh = {k: tuple(v) for k, v in saved["refresh"].items()}  # type: ignore[misc]
            self.initial_refresh = saved["initial_refresh"]
            self.codes = {k: tuple(v) for k, v in saved.get("codes", {}).items()}  # type: ignore[misc]
            self.authorizations = {k: tuple(v) for k, v in saved.get("authorizations", {}).items()}  # type: ignore[misc]
        for shop in sorted(self.shop_ids - set(self.initial_refresh)):
            token = f"sbx-refresh-{secrets.token_hex(12)}"
            self.initial_refresh[shop] = token
            self.refresh[token] = (shop, time.time() + REFRESH_TTL, False)
        for shop in sorted(self.shop_ids - set(self.authorizations)):
            self.authorizations[shop] = (time.time(), time.time() + AUTHORIZATION_TTL)
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

    def refresh_tokens(self, shop: str, refresh_token: str) -> RefreshAnswer:
        """``auth/access_token/get``: a new pair for a valid, unspent refresh token of ``shop``."""
        with self.lock:
            self.refresh_calls += 1
            owner, expires, used = self.refresh.get(refresh_token, (None, 0.0, True))
            now = time.time()
            if owner != shop or used:
                raise AuthFailure(
                    "error_shop_refresh_token", "Your refresh token is error ,please check refresh token or shopid."
                )
            if expires < now:
                raise AuthFailure("refresh_token_expired", "Your refresh_token expired.")
            if self.authorizations.get(shop, (0.0, 0.0))[1] < now:
                raise AuthFailure("shop_access_expired", "Your access to shop has expired.")
            self.refresh[refresh_token] = (owner, expires, True)
            access, renewed = self._issue(shop, now)
        return {
            "access_token": access,
            "refresh_token": renewed,
            "expire_in": self.access_ttl,
            "partner_id": self.partner_id,
            "shop_id": int(shop),
        }

    def issue_code(self, shop: str) -> str:
        """What a seller's click on "Confirm authorization" produces: a one-time code, and a fresh year."""
        code = secrets.token_hex(16)
        with self.lock:
            now = time.time()
            self.codes[code] = (shop, now + CODE_TTL, False)
            self.authorizations[shop] = (now, now + AUTHORIZATION_TTL)
            self._save()
        return code

    def grant_code(self, body: dict[str, object]) -> CodeAnswer:
        """``auth/token/get``: body ``code``, ``partner_id`` and ``shop_id`` (or ``main_account_id``)."""
        if str(body.get("partner_id", "")) != str(self.partner_id):
            raise AuthFailure("invalid_partner_id", "partner_id is invalid")
        if "shop_id" not in body:
            if "main_account_id" in body:  # the sandbox's sellers are plain shop accounts
                raise AuthFailure("invalid_main_acount_id", "main_account_id is invalid")  # sic: Shopee's spelling
            raise AuthFailure("error_param", "shop_id or main_account_id is required")
        shop = str(body["shop_id"])
        with self.lock:
            self.code_grants += 1
            owner, expires, used = self.codes.get(str(body.get("code", "")), (None, 0.0, True))
            now = time.time()
            if owner is None or used or expires < now:
                raise AuthFailure("invalid_code", "The code is expired or used or invalid")
            if owner != shop:
                raise AuthFailure("invalid_shop_id", "shop_id is invalid")
            self.codes[str(body["code"])] = (owner, expires, True)
            access, renewed = self._issue(shop, now)
        return {
            "access_token": access,
            "refresh_token": renewed,
            "expire_in": self.access_ttl,
            "shop_id_list": [int(shop)],
            "merchant_id_list": [],
        }

    def authorization_times(self, shop: str) -> dict[str, int]:
        """``auth_time`` / ``expire_time`` of the shop's authorisation, as ``get_shop_info`` documents them."""
        with self.lock:
            since, until = self.authorizations.get(shop, (0.0, 0.0))
        return {"auth_time": int(since), "expire_time": int(until)}

    def _issue(self, shop: str, now: float) -> tuple[str, str]:
        """A new pair for ``shop`` (caller holds the lock); earlier access tokens keep 5 minutes of grace."""
        for token, (holder, until) in list(self.access.items()):
            if holder == shop:  # the previous access token stays valid for 5 more minutes
                self.access[token] = (holder, min(until, now + GRACE))
        access, renewed = f"sbx-access-{secrets.token_hex(16)}", f"sbx-refresh-{secrets.token_hex(12)}"
        self.access[access] = (shop, now + self.access_ttl)
        self.refresh[renewed] = (shop, now + REFRESH_TTL, False)
        self._save()
        return access, renewed

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
            "codes": self.codes,
            "authorizations": self.authorizations,
        }
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.state_path)
