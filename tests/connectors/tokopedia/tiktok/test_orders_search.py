"""``POST /order/202309/orders/search``: every body filter is optional, as TikTok documents them (issue 18).

TikTok's Node SDK types the body (``Order202309GetOrderListRequestBody``: ``create_time_ge``, ``create_time_lt``,
``update_time_ge``, ``update_time_lt``, ``order_status``, …) with every field optional; no body at all is a
search over every order of the shop, paged like any other.
"""

from __future__ import annotations

from typing import Any

import pytest

from connectors.base.errors import InvalidRequest
from connectors.base.testing.conformance import KitEnv
from tests.connectors.tokopedia.conftest import shop_of

SEARCH = "/order/202309/orders/search"


def search_all(client: Any, body: Any, **params: Any) -> list[str]:
    """Every order id the search returns, following ``next_page_token`` to the end."""
    found, token = [], ""
    while True:
        answer = client._shop_call("POST", SEARCH, {"page_size": 7, "page_token": token, **params}, body).data
        found += [order["id"] for order in answer["data"]["orders"]]
        token = answer["data"]["next_page_token"]
        if not token:
            return found


@pytest.mark.parametrize("body", [None, {}], ids=["no-body", "empty-object"])
def test_a_search_without_filters_pages_through_every_order_of_the_shop(env: KitEnv, body):
    shop = shop_of(env.world, "tiktok")
    client = env.connector(shop).api.client  # type: ignore[union-attr]
    found = search_all(client, body)
    expected = {o.order_ref for o in env.world.orders_of("tokopedia", shop)}
    assert len(found) == len(expected) > 7 and set(found) == expected


def test_each_filter_is_optional_and_applies_alone(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    client = env.connector(shop).api.client  # type: ignore[union-attr]
    orders = env.world.orders_of("tokopedia", shop)
    middle = sorted(o.created_at for o in orders)[len(orders) // 2]
    since = int(middle.timestamp())
    created = set(search_all(client, {"create_time_ge": since}))
    assert created == {o.order_ref for o in orders if int(o.created_at.timestamp()) >= since}
    until = set(search_all(client, {"update_time_lt": since}))
    as_of = env.world.as_of
    assert until == {o.order_ref for o in orders if int(o.updated_at(as_of).timestamp()) < since}
    cancelled = set(search_all(client, {"order_status": "CANCELLED"}))
    assert cancelled == {o.order_ref for o in orders if o.status_at(as_of) == "CANCELLED"}


def test_default_order_is_newest_created_first_and_sort_fields_are_checked(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    client = env.connector(shop).api.client  # type: ignore[union-attr]
    newest_first = sorted(env.world.orders_of("tokopedia", shop), key=lambda o: (o.created_at, o.order_ref))[::-1]
    assert search_all(client, None) == [o.order_ref for o in newest_first]
    with pytest.raises(InvalidRequest):
        search_all(client, None, sort_field="price")
    with pytest.raises(InvalidRequest):
        search_all(client, {"update_time_ge": "yesterday"})
