"""TikTok Shop contract: every answer the sandbox gives the connector's client, checked against TikTok's documented
field trees both ways (issue 18).

The trees (``tiktok/doc_trees.json``) are read from TikTok's own generated Node SDK and, for finance, a second
public SDK; each endpoint names its source. ``tiktok/needed.json`` lists, per endpoint, what the client and parser
read without a default. The sandbox is driven over loopback HTTP by the real client (token get and refresh, the
authorised shops, orders search and detail, statements and their transactions, balance records, product and
inventory search); every answer is captured as the client received it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.tiktok.sandbox import render as render_tiktok
from tests.contracts.fieldtree import answer_problems, load_trees

HERE = Path(__file__).parent / "tiktok"
TREES = load_trees(HERE / "doc_trees.json")
NEEDED = {name: tree for name, tree in load_trees(HERE / "needed.json").items() if not name.startswith("_")}
STREAMS = ("orders", "settlements", "wallet", "stock")


def api_of(path: str) -> str:
    """The documented API a request path belongs to (``{statement_id}`` matches any one path segment)."""
    for name, api in TREES.items():
        if re.fullmatch(re.sub(r"\\{[a-z_]+\\}", "[^/]+", re.escape(api["path"])), path):
            return name
    raise AssertionError(f"the client called {path}, which no documented field tree covers")


Captured = list[tuple[str, Any]]


def capture_answers(env: KitEnv) -> Captured:
    """Drive the real client through every call it makes and return ``(api, answer)`` for each HTTP answer."""
    shop = next(s.shop_ref for s in env.world.shops_on("tokopedia") if s.flavor == "tiktok")
    connector = env.connector(shop)
    client = connector.api.client  # type: ignore[attr-defined]
    captured: Captured = []

    def record(response: requests.Response, *_: Any, **__: Any) -> None:
        captured.append((api_of(urlsplit(response.url).path), response.json()))

    for http in (client.http, client.auth_http):
        http.session.hooks["response"].append(record)
    connector.check()  # token refresh + authorised shops
    for stream in STREAMS:
        _, rejected, _ = env.pull(connector, stream, env.window())
        assert rejected == [], (stream, rejected[:3])
    code = env.sandbox.tts_auth.issue_code(shop)  # type: ignore[attr-defined]
    client._grant("/api/v2/token/get", "authorized_code", auth_code=code)  # what a fresh authorisation exchanges
    return captured


def contract_problems(captured: Captured) -> list[str]:
    problems = []
    for api, answer in captured:
        problems += [f"{api}: {problem}" for problem in answer_problems([answer], TREES[api]["tree"], NEEDED[api])]
    return sorted(set(problems))


def test_every_sandbox_answer_is_documented_and_carries_what_the_parser_needs(env: KitEnv):
    assert set(NEEDED) == set(TREES) and all(api["source"] for api in TREES.values())  # every tree names its source
    captured = capture_answers(env)
    assert {api for api, _ in captured} == set(TREES)  # every endpoint the client calls was answered and checked
    assert contract_problems(captured) == []


def test_an_invented_field_in_an_answer_fails_the_check(env: KitEnv, monkeypatch: pytest.MonkeyPatch):
    honest = render_tiktok.transaction
    monkeypatch.setattr(
        render_tiktok, "transaction", lambda t, corrupt: {**honest(t, corrupt), "pph22_withholding_amount": "0"}
    )
    problems = contract_problems(capture_answers(env))
    assert problems == [
        "finance.202309.get_statement_transactions: invented data.statement_transactions[].pph22_withholding_amount"
    ]


def test_a_needed_field_dropped_from_an_answer_fails_the_check(env: KitEnv, monkeypatch: pytest.MonkeyPatch):
    honest = render_tiktok.inventory

    def without_committed(*args: Any) -> dict[str, Any]:
        rendered = honest(*args)
        for sku in rendered["skus"]:
            for spot in sku["warehouse_inventory"]:
                del spot["committed_quantity"]
        return rendered

    monkeypatch.setattr(render_tiktok, "inventory", without_committed)
    problems = contract_problems(capture_answers(env))
    assert problems == [
        "product.202309.inventory_search: missing data.inventory[].skus[].warehouse_inventory[].committed_quantity"
    ]
