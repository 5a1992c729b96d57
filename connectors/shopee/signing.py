"""Shopee Open Platform v2 signing (marketplace_apis.md §1.2) and push verification (§1.8)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

from connectors.base.http import Call, SignedCall

# Paths signed as "public API": partner_id + path + timestamp (no token, no shop).
PUBLIC_PATHS = ("/api/v2/auth/", "/api/v2/public/", "/api/v2/shop/auth_partner", "/api/v2/push/")


def base_string(
    partner_id: int | str, path: str, timestamp: int, access_token: str = "", shop_id: int | str = ""
) -> str:
    """Plain concatenation, no separators; shop APIs append access_token and shop_id, public APIs do not."""
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def sign(
    partner_key: str, partner_id: int | str, path: str, timestamp: int, access_token: str = "", shop_id: int | str = ""
) -> str:
    """``hex(HMAC-SHA256(partner_key, base_string))``: lowercase, 64 characters."""
    base = base_string(partner_id, path, timestamp, access_token, shop_id)
    return hmac.new(partner_key.encode("utf-8"), base.encode("utf-8"), hashlib.sha256).hexdigest()


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PATHS)


def push_signature(partner_key: str, callback_url: str, body: bytes) -> str:
    """``Authorization`` header of a Shopee push: HMAC-SHA256 over ``callback_url + "|" + raw body``."""
    return hmac.new(partner_key.encode("utf-8"), callback_url.encode("utf-8") + b"|" + body, hashlib.sha256).hexdigest()


def verify_push(partner_key: str, callback_url: str, body: bytes, authorization: str | None) -> bool:
    """Check a push against the exact registered URL and the raw bytes (never re-serialised JSON)."""
    if not authorization:
        return False
    return hmac.compare_digest(push_signature(partner_key, callback_url, body), authorization.strip())


class ShopeeSigner:
    """Signs each attempt afresh: common parameters in the query, request parameters after them."""

    def __init__(
        self, base_url: str, partner_id: str, partner_key: str, shop_id: str, access_token: Callable[[], str]
    ) -> None:
        self.base_url, self.partner_id, self.partner_key = base_url.rstrip("/"), partner_id, partner_key
        self.shop_id, self.access_token = shop_id, access_token

    def sign(self, call: Call, now: int) -> SignedCall:
        params: dict[str, object] = {"partner_id": int(self.partner_id), "timestamp": now}
        if is_public(call.path):
            params["sign"] = sign(self.partner_key, self.partner_id, call.path, now)
        else:
            token = self.access_token()
            params.update(access_token=token, shop_id=int(self.shop_id))
            params["sign"] = sign(self.partner_key, self.partner_id, call.path, now, token, self.shop_id)
        params.update(call.params)
        body = json.dumps(call.json, default=str).encode("utf-8") if call.json is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return SignedCall(self.base_url + call.path, params, headers, body)
