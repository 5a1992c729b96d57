"""Request authentication for both Tokopedia flavors.

TikTok Shop Partner API (marketplace_apis.md §3.3): every request carries ``app_key``, ``timestamp`` and
``sign`` in the query; ``sign`` is ``hex(HMAC-SHA256(app_secret, app_secret + path + Σ key+value + body +
app_secret))`` over the query parameters sorted by key, leaving out ``sign`` and ``access_token``; the body is
the exact JSON string sent (non-GET requests only). The access token travels in the ``x-tts-access-token``
header, never in the query. The body is serialised once and those very bytes are sent, because the signature
covers them (§6, pain point 1).

Legacy Tokopedia (fs API, §2.2) signs nothing: a Bearer token on ``fs.tokopedia.net`` and HTTP Basic
(client_id:client_secret) on ``accounts.tokopedia.com/token`` (the base's ``BearerTokenAuth`` / ``HttpBasicAuth``
with the wire formats below).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

from connectors.base.auth import WireFormat
from connectors.base.http import Call, SignedCall

# Never part of the TikTok signature (the token is a header anyway; ``sign`` cannot sign itself).
UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def base_string(app_secret: str, path: str, params: Mapping[str, Any], body: str = "") -> str:
    """``app_secret + path + key1value1key2value2… + body + app_secret`` with keys in ascending order."""
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    return f"{app_secret}{path}{pairs}{body}{app_secret}"


def sign(app_secret: str, path: str, params: Mapping[str, Any], body: str = "") -> str:
    """Lowercase hex HMAC-SHA256 of ``base_string`` keyed with the app secret's UTF-8 bytes."""
    message = base_string(app_secret, path, params, body)
    return hmac.new(app_secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def as_query_text(value: Any) -> str:
    """The text a query value is sent as; signing and sending must use the same text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_body(payload: Any) -> str:
    """The one serialisation of a request body: compact and stable, so the signed text is the sent text."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)


class TikTokSigner:
    """Signs each attempt afresh (new ``timestamp``), so a retried request never reuses a stale signature."""

    def __init__(self, base_url: str, app_key: str, app_secret: str, access_token: Callable[[], str]) -> None:
        self.base_url, self.app_key, self.app_secret = base_url.rstrip("/"), app_key, app_secret
        self.access_token = access_token

    def sign(self, call: Call, now: int) -> SignedCall:
        params = {key: as_query_text(value) for key, value in call.params.items()}
        params.update(app_key=self.app_key, timestamp=str(now))
        body = json_body(call.json) if call.json is not None else None
        signed_body = body if body is not None and call.method.upper() != "GET" else ""
        params["sign"] = sign(self.app_secret, call.path, params, signed_body)
        headers = {"x-tts-access-token": self.access_token(), "Content-Type": "application/json"}
        return SignedCall(self.base_url + call.path, params, headers, body.encode("utf-8") if body else None)


def query_text(params: Mapping[str, Any]) -> dict[str, str]:
    """Every query value as the text it is signed and sent as (``as_query_text``)."""
    return {key: as_query_text(value) for key, value in params.items()}


def json_body_bytes(payload: Any) -> bytes | None:
    return json_body(payload).encode("utf-8") if payload is not None else None


# TikTok's token endpoints take app_key/app_secret as query parameters and no body (§3.2).
TOKEN_GRANT_WIRE = WireFormat(query=query_text, body=lambda payload: None)
# Legacy fs API: Bearer token, Tokopedia's one JSON serialisation for bodies.
FS_WIRE = WireFormat(query=query_text, body=json_body_bytes)
# Legacy token endpoint: HTTP Basic client_id:client_secret and an empty POST body (§2.2).
ACCOUNTS_WIRE = WireFormat(query=query_text, body=lambda payload: b"", content_type=None)
