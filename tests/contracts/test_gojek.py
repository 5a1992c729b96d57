"""GoBiz contract: every answer the GoBiz sandbox gives the connector's client (token, outlet, catalog) and every
webhook it sends (``gofood.order.*``, ``payment.transaction.settlement``) checked both ways against the field
trees in ``tests/contracts/gojek/gobiz.json``: no field GoBiz does not document, every field the parser needs
documented and present, and ``header.version`` a number."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI, Request
from fastapi.responses import Response

from connectors.base.connection import connection_json, parse_connection
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import FAST_BUDGET
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.gojek.connector import GojekConnector
from connectors.gojek.sandbox import GojekSandbox, render
from foundation.db import Base, make_engine
from tests.contracts.fieldtree import contract_problems, load_trees

TREES = load_trees(Path(__file__).parent / "gojek" / "gobiz.json")
WORLD = WorldConfig(orders_per_day=6, days=3, platforms=("gojek",))
# What connectors/gojek/client.py and parse.py read, per path.
NEEDED = {
    "oauth2.token": {"$": ["access_token", "expires_in"]},
    "partner.outlets.v1": {"$": ["success", "data"]},
    "gofood.outlets.v2.catalog": {
        "$": ["success", "data"],
        "data": ["menus", "variant_categories"],
        "data.menus[]": ["menu_items"],
        "data.menus[].menu_items[]": ["id", "external_id", "in_stock"],
    },
    "gofood.order.*": {
        "header": ["event_name", "event_id", "timestamp"],
        "body": ["outlet", "order"],
        "body.outlet": ["id"],
        "body.order": ["order_number", "currency", "created_at", "order_items", "order_total", "takeaway_charges",
                       "applied_promotions"],
        "body.order.order_items[]": ["id", "external_id", "name", "quantity", "price"],
    },
    "payment.transaction.settlement": {"header": ["event_name", "event_id"], "body.outlet": ["id"]},
}  # fmt: skip
ENDPOINT = {
    "/oauth2/token": "oauth2.token",
    "/v1": "partner.outlets.v1",
    "/v2/catalog": "gofood.outlets.v2.catalog",
}


def problems(bodies: dict[str, list[Any]]) -> dict[str, list[str]]:
    return contract_problems(bodies, TREES, NEEDED)


def contract_of(path: str) -> str:
    return next(name for suffix, name in ENDPOINT.items() if path.endswith(suffix))


def event_contract(event: dict[str, Any]) -> str:
    name = event["header"]["event_name"]
    return "gofood.order.*" if name.startswith("gofood.order.") else name


def client_answers(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """The connector's whole client against the sandbox (check = token + outlet, stock = catalog), captured."""
    captured: dict[str, list[Any]] = {}
    original = requests.Session.request

    def recording(session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        response = original(session, method, url, *args, **kwargs)
        captured.setdefault(contract_of(requests.utils.urlparse(url).path), []).append(response.json())
        return response

    monkeypatch.setattr(requests.Session, "request", recording)
    sandbox = GojekSandbox(world)
    engine = make_engine(f"sqlite:///{tmp_path}/gojek.db")
    Base.metadata.create_all(engine)
    with SandboxServer(sandbox.app) as server:
        for shop in world.shops_on("gojek"):
            spec = parse_connection("gojek_c", connection_json(**sandbox.connection_for(shop.shop_ref, server.url)))
            tokens = TokenStore(engine, "gojek", shop.shop_ref)
            connector = GojekConnector(ConnectorContext(shop.shop_ref, spec, tokens, shop.flavor, budget=FAST_BUDGET))
            connector.check()
            list(connector.pull("stock", Window(datetime.now(UTC) - timedelta(days=1), datetime.now(UTC))))
    monkeypatch.undo()
    return captured


def webhooks(world: World) -> list[dict[str, Any]]:
    """Every webhook the sandbox delivers (through its admin emit route), as the partner's URL receives it."""
    received: list[dict[str, Any]] = []
    partner = FastAPI()

    @partner.post("/webhooks/gojek")
    async def notification(request: Request) -> Response:
        received.append(json.loads(await request.body()))
        return Response(b'{"success":true}', media_type="application/json")

    with SandboxServer(GojekSandbox(world).app) as gobiz, SandboxServer(partner) as receiver:
        for shop in world.shops_on("gojek"):
            answer = requests.post(f"{gobiz.url}/_sandbox/emit", json={"url": receiver.url, "shop_ref": shop.shop_ref})
            answer.raise_for_status()
    return received


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WORLD)


@pytest.fixture(scope="module")
def delivered(world: World) -> dict[str, list[Any]]:
    by_contract: dict[str, list[Any]] = {}
    for event in webhooks(world):
        by_contract.setdefault(event_contract(event), []).append(event)
    return by_contract


def test_every_client_answer_is_documented_both_ways(world: World, tmp_path: Path, monkeypatch) -> None:
    answers = client_answers(world, tmp_path, monkeypatch)
    assert set(answers) == {"oauth2.token", "partner.outlets.v1", "gofood.outlets.v2.catalog"}
    assert problems(answers) == {name: [] for name in answers}


def test_every_webhook_is_documented_both_ways(delivered: dict[str, list[Any]]) -> None:
    assert set(delivered) == {"gofood.order.*", "payment.transaction.settlement"}
    assert len(delivered["gofood.order.*"]) > 20
    assert problems(delivered) == {name: [] for name in delivered}
    promoted = [e for e in delivered["gofood.order.*"] if e["body"]["order"]["applied_promotions"]]
    assert promoted, "no event carries a promotion, so the discount path is not exercised"


def test_a_wrong_webhook_or_catalog_fails_the_check(world: World, tmp_path: Path, monkeypatch) -> None:
    honest_event, honest_catalog = render._order_event, render.catalog

    def invented(*args: Any, **kwargs: Any) -> dict[str, Any]:
        event = honest_event(*args, **kwargs)
        event["header"]["version"] = "1"
        event["body"]["order"]["order_items"][0]["merchant_discount"] = 1000
        event["body"]["customer"]["phone"] = "+6281234567890"
        del event["body"]["order"]["takeaway_charges"]
        return event

    def external_ids(*args: Any, **kwargs: Any) -> dict[str, Any]:
        data = honest_catalog(*args, **kwargs)
        for item in data["menus"][0]["menu_items"]:
            item["variant_category_external_ids"] = item.pop("variant_category_ids")
        return data

    monkeypatch.setattr(render, "_order_event", invented)
    monkeypatch.setattr(render, "catalog", external_ids)
    found = problems(
        {
            "gofood.order.*": [
                e for e in webhooks(world) if e["header"]["event_name"] != "payment.transaction.settlement"
            ]
        }
    )
    assert {
        "header.version='1'",
        "body.order.order_items[].merchant_discount",
        "body.customer.phone",
        "all[].body.order.takeaway_charges",
    } <= set(found["gofood.order.*"])
    catalog = client_answers(world, tmp_path, monkeypatch)
    assert "data.menus[].menu_items[].variant_category_external_ids" in problems(catalog)["gofood.outlets.v2.catalog"]
