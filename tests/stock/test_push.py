"""Stock pushed to Shopee and TikTok Shop over real HTTP (sandboxes on loopback, both databases): the
documented calls, only changed quantities, request and answer landed, state per SKU and channel, and the
same channel quantities as a clean run after 429s, 5xx, timeouts and a SIGKILL between push and
acknowledgement."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from connectors.base.landing import RawPage
from connectors.base.sandbox.listings import OutOfStock
from connectors.base.windows import Window
from core_mapping.models import ProcessedPage
from foundation.db import make_engine, transaction
from stock.models import StockPush
from stock.push import push_shop
from sync.pipeline import FAULT_POINT_ENV, sync_shop
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


FAULTS = {
    "429 with Retry-After": {"rate_limit": 2},
    "5xx": {"server_errors": 2},
    "timeouts": {"slow": 2, "slow_seconds": 0.6},
    "connection reset": {"connection_resets": 1},
}


@pytest.mark.parametrize("switches", FAULTS.values(), ids=FAULTS.keys())
def test_push_under_faults_ends_equal_to_the_clean_run(engine, channels, tmp_path, switches):  # type: ignore[no-untyped-def]
    channels.setup_books(engine)
    config = channels.config()
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 5))
    for sandbox in channels.sandboxes.values():
        sandbox.state.faults.update(dict(switches))
    cycle(engine, channels, config)
    seen = {p: [r for r in s.state.requests if r.get("faults")] for p, s in channels.sandboxes.items()}
    assert all(seen.values()), f"the fault was never observed: {seen}"
    assert (channels.shown("shopee"), channels.shown("tokopedia")) == (5, 5)
    assert rows(engine) == {p: (5, "acknowledged", 5) for p in PLATFORMS}
    assert all(s.changed == 0 for s in cycle(engine, channels, config).values())


def _push_until_killed(db_url: str, config: dict, platform: str, shop: str, connection: str, flavor) -> None:  # type: ignore[no-untyped-def,type-arg]
    from foundation.config import parse_config
    from tests.reliability.bench import make_connector

    os.environ[FAULT_POINT_ENV] = "stock_pushed"
    engine = make_engine(db_url)
    push_shop(engine, parse_config(config), make_connector(platform, engine, shop, connection, flavor))


def test_sigkill_between_push_and_acknowledgement_pushes_the_same_quantity_again(engine, channels, tmp_path):  # type: ignore[no-untyped-def]
    channels.setup_books(engine)
    config = channels.config()
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 4))
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("forkserver")
    for platform in PLATFORMS:
        flavor = channels.world.shop(platform, channels.shop(platform)).flavor or None
        args = (url, channels.config_raw(), platform, channels.shop(platform), channels.connection(platform), flavor)
        child = context.Process(target=_push_until_killed, args=args)
        child.start()
        child.join(60)
        assert child.exitcode == -signal.SIGKILL
    assert (channels.shown("shopee"), channels.shown("tokopedia")) == (4, 4)  # the channels took it ...
    assert rows(engine) == {p: (4, "pending", None) for p in PLATFORMS}  # ... omnikop did not record it
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-2", PRODUCT, 1))  # meanwhile: one more unit
    again = cycle(engine, channels, config)
    assert all((s.changed, s.acknowledged) == (1, 1) for s in again.values())
    assert (channels.shown("shopee"), channels.shown("tokopedia")) == (5, 5)  # set, not 4 + 5 or 4 − …
    assert rows(engine) == {p: (5, "acknowledged", 5) for p in PLATFORMS}


FOOD = ("gojek", "grab")


def test_gofood_shows_in_or_out_of_stock_and_grab_the_quantity(engine, tmp_path):  # type: ignore[no-untyped-def]
    with serve_channels(FOOD) as food:
        food.setup_books(engine)
        config = food.config()
        book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 3))
        first = cycle(engine, food, config, FOOD)
        assert {p: (s.changed, s.acknowledged, s.failed) for p, s in first.items()} == {p: (1, 1, 0) for p in FOOD}, {
            p: s.failures for p, s in first.items()
        }
        assert food.shown("grab") == 3 and food.shown("gojek") == 9_999_999  # GoFood: in stock, no quantity
        assert rows(engine) == {"gojek": (1, "acknowledged", 1), "grab": (3, "acknowledged", 3)}
        with transaction(engine) as session:
            requests = {
                p.platform: json.loads(p.request)
                for p in session.scalars(select(RawPage).where(RawPage.stream == "stock_push"))
            }
        listing = food.listings["gojek"]
        assert requests["gojek"]["json"] == [{"external_id": listing.seller_sku, "in_stock": True}]
        assert requests["grab"]["json"]["menuEntities"] == [
            {"id": food.listings["grab"].seller_sku, "availableStatus": "AVAILABLE", "maxStock": 3}
        ]
        book_file(engine, config, tmp_path, "count", "count_ref,date,product_ref,counted\nC-1,2026-12-31,P-KOPI,2\n")
        second = cycle(engine, food, config, FOOD)  # 3 → 2: Grab's quantity changes, GoFood's "in stock" does not
        assert (second["grab"].changed, second["gojek"].changed) == (1, 0)
        book_file(engine, config, tmp_path, "count", "count_ref,date,product_ref,counted\nC-2,2026-12-31,P-KOPI,0\n")
        cycle(engine, food, config, FOOD)
        assert (food.shown("grab"), food.shown("gojek")) == (0, 0)
        with pytest.raises(OutOfStock):
            food.world.place_order("grab", food.shop("grab"), food.listings["grab"].sku_ref, 1, food.world.as_of)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_push_command_pushes_every_shop_and_says_what_it_did(db_url, engine, channels, tmp_path):  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    from connectors.base.connection import env_var_name

    channels.setup_books(engine)
    book_file(engine, channels.config(), tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 2))
    (tmp_path / "omnikop.yaml").write_text(yaml.safe_dump({"database": {"url": db_url}, **channels.config_raw()}))
    env = {**os.environ, "OMNIKOP_CONFIG": str(tmp_path / "omnikop.yaml")}
    env.pop("OMNIKOP_DATABASE_URL", None)
    env |= {env_var_name(f"{p}_{channels.shop(p)}"): channels.connection(p) for p in PLATFORMS}
    omnikop = str(Path(sys.executable).with_name("omnikop"))
    result = subprocess.run([omnikop, "stock", "push"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 changed, 1 acknowledged, 0 failed, 1 call(s)" in result.stdout
    assert (channels.shown("shopee"), channels.shown("tokopedia")) == (2, 2)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_legacy_tokopedia_shop_is_skipped_with_its_reason_not_failed(db_url, engine):  # type: ignore[no-untyped-def]
    from connectors.base.connection import connection_json
    from connectors.base.sandbox.catalog import sandbox_class
    from connectors.base.sandbox.world import World, WorldConfig
    from connectors.base.stock_push import PushUnsupported, stock_pusher
    from tests.reliability.bench import make_connector

    world = World.generate(WorldConfig(days=1, orders_per_day=1, platforms=("tokopedia",)))
    legacy = next(s for s in world.shops_on("tokopedia") if s.flavor == "legacy")
    sandbox = sandbox_class("tokopedia")(world)
    connection = connection_json(**sandbox.connection_for(legacy.shop_ref, "http://127.0.0.1:9"))
    connector = make_connector("tokopedia", engine, legacy.shop_ref, connection, "legacy")
    with pytest.raises(PushUnsupported, match="legacy fs_id API"):
        stock_pusher(connector)
