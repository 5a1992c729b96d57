"""Reusable request authentication (dlt's ``BearerTokenAuth`` / ``HttpBasicAuth``) and the signer built on them.

A platform whose API needs no request signature declares *how it authenticates* (an ``Auth``) and *how its calls
look on the wire* (a ``WireFormat``); ``AuthSigner`` puts them together behind the same ``Signer`` interface the
HMAC signers (Shopee, TikTok) implement, so ``HttpClient`` signs every attempt the same way. The credentials are
read per attempt: a token renewed between two attempts is the one sent.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from connectors.base.http import Call, SignedCall


class Auth(Protocol):
    """The credentials of one attempt, as headers."""

    def headers(self) -> dict[str, str]: ...


class NoAuth:
    """Endpoints that take their credentials as ordinary parameters (TikTok's token grant)."""

    def headers(self) -> dict[str, str]:
        return {}


class BearerTokenAuth:
    """``Authorization: Bearer <token>``; the token is asked for on every attempt (it may have been renewed)."""

    def __init__(self, access_token: Callable[[], str]) -> None:
        self.access_token = access_token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}


class HttpBasicAuth:
    """``Authorization: Basic base64(username:password)`` (OAuth client credentials at a token endpoint)."""

    def __init__(self, username: str, password: str) -> None:
        self._authorization = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")

    def headers(self) -> dict[str, str]:
        return {"Authorization": self._authorization}


def json_bytes(payload: Any) -> bytes | None:
    """``json.dumps`` as is (Grab and GoBiz accept any JSON); no body when the call has none."""
    return json.dumps(payload).encode() if payload is not None else None


@dataclass(frozen=True)
class WireFormat:
    """Everything about a call's wire form that is not its credentials.

    ``headers`` go on every call, ahead of the credentials; ``content_type`` goes with a body, after them;
    ``body`` turns ``Call.json`` into the bytes sent (None: no body); ``query`` the parameters into those sent."""

    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"
    body: Callable[[Any], bytes | None] = json_bytes
    query: Callable[[Mapping[str, Any]], dict[str, Any]] = dict


class AuthSigner:
    """A ``Signer`` for APIs that authenticate with a header rather than a signature."""

    def __init__(self, base_url: str, auth: Auth, wire: WireFormat = WireFormat()) -> None:
        self.base_url, self.auth, self.wire = base_url.rstrip("/"), auth, wire

    def sign(self, call: Call, now: int) -> SignedCall:
        body = self.wire.body(call.json)
        headers = {**self.wire.headers, **self.auth.headers()}
        if body is not None and self.wire.content_type is not None:
            headers["Content-Type"] = self.wire.content_type
        return SignedCall(self.base_url + call.path, self.wire.query(call.params), headers, body)
