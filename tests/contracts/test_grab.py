"""Grab contract: every answer the Grab sandbox gives the connector's client (token, list orders by day and page,
orders by id) and every push it sends (Submit Order, Push Order State) checked both ways against the field trees
of Grab's official SDK (``tests/contracts/grab/partner_api.json``), plus the SDK's enum validators and the
documented "0 unless CASH or DeliveredByRestaurant" amounts, so an answer the SDK would refuse fails here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from connectors.base.connection import connection_json, parse_connection
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import FAST_BUDGET
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.grab.connector import GrabConnector
from connectors.grab.sandbox import GrabSandbox, render
from foundation.db import Base, make_engine
from tests.contracts.fieldtree import invented_fields, load_trees, missing_fields, objects_at

TREES = load_trees(Path(__file__).parent / "grab" / "partner_api.json")
LIST = TREES["partner.v1.orders"]
TOKEN = TREES["grabid.oauth2.token"]
STATE = TREES["partner.push_order_state"]
# What connectors/grab/parse.py reads, per path (the SDK marks the Order fields it needs as required).
NEEDED_TOKEN = {"$": ["access_token", "expires_in"]}
NEEDED_LIST = {
    "$": ["more", "orders"],
    "orders[]": ["orderID", "orderTime", "orderState", "currency", "items", "price"],
    "orders[].currency": ["code", "exponent"],
    "orders[].items[]": ["id", "grabItemID", "quantity", "price"],
    "orders[].campaigns[]": ["deductedAmount", "deductedPart", "appliedItemIDs"],
}
NEEDED_STATE = {"$": ["merchantID", "orderID", "state"]}
WORLD = WorldConfig(orders_per_day=12, days=3, platforms=("grab",))


def submit_tree() -> dict[str, list[str]]:
    """Submit Order is the SDK's Order model: the list tree's ``orders[]`` subtree, rooted at ``$``."""
    prefix = TREES["partner.submit_order"]["prefix"]
    return {
        "$" if path == prefix else path.removeprefix(prefix + "."): fields
        for path, fields in LIST["tree"].items()
        if path == prefix or path.startswith(prefix + ".")
    }


def rooted(mapping: dict[str, Any], prefix: str = "orders[]") -> dict[str, Any]:
    return {
        "$" if path == prefix else path.removeprefix(prefix + "."): value
        for path, value in mapping.items()
        if path == prefix or path.startswith(prefix + ".")
    }


def refused_values(answer: Any, enums: dict[str, list[Any]]) -> list[str]:
    """``path=value`` for every value an SDK enum validator would refuse."""
    bad = []
    for path, obj in objects_at(answer):
        for field_path, allowed in enums.items():
            parent, _, name = field_path.rpartition(".")
            if (parent or "$") == path and name in obj and obj[name] is not None and obj[name] not in allowed:
                bad.append(f"{field_path}={obj[name]!r}")
    return sorted(set(bad))


def nonzero_documented_zero(orders: list[dict[str, Any]]) -> list[str]:
    """Amounts Grab documents as 0 for cashless, Grab-delivered orders that are not 0."""
    rule = LIST["zero_unless"]
    bad = []
    for order in orders:
        if order.get("paymentType") == rule["unless"]["paymentType"]:
            continue
        if (order.get("featureFlags") or {}).get("orderType") == rule["unless"]["featureFlags.orderType"]:
            continue
        for dotted in rule["fields"]:
            section, _, name = dotted.partition(".")
            value = (order.get(section) or {}).get(name)
            if value:
                bad.append(f"{order['orderID']}: {dotted}={value}")
    return bad


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WORLD)


@pytest.fixture
def answers(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Run the connector's whole client against the sandbox and capture every answer, per endpoint path."""
    yield from capture_client_answers(world, tmp_path, monkeypatch, GrabSandbox(world))


def capture_client_answers(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: GrabSandbox
) -> Iterator[dict[str, list[Any]]]:
    captured: dict[str, list[Any]] = {}
    original = requests.Session.request

    def recording(session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        response = original(session, method, url, *args, **kwargs)
        captured.setdefault(requests.utils.urlparse(url).path, []).append(response.json())
        return response

    monkeypatch.setattr(requests.Session, "request", recording)
    engine = make_engine(f"sqlite:///{tmp_path}/grab.db")
    Base.metadata.create_all(engine)
    with SandboxServer(sandbox.app) as server:
        for shop in world.shops_on("grab"):
            spec = parse_connection("grab_c", connection_json(**sandbox.connection_for(shop.shop_ref, server.url)))
            context = ConnectorContext(
                shop.shop_ref, spec, TokenStore(engine, "grab", shop.shop_ref), shop.flavor, budget=FAST_BUDGET
            )
            connector = GrabConnector(context)
            window = Window(
                datetime.combine(world.config.start, datetime.min.time(), UTC) - timedelta(days=1), world.as_of
            )
            for stream in ("orders", "settlements"):
                list(connector.pull(stream, window))
            list(connector.refetch_orders([o.order_ref for o in world.orders_of("grab", shop.shop_ref)][:12]))
        yield captured


def pushes(world: World, sandbox: GrabSandbox) -> dict[str, list[Any]]:
    """Every push the sandbox sends (through its admin emit route), as a partner receives it."""
    received: dict[str, list[Any]] = {}
    partner = FastAPI()

    @partner.post("/webhooks/grab/oauth/token")
    async def token() -> Response:
        return JSONResponse({"access_token": "t", "token_type": "Bearer", "expires_in": 604799})

    @partner.post("/webhooks/grab/{kind}")
    async def push(kind: str, request: Request) -> Response:
        received.setdefault(kind, []).append(json.loads(await request.body()))
        return Response(status_code=200)

    with SandboxServer(sandbox.app) as grab, SandboxServer(partner) as receiver:
        for shop in world.shops_on("grab"):
            answer = requests.post(f"{grab.url}/_sandbox/emit", json={"url": receiver.url, "shop_ref": shop.shop_ref})
            answer.raise_for_status()
    return received


# --- the answers the client reads ------------------------------------------------------------------------


def test_token_answer_is_documented_both_ways(answers: dict[str, list[Any]]) -> None:
    tokens = answers["/grabid/v1/oauth2/token"]
    assert tokens, "the client obtained no token"
    for answer in tokens:
        assert invented_fields(answer, TOKEN["tree"]) == []
        assert missing_fields(answer, NEEDED_TOKEN, TOKEN["tree"]) == []


def test_list_orders_answers_have_only_documented_fields_and_every_needed_one(answers: dict[str, list[Any]]) -> None:
    pages = answers["/partner/v1/orders"]
    assert len(pages) > 6, "the client listed too few pages to say anything"
    for page in pages:
        assert invented_fields(page, LIST["tree"]) == []
    every_order = {"more": False, "orders": [order for page in pages for order in page["orders"]]}
    assert every_order["orders"], "no order was listed"
    assert missing_fields(every_order, NEEDED_LIST, LIST["tree"]) == []


def test_list_orders_answers_are_readable_by_the_sdk(answers: dict[str, list[Any]]) -> None:
    orders = [order for page in answers["/partner/v1/orders"] for order in page["orders"]]
    assert refused_values({"orders": orders}, LIST["enums"]) == []
    assert nonzero_documented_zero(orders) == []


# --- the pushes the receiver reads -----------------------------------------------------------------------


def test_pushed_orders_and_states_are_documented_both_ways(world: World) -> None:
    received = pushes(world, GrabSandbox(world))
    submitted, states = received["orders"], received["order-state"]
    assert submitted and states
    tree = submit_tree()
    for order in submitted:
        assert invented_fields(order, tree) == []
        assert refused_values(order, rooted(LIST["enums"])) == []
    # A Submit Order has no orderState yet ("empty in Submit Order payload"): the parser reads it as PENDING.
    needed = {path: [f for f in fields if f != "orderState"] for path, fields in NEEDED_LIST.items() if path != "$"}
    assert missing_fields({"orders": submitted}, needed, LIST["tree"]) == []
    assert nonzero_documented_zero(submitted) == []
    for state in states:
        assert invented_fields(state, STATE["tree"]) == []
        assert missing_fields(state, NEEDED_STATE, STATE["tree"]) == []
        assert refused_values(state, STATE["enums"]) == []


# --- the check itself fails on a wrong answer ------------------------------------------------------------


def test_a_sandbox_answer_with_an_invented_field_or_without_a_needed_one_fails_the_check(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    honest = render.order

    def wrong(*args: Any, **kwargs: Any) -> dict[str, Any]:
        doc = honest(*args, **kwargs)
        doc["receiver"]["address"]["keywords"] = "rumah pagar hijau"  # not a field of the SDK's Address
        doc["items"][0].pop("grabItemID")  # the parser's SKU
        doc["campaigns"] = [{"deductedAmount": 100, "deductedPart": "merchant", "appliedItemIDs": []}]
        return doc

    monkeypatch.setattr(render, "order", wrong)
    captured = next(capture_client_answers(world, tmp_path, monkeypatch, GrabSandbox(world)))
    pages = captured["/partner/v1/orders"]
    every_order = {"more": False, "orders": [order for page in pages for order in page["orders"]]}
    assert "orders[].receiver.address.keywords" in invented_fields(every_order, LIST["tree"])
    assert "orders[].items[].grabItemID" in missing_fields(every_order, NEEDED_LIST, LIST["tree"])
    assert "orders[].campaigns[].deductedPart='merchant'" in refused_values(every_order, LIST["enums"])
