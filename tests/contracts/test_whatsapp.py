"""WhatsApp Cloud API contract: every webhook the WhatsApp sandbox sends (order and text messages, statuses)
checked both ways against the field trees in ``tests/contracts/whatsapp/cloud_api.json``: no field Meta does not
document, every field the receiver and parser read documented and present, ``timestamp`` a string of unix seconds
and ``quantity``/``item_price`` numbers. The pages the receiver lands (scrubbed) stay inside the same trees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI, Request
from fastapi.responses import Response

from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World
from connectors.whatsapp import events
from connectors.whatsapp.sandbox import WhatsappSandbox, render
from connectors.whatsapp.testing import WORLD
from tests.contracts.fieldtree import contract_problems, invented_fields, load_trees

TREES = load_trees(Path(__file__).parent / "whatsapp" / "cloud_api.json")
V = "entry[].changes[].value"
_ENVELOPE = {"$": ["object", "entry"], "entry[]": ["changes"], "entry[].changes[]": ["field", "value"],
             f"{V}.metadata": ["phone_number_id"]}  # fmt: skip
# What connectors/whatsapp/events.py and parse.py read, per path.
NEEDED = {
    "messages.order": {
        **_ENVELOPE,
        V: ["metadata", "messages"],
        f"{V}.messages[]": ["id", "timestamp", "type", "order"],
        f"{V}.messages[].order": ["product_items"],
        f"{V}.messages[].order.product_items[]": ["product_retailer_id", "quantity", "item_price", "currency"],
    },
    "messages.text": {**_ENVELOPE, V: ["metadata", "messages"], f"{V}.messages[]": ["id", "type"]},
    "statuses": {**_ENVELOPE, V: ["metadata", "statuses"], f"{V}.statuses[]": ["id", "status"]},
}


def problems(bodies: dict[str, list[Any]]) -> dict[str, list[str]]:
    return contract_problems(bodies, TREES, NEEDED)


def contract_of(webhook: dict[str, Any]) -> str:
    value = webhook["entry"][0]["changes"][0]["value"]
    return f"messages.{value['messages'][0]['type']}" if "messages" in value else "statuses"


def webhooks(world: World) -> list[dict[str, Any]]:
    """Every webhook the sandbox delivers (through its admin emit route), as the receiver's URL gets it."""
    received: list[dict[str, Any]] = []
    partner = FastAPI()

    @partner.post("/webhooks/whatsapp")
    async def notification(request: Request) -> Response:
        received.append(json.loads(await request.body()))
        return Response(b"", status_code=200)

    with SandboxServer(WhatsappSandbox(world).app) as meta, SandboxServer(partner) as receiver:
        for shop in world.shops_on("whatsapp"):
            answer = requests.post(f"{meta.url}/_sandbox/emit", json={"url": receiver.url, "shop_ref": shop.shop_ref})
            answer.raise_for_status()
    return received


def by_contract(bodies: list[dict[str, Any]]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for body in bodies:
        grouped.setdefault(contract_of(body), []).append(body)
    return grouped


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WORLD)


def test_every_webhook_is_documented_both_ways(world: World) -> None:
    delivered = by_contract(webhooks(world))
    assert set(delivered) == {"messages.order", "messages.text", "statuses"}
    assert len(delivered["messages.order"]) == len([o for s in world.shops_on("whatsapp")
                                                    for o in world.orders_of("whatsapp", s.shop_ref)])  # fmt: skip
    assert problems(delivered) == {name: [] for name in delivered}


def test_the_landed_pages_keep_only_documented_fields(world: World) -> None:
    landed = [json.loads(e.body) for body in webhooks(world) for e in events.prepare(json.dumps(body).encode())]
    values = [page["entry"][0]["changes"][0]["value"] for page in landed]
    assert values and all(len(v.get("messages", [])) + len(v.get("statuses", [])) == 1 for v in values)
    for name, pages in by_contract(landed).items():
        assert [p for page in pages for p in invented_fields(page, TREES[name]["tree"])] == [], name


def test_a_wrong_webhook_fails_the_check(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    honest = render.order_webhook

    def invented(*args: Any, **kwargs: Any) -> dict[str, Any]:
        body = honest(*args, **kwargs)
        message = body["entry"][0]["changes"][0]["value"]["messages"][0]
        message["timestamp"] = int(message["timestamp"])
        message["order"]["product_items"][0]["discount"] = 1000
        message["order"]["product_items"][0]["item_price"] = str(message["order"]["product_items"][0]["item_price"])
        body["entry"][0]["changes"][0]["value"]["contacts"][0]["phone"] = "+6281234567890"
        del message["order"]["product_items"][0]["currency"]
        return body

    monkeypatch.setattr(render, "order_webhook", invented)
    found = problems({"messages.order": by_contract(webhooks(world))["messages.order"]})["messages.order"]
    assert {
        f"{V}.messages[].order.product_items[].discount",
        f"{V}.contacts[].phone",
        f"all[].{V}.messages[].order.product_items[].currency",
    } <= set(found)
    assert any(p.startswith(f"{V}.messages[].timestamp=") for p in found)
    assert any(p.startswith(f"{V}.messages[].order.product_items[].item_price='") for p in found)
