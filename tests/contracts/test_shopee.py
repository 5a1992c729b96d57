"""Shopee's sandbox answers as Shopee documents them, both ways, over real HTTP.

The connector pulls every stream from the sandbox on loopback while a response hook on its HTTP session keeps
every answer of every data endpoint it calls. Each answer is checked against the vendored documentation tree
(``tests/contracts/shopee/doc_trees.json``): no field the documentation does not list, and every field the
parser reads (``needed.json``) documented and present. A sandbox that drifts (an invented field, a dropped
needed one) fails here, which ``test_a_wrong_answer_fails_the_check`` proves.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.base.connection import connection_json, parse_connection
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.shopee import parse
from connectors.shopee.connector import ShopeeConnector
from connectors.shopee.sandbox import ShopeeSandbox, render
from foundation.db import Base, make_engine
from tests.contracts.fieldtree import answer_problems, load_trees

DATA = Path(__file__).parent / "shopee"
TREES = load_trees(DATA / "doc_trees.json")
NEEDED: dict[str, dict[str, list[str]]] = json.loads((DATA / "needed.json").read_text(encoding="utf-8"))
CORRECTIONS: dict[str, dict[str, Any]] = json.loads((DATA / "corrections.json").read_text(encoding="utf-8"))
AUTH = "/api/v2/auth/"
STREAMS = ("orders", "settlements", "wallet", "stock")
# Enough days and orders for returns, late refunds, several pages and products with and without models.
WORLD = WorldConfig(orders_per_day=14, days=20, platforms=("shopee",), late_refund_rate=0.2, return_rate=0.1)


def documented_tree(api: str) -> dict[str, list[str]]:
    """The documentation's tree for ``api`` with the named corrections of ``corrections.json`` applied."""
    tree = {path: list(fields) for path, fields in TREES[api]["tree"].items()}
    move = CORRECTIONS.get(api, {}).get("move")
    if move:
        old, new = move["from"], move["to"]
        moved = {path: fields for path, fields in tree.items() if path == old or path.startswith(f"{old}.")}
        for path, fields in moved.items():
            del tree[path]
            tree[new + path[len(old) :]] = fields
        parent, _, name = old.rpartition(".")
        tree[parent] = [field for field in tree[parent] if field != name]
        new_parent, _, new_name = new.rpartition(".")
        tree[new_parent] = [*tree[new_parent], new_name]
    return tree


API_BY_PATH = {entry["path"]: api for api, entry in TREES.items() if not entry["path"].startswith(AUTH)}


def capture(sandbox: ShopeeSandbox, db_url: str, days: int | None = None) -> dict[str, list[Any]]:
    """Every answer of every Shopee data endpoint the connector calls while it pulls all its streams."""
    answers: dict[str, list[Any]] = defaultdict(list)
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    shop = sandbox.shop_refs()[0]

    def keep(response: requests.Response, *_: Any, **__: Any) -> None:
        path = requests.utils.urlparse(response.url).path
        if not path.startswith(AUTH):
            answers[path].append(response.json())

    with SandboxServer(sandbox.app) as server:
        spec = parse_connection("shopee_contract", connection_json(**sandbox.connection_for(shop, server.url)))
        connector = ShopeeConnector(ConnectorContext(shop, spec, TokenStore(engine, "shopee", shop)))
        connector.client.http.session.hooks["response"].append(keep)
        connector.check()
        start = datetime.combine(sandbox.world.config.start, datetime.min.time(), UTC) - timedelta(days=1)
        window = Window(start, sandbox.world.as_of if days is None else start + timedelta(days=days))
        for stream in STREAMS:
            for _ in connector.pull(stream, window):
                pass
    return answers


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WORLD)


@pytest.fixture(scope="module")
def answers(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    return capture(ShopeeSandbox(world), f"sqlite:///{tmp_path_factory.mktemp('contract')}/omnikop.db")


def problems(answers: dict[str, list[Any]]) -> dict[str, list[str]]:
    """Per endpoint called: invented fields in any answer, and needed fields undocumented or absent."""
    found: dict[str, list[str]] = {}
    for path, bodies in answers.items():
        api = API_BY_PATH.get(path)
        if api is None:
            found[path] = ["the client calls an endpoint with no documented tree"]
            continue
        problems = answer_problems(bodies, documented_tree(api), NEEDED[api])
        if problems:
            found[api] = problems
    return found


def test_the_client_calls_every_documented_data_endpoint_and_only_those(answers: dict[str, list[Any]]) -> None:
    assert set(answers) == set(API_BY_PATH), "an endpoint went uncovered or undocumented"
    assert set(NEEDED) == set(API_BY_PATH.values())
    assert all(not body.get("error") for bodies in answers.values() for body in bodies)


def test_every_answer_is_documented_both_ways(answers: dict[str, list[Any]]) -> None:
    assert problems(answers) == {}


def test_the_escrow_batch_answers_a_documented_array(answers: dict[str, list[Any]]) -> None:
    """The finding itself: ``response`` is an array of ``{"escrow_detail": {...}}``, never ``order_income_list``."""
    bodies = answers["/api/v2/payment/get_escrow_detail_batch"]
    assert bodies and all(isinstance(body["response"], list) for body in bodies)
    details = [row["escrow_detail"] for body in bodies for row in body["response"]]
    assert details and all("order_adjustment" not in d["order_income"] for d in details)


def test_single_escrow_details_are_fetched_only_where_refunds_or_adjustments_exist(
    answers: dict[str, list[Any]],
) -> None:
    """Request counts stay sane: one ``get_escrow_detail`` per order with a return or a wallet adjustment."""
    batch = [
        row["escrow_detail"] for body in answers["/api/v2/payment/get_escrow_detail_batch"] for row in body["response"]
    ]
    singles = [body["response"] for body in answers["/api/v2/payment/get_escrow_detail"]]
    with_returns = {d["order_sn"] for d in batch if d["return_order_sn_list"]}
    adjusted = {
        t["order_sn"]
        for body in answers["/api/v2/payment/get_wallet_transaction_list"]
        for t in body["response"]["transaction_list"]
        if t["transaction_type"].startswith("ADJUSTMENT")
    }
    assert with_returns and adjusted, "the world must hold returns and late refunds for this check to mean anything"
    assert {s["order_sn"] for s in singles} == with_returns | adjusted
    assert len(singles) <= len(with_returns) + len(adjusted) < len(batch)
    assert any(s["order_income"]["order_adjustment"] for s in singles)


def test_the_parser_reads_only_fields_each_escrow_endpoint_documents() -> None:
    batch = set(documented_tree("v2.payment.get_escrow_detail_batch")["response[].escrow_detail.order_income"])
    single = set(documented_tree("v2.payment.get_escrow_detail")["response.order_income"])
    assert {name for name, _, _ in parse.BATCH_COMPONENTS} - batch == set()
    assert {name for name, _, _ in parse.DETAIL_COMPONENTS} - single == set()


def _wrapped(original: Callable[..., Any], change: Callable[[dict[str, Any]], None]) -> Callable[..., Any]:
    def render_changed(*args: Any, **kwargs: Any) -> Any:
        result = copy.deepcopy(original(*args, **kwargs))
        if result is not None:
            change(result)
        return result

    return render_changed


@pytest.mark.parametrize(
    ("target", "change", "expected"),
    [
        (
            "escrow_batch_row",
            lambda row: row["escrow_detail"].__setitem__("order_income_list", []),
            "invented response[].escrow_detail.order_income_list",
        ),
        (
            "escrow_batch_row",
            lambda row: row["escrow_detail"].pop("return_order_sn_list"),
            "missing response[].escrow_detail.return_order_sn_list",
        ),
        (
            "order_detail",
            lambda order: order.__setitem__("buyer_phone", "0812"),
            "invented response.order_list[].buyer_phone",
        ),
        (
            "escrow_detail",
            lambda detail: detail["order_income"].pop("escrow_amount_after_adjustment"),
            "missing response.order_income.escrow_amount_after_adjustment",
        ),
    ],
)
def test_a_wrong_answer_fails_the_check(
    target: str,
    change: Callable[[dict[str, Any]], None],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    world = World.generate(WORLD)
    monkeypatch.setattr(render, target, _wrapped(getattr(render, target), change))
    found = problems(capture(ShopeeSandbox(world), f"sqlite:///{tmp_path}/omnikop.db"))
    assert any(expected in problem for issues in found.values() for problem in issues), found
