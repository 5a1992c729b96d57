"""Shopee's documented errors, defaults and paging, and its documented escrow shape, over real HTTP on loopback.

Each test is one finding of issue 18: garbage cursors answer the error envelope (never a bare HTTP 500), the
wallet's >15-day window is ``time_period_too_large``, ``page_size``/``page_no`` are optional with their documented
defaults, the client pages the wallet from its documented first page (0), and a batch escrow answer in the
documented array shape books settlements.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from connectors.base.connection import connection_json, parse_connection
from connectors.base.errors import InvalidRequest
from connectors.base.http import Call, RetryBudget
from connectors.base.protocol import ConnectorContext, LandedPage
from connectors.base.records import Rejected, Settlement
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.truth import world_summary
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.shopee.connector import ShopeeConnector
from connectors.shopee.parse import parse_page
from connectors.shopee.sandbox import ShopeeSandbox
from foundation.db import Base, make_engine

ONE_TRY = RetryBudget(attempts=1, seconds=5, backoff_initial=0.01, backoff_max=0.01)


@pytest.fixture(scope="module")
def shopee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ShopeeSandbox, ShopeeConnector]]:
    world = World.generate(WorldConfig(orders_per_day=12, days=14, platforms=("shopee",)))
    sandbox = ShopeeSandbox(world)
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('shopee')}/omnikop.db")
    Base.metadata.create_all(engine)
    shop = sandbox.shop_refs()[0]
    with SandboxServer(sandbox.app) as server:
        connection = {**sandbox.connection_for(shop, server.url)}
        connection["extra"] = {**connection["extra"], "page_size": 7}  # several wallet pages
        spec = parse_connection("shopee_doc", connection_json(**connection))
        context = ConnectorContext(shop, spec, TokenStore(engine, "shopee", shop), budget=ONE_TRY)
        yield sandbox, ShopeeConnector(context)


def _window(world: World, days: int) -> dict[str, int]:
    start = int(datetime.combine(world.config.start, datetime.min.time(), UTC).timestamp())
    return {"from": start, "to": start + days * 86400}


def _call(connector: ShopeeConnector, path: str, params: dict[str, object]) -> dict[str, object]:
    return connector.client.http.call(Call("GET", path, params)).data


@pytest.mark.parametrize("cursor", ["garbage", "-5", "１２", "20;drop"])
def test_a_garbage_cursor_is_an_error_envelope_not_a_server_error(
    shopee: tuple[ShopeeSandbox, ShopeeConnector], cursor: str
) -> None:
    sandbox, connector = shopee
    span = _window(sandbox.world, 10)
    params = {"time_range_field": "update_time", "time_from": span["from"], "time_to": span["to"], "page_size": 20}
    with pytest.raises(InvalidRequest) as raised:
        _call(connector, "/api/v2/order/get_order_list", {**params, "cursor": cursor})
    assert raised.value.platform_code == "error_param" and raised.value.request_id
    assert raised.value.http_status < 500


def test_a_wallet_window_over_15_days_is_time_period_too_large(shopee: tuple[ShopeeSandbox, ShopeeConnector]) -> None:
    sandbox, connector = shopee
    span = _window(sandbox.world, 16)
    params = {"create_time_from": span["from"], "create_time_to": span["to"], "page_no": 0, "page_size": 10}
    with pytest.raises(InvalidRequest) as raised:
        _call(connector, "/api/v2/payment/get_wallet_transaction_list", params)
    assert raised.value.platform_code == "time_period_too_large"
    inverted = {**params, "create_time_from": span["to"], "create_time_to": span["from"]}
    with pytest.raises(InvalidRequest) as raised:
        _call(connector, "/api/v2/payment/get_wallet_transaction_list", inverted)
    assert raised.value.platform_code == "time_invalid"


def test_escrow_list_page_size_and_page_no_are_optional(shopee: tuple[ShopeeSandbox, ShopeeConnector]) -> None:
    sandbox, connector = shopee
    span = _window(sandbox.world, 15)
    params = {"release_time_from": span["from"], "release_time_to": span["to"]}
    answer = _call(connector, "/api/v2/payment/get_escrow_list", params)["response"]
    first = _call(connector, "/api/v2/payment/get_escrow_list", {**params, "page_no": 1, "page_size": 40})
    assert len(answer["escrow_list"]) == 40 and answer["more"]  # documented default page_size 40, page_no 1
    assert answer == first["response"]


def test_wallet_page_no_is_optional_and_counts_from_zero(shopee: tuple[ShopeeSandbox, ShopeeConnector]) -> None:
    sandbox, connector = shopee
    span = _window(sandbox.world, 15)
    params = {"create_time_from": span["from"], "create_time_to": span["to"], "page_size": 5}
    default = _call(connector, "/api/v2/payment/get_wallet_transaction_list", params)["response"]
    zero = _call(connector, "/api/v2/payment/get_wallet_transaction_list", {**params, "page_no": 0})["response"]
    one = _call(connector, "/api/v2/payment/get_wallet_transaction_list", {**params, "page_no": 1})["response"]
    assert default == zero and default["transaction_list"] and zero["more"]
    assert one["transaction_list"] and one["transaction_list"] != zero["transaction_list"]


def test_the_wallet_is_paged_from_page_zero_and_nothing_is_skipped(
    shopee: tuple[ShopeeSandbox, ShopeeConnector],
) -> None:
    sandbox, connector = shopee
    world, shop = sandbox.world, connector.shop_ref
    start = datetime.combine(world.config.start, datetime.min.time(), UTC) - timedelta(days=1)
    before = len(sandbox.state.requests_to("get_wallet_transaction_list"))
    pages = list(connector.pull("wallet", Window(start, world.as_of)))
    requests = sandbox.state.requests_to("get_wallet_transaction_list")[before:]
    assert requests[0]["params"]["page_no"] == "0"
    rows = [row for page in pages for row in json.loads(page.body)["response"]["transaction_list"]]
    assert len(rows) == sum(world_summary(world, "shopee", shop, "wallet").values()) > 7


def _landed(kind: str, body: dict[str, object], context: dict[str, object] | None = None) -> LandedPage:
    request = {"context": context} if context else {}
    raw = json.dumps(body).encode()
    return LandedPage(1, "shopee", "880000101", "settlements", kind, request, raw, datetime.now(UTC))


def test_a_documented_escrow_batch_answer_books_its_settlement() -> None:
    """The shape of Shopee's documentation (not of the sandbox): before the fix this booked nothing."""
    income = {
        "escrow_amount": 90000.0,
        "cost_of_goods_sold": 100000.0,
        "commission_fee": 6000.0,
        "service_fee": 4000.0,
        "items": [{"item_id": 11, "model_id": 0, "discounted_price": 100000.0}],
    }
    row = {"order_sn": "2601019ABC", "buyer_user_name": "x", "return_order_sn_list": [], "order_income": income}
    body = {"error": "", "message": "", "request_id": "r", "response": [{"escrow_detail": row}]}
    page = _landed("escrow_detail", body, {"escrow_release_time": {"2601019ABC": 1767225600}})
    records = list(parse_page(page))
    assert [type(r) for r in records] == [Settlement], records
    settlement = records[0]
    assert isinstance(settlement, Settlement)
    assert (settlement.order_ref, settlement.gross, settlement.net) == ("2601019ABC", 100000, 90000)


def test_an_order_with_returns_is_booked_from_get_escrow_detail_not_the_batch() -> None:
    """The batch documents no refund: its row for a returned order is left to that order's get_escrow_detail page."""
    income = {"escrow_amount": 40000.0, "cost_of_goods_sold": 50000.0, "commission_fee": 0.0, "items": []}
    row = {"order_sn": "A1", "return_order_sn_list": ["A1R1"], "order_income": income}
    batch = _landed("escrow_detail", {"error": "", "response": [{"escrow_detail": row}]}, {"escrow_release_time": {}})
    assert list(parse_page(batch)) == []
    detail_income = {
        **income,
        "seller_return_refund": -10000.0,
        "order_adjustment": [{"amount": -5000.0, "date": 1767225600, "currency": "IDR", "adjustment_reason": "x"}],
        "escrow_amount_after_adjustment": 35000.0,
    }
    detail = _landed("escrow_order", {"error": "", "response": {"order_sn": "A1", "order_income": detail_income}})
    records = list(parse_page(detail))
    assert not any(isinstance(r, Rejected) for r in records), records
    assert [(r.net, r.revision) for r in records if isinstance(r, Settlement)] == [(35000, "1")]
