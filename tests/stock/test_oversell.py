"""The oversell test: the last unit ordered on two channels in the same minute. Each channel showed 1, so both
buyers got it; after the next sync and push cycle every channel shows 0 and the second order is listed as
oversold (an exception ops can see), not lost (both databases, sandboxes over real HTTP)."""

from __future__ import annotations

from datetime import timedelta

from connectors.base.windows import Window
from foundation.db import transaction
from stock.levels import stock_rows
from stock.master import oversold_orders
from sync.pipeline import sync_shop
from tests.stock.books import book_file, receipt_csv
from tests.stock.channels import PRODUCT, serve_channels
from tests.stock.test_push import cycle


def test_last_unit_sold_twice_in_one_minute_zeroes_every_channel_and_lists_the_second_order(engine, tmp_path):  # type: ignore[no-untyped-def]
    with serve_channels() as channels:
        channels.setup_books(engine)
        config = channels.config()
        book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 1))
        cycle(engine, channels, config)
        assert (channels.shown("shopee"), channels.shown("tokopedia")) == (1, 1)

        minute = channels.world.as_of - timedelta(minutes=10)
        first = channels.world.place_order(
            "shopee", channels.shop("shopee"), channels.listings["shopee"].sku_ref, 1, minute
        )
        second = channels.world.place_order(
            "tokopedia",
            channels.shop("tokopedia"),
            channels.listings["tokopedia"].sku_ref,
            1,
            minute + timedelta(seconds=40),
        )
        window = Window(minute - timedelta(hours=1), channels.world.as_of)
        for platform in ("shopee", "tokopedia"):
            sync_shop(engine, config, channels.connector(engine, platform), window)
        cycle(engine, channels, config)

        assert (channels.shown("shopee"), channels.shown("tokopedia")) == (0, 0)
        with transaction(engine) as session:
            short = oversold_orders(session, config.stock)
            (row,) = [r for r in stock_rows(session, config) if r.position.product_ref == PRODUCT]
        assert [(r.platform, r.order_ref, units) for r, units in short] == [("tokopedia", second.order_ref, 1)]
        assert (row.position.on_hand, row.position.reserved, row.position.available, row.position.oversold) == (
            1,
            2,
            0,
            1,
        )
        assert first.order_ref != second.order_ref
