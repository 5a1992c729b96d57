"""Grab's Get Menu, served by omnikop's receiver over real HTTP: Grab's token, the documented menu shape, and the
same quantity a push sets (both databases)."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from unittest import mock

import requests

from connectors.base.connection import env_var_name
from connectors.base.landing import land_page
from connectors.base.protocol import FetchedPage
from connectors.base.records import Order, OrderLine, OrderStatus, RawRef
from connectors.base.sandbox.server import SandboxServer
from connectors.base.webhooks import PushShop, Receiver, build_app
from foundation.db import transaction
from stock.menu import stock_source
from tests.stock.books import START, book_file, book_order, receipt_csv
from tests.stock.channels import PRODUCT, serve_channels
from tests.stock.test_push import cycle


def test_get_menu_answers_grab_with_the_pushed_quantity(engine, tmp_path):  # type: ignore[no-untyped-def]
    with serve_channels(("grab",)) as grab:
        grab.setup_books(engine)
        config = grab.config()
        listing, shop = grab.listings["grab"], grab.shop("grab")
        with transaction(engine) as session:
            page, _ = land_page(session, "grab", shop, FetchedPage("orders", "test", {}, b"{}", 200, START))
        line = OrderLine(listing.sku_ref, listing.seller_sku, listing.name, 1, Decimal(35_000))
        sold = Order("grab", shop, "G-1", OrderStatus.COMPLETED, START, START, "IDR", (line,), "1", RawRef(page, "G-1"))
        book_order(engine, config, {"grab": page}, sold, shipped_at=START)
        book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 6))
        cycle(engine, grab, config, ("grab",))
        connection = grab.sandboxes["grab"].connection_for(shop, grab.urls["grab"])
        receiver = Receiver(engine, [PushShop("grab", shop, "grab_menu")])
        receiver.stock_source = stock_source(engine, config)
        env = {env_var_name("grab_menu"): json.dumps(connection)}
        with mock.patch.dict(os.environ, env), SandboxServer(build_app(receiver)) as server:
            extra = connection["extra"]
            token = requests.post(
                f"{server.url}/webhooks/grab/oauth/token",
                json={"client_id": extra["push_client_id"], "client_secret": extra["push_client_secret"]},
                timeout=10,
            ).json()["access_token"]
            refused = requests.get(f"{server.url}/webhooks/grab/menu", params={"merchantID": shop}, timeout=10)
            menu = requests.get(
                f"{server.url}/webhooks/grab/menu",
                params={"merchantID": shop, "partnerMerchantID": "coop-1"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            ).json()
    assert refused.status_code == 401
    assert menu["merchantID"] == shop and menu["currency"] == {"code": "IDR", "symbol": "Rp", "exponent": 2}
    (category,) = menu["categories"]
    assert category["sellingTimeID"] == menu["sellingTimes"][0]["id"]
    # 6 received − 1 sold and shipped = 5, the same number the push set on Grab
    assert category["items"] == [
        {
            "id": listing.seller_sku,
            "name": "Kopi Gayo",
            "availableStatus": "AVAILABLE",
            "price": 3_500_000,
            "maxStock": 5,
        }
    ]
    assert grab.shown("grab") == 5
