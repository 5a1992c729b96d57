"""Shopee's token endpoints as Shopee documents them: the sandbox's answers to ``auth/token/get`` and
``auth/access_token/get``, captured while the real client talks to it over loopback HTTP, checked both ways
against the documented trees (``tests/contracts/shopee/auth_doc_trees.json``), and the documented error names
for a spent or expired refresh token."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import delete

from connectors.base.connection import connection_json, parse_connection
from connectors.base.errors import AuthError, InvalidPayload
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.tokens import StoredToken, TokenStore
from connectors.shopee.connector import ShopeeConnector
from connectors.shopee.sandbox import ShopeeSandbox
from connectors.shopee.signing import sign
from foundation.db import make_engine, transaction
from tests.contracts.fieldtree import invented_fields, load_trees, missing_fields

TREES = load_trees(Path(__file__).parent / "shopee" / "auth_doc_trees.json")
TOKEN_GET, REFRESH = "v2.public.get_access_token", "v2.public.refresh_access_token"
# What the client and `omnikop shops authorize` read from each answer (connectors/shopee/client.py::_token_call).
NEEDED: dict[str, dict[str, list[str]]] = {
    TOKEN_GET: {"$": ["error", "access_token", "refresh_token", "expire_in"]},
    REFRESH: {"$": ["error", "access_token", "refresh_token", "expire_in", "partner_id", "shop_id"]},
}
ENDPOINT_OF = {TREES[name]["path"]: name for name in TREES}


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(days=2, platforms=("shopee",)))


@pytest.fixture
def sandbox(world: World) -> ShopeeSandbox:
    return ShopeeSandbox(world)


@pytest.fixture
def server(sandbox: ShopeeSandbox) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox.app) as running:
        yield running


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Every (path, JSON answer) the process receives over HTTP while the test runs."""
    seen: list[tuple[str, Any]] = []
    original = requests.Session.request

    def recording(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        response = original(self, method, url, *args, **kwargs)
        try:
            seen.append((urlsplit(url).path, response.json()))
        except ValueError:
            seen.append((urlsplit(url).path, None))
        return response

    monkeypatch.setattr(requests.Session, "request", recording)
    return seen


def consent_code(sandbox: ShopeeSandbox, base_url: str, shop: str) -> str:
    """The seller's consent in the sandbox: the signed ``auth_partner`` link answers with the redirect."""
    path, now = "/api/v2/shop/auth_partner", int(time.time())
    params = {
        "partner_id": sandbox.auth.partner_id,
        "timestamp": now,
        "sign": sign(sandbox.auth.partner_key, sandbox.auth.partner_id, path, now),
        "redirect": "https://coop.example/callback",
    }
    sandbox.consent.seller = shop
    answer = requests.get(base_url + path, params=params, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["shop_id"] == [shop]
    return query["code"][0]


def connector(sandbox: ShopeeSandbox, base_url: str, shop: str, db_url: str, **extra: str) -> ShopeeConnector:
    fields = sandbox.connection_for(shop, base_url)
    fields["extra"] = {"rate_limit_per_second": 1000, **extra}
    connection = parse_connection("shopee_contract", connection_json(**fields))
    tokens = TokenStore(make_engine(db_url), "shopee", shop)
    return ShopeeConnector(ConnectorContext(shop, connection, tokens))


def forget_tokens(db_url: str) -> None:
    with transaction(make_engine(db_url)) as session:
        session.execute(delete(StoredToken))


def token_answers(answers: list[tuple[str, Any]]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for path, body in answers:
        if path in ENDPOINT_OF:
            found.setdefault(ENDPOINT_OF[path], []).append(body)
    return found


def grant_then_refresh(sandbox: ShopeeSandbox, server: SandboxServer, db_url: str) -> ShopeeConnector:
    """The client's whole token life: the code's first pair, then a refresh once the access token expired."""
    shop = sandbox.shop_refs()[0]
    client = connector(sandbox, server.url, shop, db_url, code=consent_code(sandbox, server.url, shop))
    client.check()
    sandbox.auth.expire_access_tokens()
    client.check()
    return client


@pytest.mark.parametrize("api", [TOKEN_GET, REFRESH])
def test_every_token_answer_is_documented_both_ways(
    api: str, sandbox: ShopeeSandbox, server: SandboxServer, sqlite_url: str, answers: list[tuple[str, Any]]
) -> None:
    grant_then_refresh(sandbox, server, sqlite_url)
    captured = token_answers(answers)
    assert captured.get(api), f"the client never called {TREES[api]['path']}"
    for answer in captured[api]:
        assert answer["error"] == ""
        assert invented_fields(answer, TREES[api]["tree"]) == []
        assert missing_fields(answer, NEEDED[api], TREES[api]["tree"]) == []


def test_token_get_answer_names_the_authorised_shop(sandbox: ShopeeSandbox, server: SandboxServer) -> None:
    shop = sandbox.shop_refs()[0]
    code = consent_code(sandbox, server.url, shop)
    path, now = "/api/v2/auth/token/get", int(time.time())
    params = {"partner_id": sandbox.auth.partner_id, "timestamp": now}
    params["sign"] = sign(sandbox.auth.partner_key, sandbox.auth.partner_id, path, now)
    body = {"code": code, "partner_id": sandbox.auth.partner_id, "shop_id": int(shop)}
    first = requests.post(server.url + path, params=params, json=body, timeout=10).json()
    again = requests.post(server.url + path, params=params, json=body, timeout=10).json()
    assert first["shop_id_list"] == [int(shop)] and first["error"] == ""
    assert again["error"] == "invalid_code"  # one-time use
    assert invented_fields(again, TREES[TOKEN_GET]["tree"]) == []


def test_a_spent_refresh_token_is_refused_by_its_documented_name_and_means_reauthorise(
    sandbox: ShopeeSandbox, server: SandboxServer, sqlite_url: str, answers: list[tuple[str, Any]]
) -> None:
    shop = sandbox.shop_refs()[0]
    spent = sandbox.auth.initial_refresh[shop]
    connector(sandbox, server.url, shop, sqlite_url, refresh_token=spent).check()  # spends it
    forget_tokens(sqlite_url)  # as if the new pair had been lost: the Connection's spent token is all there is
    with pytest.raises(AuthError, match="re-authorise") as refused:
        connector(sandbox, server.url, shop, sqlite_url, refresh_token=spent).check()
    assert refused.value.platform_code == "error_shop_refresh_token"
    refusal = token_answers(answers)[REFRESH][-1]
    assert refusal["error"] == "error_shop_refresh_token"
    assert invented_fields(refusal, TREES[REFRESH]["tree"]) == []


def test_an_expired_refresh_token_is_refresh_token_expired(
    sandbox: ShopeeSandbox, server: SandboxServer, sqlite_url: str
) -> None:
    shop = sandbox.shop_refs()[0]
    token = sandbox.auth.initial_refresh[shop]
    holder, _, used = sandbox.auth.refresh[token]
    sandbox.auth.refresh[token] = (holder, time.time() - 1, used)
    with pytest.raises(AuthError, match="re-authorise") as refused:
        connector(sandbox, server.url, shop, sqlite_url, refresh_token=token).check()
    assert refused.value.platform_code == "refresh_token_expired"


def test_a_wrong_sandbox_answer_fails_the_check(
    sandbox: ShopeeSandbox,
    server: SandboxServer,
    sqlite_url: str,
    answers: list[tuple[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check has teeth: an invented field in token/get and a dropped needed field in the refresh answer."""
    grant, refresh = sandbox.auth.grant_code, sandbox.auth.refresh_tokens
    monkeypatch.setattr(sandbox.auth, "grant_code", lambda body: {**grant(body), "refresh_expire_in": 2592000})
    monkeypatch.setattr(
        sandbox.auth,
        "refresh_tokens",
        lambda shop, token: {k: v for k, v in refresh(shop, token).items() if k != "shop_id"},
    )
    grant_then_refresh(sandbox, server, sqlite_url)
    captured = token_answers(answers)
    assert invented_fields(captured[TOKEN_GET][0], TREES[TOKEN_GET]["tree"]) == ["refresh_expire_in"]
    assert missing_fields(captured[REFRESH][0], NEEDED[REFRESH], TREES[REFRESH]["tree"]) == ["shop_id"]
    monkeypatch.setattr(
        sandbox.auth,
        "refresh_tokens",
        lambda shop, token: {k: v for k, v in refresh(shop, token).items() if k != "expire_in"},
    )
    sandbox.auth.expire_access_tokens()
    with pytest.raises(InvalidPayload, match="expire_in"):
        connector(sandbox, server.url, sandbox.shop_refs()[0], sqlite_url).check()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite database of this test's own (token rows only; PostgreSQL adds nothing here)."""
    target = tmp_path / "tokens.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"
