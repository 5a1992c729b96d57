"""The one client-credentials client GoBiz and Grab are built on (``connectors/base/client_credentials.py``), over
real HTTP on loopback against a small token server, with tokens kept in a real SQLite ``TokenStore``."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.auth import WireFormat
from connectors.base.client_credentials import ClientCredentialsApi, ClientCredentialsClient, TokenEndpoint, grantee
from connectors.base.connection import connection_json, parse_connection
from connectors.base.errors import InvalidPayload
from connectors.base.http import Call, RetryBudget
from connectors.base.ladder import AUTH_STATUSES, BareJson, StatusLadder
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.tokens import TokenStore
from foundation.db import Base, make_engine

LADDER = StatusLadder("cc", BareJson(), statuses=AUTH_STATUSES)
# The production retry loop (its attempts and time budget) with backoff in milliseconds: a token answer that stays
# unreadable is retried as in production, without waiting out ~4 s of real backoff before it is reported.
MS_BACKOFF = RetryBudget(backoff_initial=0.01, backoff_max=0.05)
FORM = WireFormat(content_type="application/x-www-form-urlencoded", body=lambda form: urlencode(form or {}).encode())


@dataclass
class TokenServer:
    """Grants ``tok-1``, ``tok-2``… and records every grant request; the API accepts only the latest token."""

    grants: list[dict[str, Any]] = field(default_factory=list)
    expires_in: Any = 3600

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/oauth/token")
        async def token(request: Request) -> Response:
            raw = (await request.body()).decode()
            is_form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
            body = dict(parse_qsl(raw)) if is_form else json.loads(raw)
            self.grants.append({"authorization": request.headers.get("authorization"), "body": body})
            return JSONResponse({"access_token": f"tok-{len(self.grants)}", "expires_in": self.expires_in})

        @app.get("/v1/me")
        def me(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer tok-{len(self.grants)}":
                return JSONResponse({"error": "expired"}, status_code=401)
            return JSONResponse({"ok": True})

        return app


@pytest.fixture
def served() -> Iterator[tuple[TokenServer, str]]:
    server = TokenServer()
    with SandboxServer(server.app()) as running:
        yield server, running.url


def client(
    url: str, tmp_path: Path, *, basic_auth: bool, secret: str = "s3cret-value", budget: RetryBudget | None = None
) -> ClientCredentialsClient:
    engine = make_engine(f"sqlite:///{tmp_path}/tokens.db")
    Base.metadata.create_all(engine)
    spec = parse_connection("cc", connection_json(conn_type="cc", host=url, login="client-1", password=secret))
    endpoint = TokenEndpoint("/oauth/token", LADDER, FORM if basic_auth else WireFormat(), basic_auth=basic_auth)
    api = ClientCredentialsApi("cc", endpoint, WireFormat(), LADDER, rate_limit_per_second=1000)
    return ClientCredentialsClient(
        api,
        ConnectorContext("shop-1", spec, TokenStore(engine, "cc", "shop-1"), budget=budget or RetryBudget()),
        "read write",
    )


def test_basic_auth_puts_the_credentials_in_the_header_and_only_the_grant_in_the_form(served, tmp_path):
    server, url = served
    assert client(url, tmp_path, basic_auth=True).http.call(Call("GET", "/v1/me")).data == {"ok": True}
    basic = "Basic " + base64.b64encode(b"client-1:s3cret-value").decode()
    assert server.grants == [
        {"authorization": basic, "body": {"grant_type": "client_credentials", "scope": "read write"}}
    ]


def test_body_credentials_go_beside_the_grant_and_no_authorization_header(served, tmp_path):
    server, url = served
    client(url, tmp_path, basic_auth=False).http.call(Call("GET", "/v1/me"))
    body = {"client_id": "client-1", "client_secret": "s3cret-value", "grant_type": "client_credentials"}
    assert server.grants == [{"authorization": None, "body": {**body, "scope": "read write"}}]


def test_a_stored_token_is_reused_only_by_the_credentials_that_obtained_it(served, tmp_path):
    server, url = served
    client(url, tmp_path, basic_auth=True).http.call(Call("GET", "/v1/me"))
    client(url, tmp_path, basic_auth=True).http.call(Call("GET", "/v1/me"))
    assert len(server.grants) == 1  # same id, secret and scope: the stored token serves
    rotated = client(url, tmp_path, basic_auth=True, secret="rotated-secret")
    rotated.http.call(Call("GET", "/v1/me"))
    assert len(server.grants) == 2 and rotated.tokens.pair is not None
    assert rotated.tokens.pair.extra == {"grantee": grantee("client-1", "rotated-secret", "read write")}
    assert "rotated-secret" not in json.dumps(rotated.tokens.pair.extra)


def test_a_refused_token_is_replaced_by_one_new_grant_and_the_call_retried_once(served, tmp_path):
    server, url = served
    first = client(url, tmp_path, basic_auth=True)
    first.http.call(Call("GET", "/v1/me"))
    client(url, tmp_path, basic_auth=True, secret="another-secret").http.call(Call("GET", "/v1/me"))
    assert first.http.call(Call("GET", "/v1/me")).data == {"ok": True}  # its tok-1 was refused: tok-3 granted
    assert len(server.grants) == 3 and first.access_token() == "tok-3"


@pytest.mark.parametrize("expires_in", [None, "3600"])
def test_a_token_answer_without_an_integer_lifetime_is_an_invalid_payload(served, tmp_path, expires_in):
    server, url = served
    server.expires_in = expires_in
    with pytest.raises(InvalidPayload, match="lacks access_token/expires_in"):
        client(url, tmp_path, basic_auth=False, budget=MS_BACKOFF).http.call(Call("GET", "/v1/me"))
