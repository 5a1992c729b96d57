"""A small cooperative for the stock tests: one member, two products sold on a Shopee and a TikTok Shop shop,
orders mapped and posted through the real mapper and ledger."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from connectors.base.landing import land_page
from connectors.base.protocol import FetchedPage
from connectors.base.records import Order, OrderLine, OrderStatus, RawRef
from core_mapping.csv_io import import_mappings
from core_mapping.mapper import ShopMapper
from core_mapping.policy import PolicyResolver
from foundation.config import OmnikopConfig, parse_config
from foundation.db import transaction
from members.csv_io import import_members
from stock.receipts import count, receive
from sync.posting import post_batch

SHOPS = {"shopee": "100001", "tokopedia": "200001"}
SKUS = {"P-KOPI": "SKU-KOPI", "P-GULA": "SKU-GULA"}
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta: every event falls on the same business day


def stock_config(**stock: object) -> OmnikopConfig:
    shops = [{"platform": p, "shop_ref": s, "conn_id": f"{p}_{s}"} for p, s in SHOPS.items()]
    return parse_config({"shops": shops, "stock": stock})


def setup_books(engine: Engine) -> dict[str, int]:
    """Members, products and SKU mappings; one landed page per shop for the orders to point at."""
    members = "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,active,\n"
    mapping = "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
    for platform, shop in SHOPS.items():
        for product, sku in SKUS.items():
            mapping += f"sku,{platform},{shop},{sku},,{product},{product.title()},0001,2020-01-01,,\n"
    pages = {}
    with transaction(engine) as session:
        import_members(session, io.StringIO(members))
        import_mappings(session, io.StringIO(mapping))
        for platform, shop in SHOPS.items():
            page = FetchedPage("orders", "test", {}, b"{}", 200, START)
            pages[platform] = land_page(session, platform, shop, page)[0]
    return pages


def order(
    platform: str, ref: str, product: str, quantity: int, status: OrderStatus, step: int, shipped: bool = False
) -> Order:
    moment = START + timedelta(seconds=step)
    line = OrderLine(SKUS[product], None, product, quantity, Decimal(10_000))
    return Order(
        platform,
        SHOPS[platform],
        ref,
        status,
        START,
        moment,
        "IDR",
        (line,),
        str(step),
        RawRef(1, ref),
        shipped_at=moment if shipped else None,
        returned_quantities=((SKUS[product], quantity),) if status is OrderStatus.RETURNED else (),
    )


def book_order(
    engine: Engine, config: OmnikopConfig, pages: dict[str, int], record: Order, *, shipped_at: datetime | None = None
) -> None:
    """Map and post ``record`` (``shipped_at``: the goods left then) through the real mapper and ledger."""
    if shipped_at is not None:
        record = replace(record, shipped_at=shipped_at)
    with transaction(engine) as session:
        mapper = ShopMapper(
            session, PolicyResolver.for_shop(config, record.platform, record.shop_ref), record.platform, record.shop_ref
        )
        batch = mapper.map([(pages[record.platform], record)])
        summary = post_batch(session, record.platform, record.shop_ref, batch)
    assert not summary.quarantined, summary


def book_file(engine: Engine, config: OmnikopConfig, tmp: Path, kind: str, text: str) -> tuple[int, int]:
    path = tmp / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    with transaction(engine) as session:
        result = (receive if kind == "receipt" else count)(session, path, config)
    return result.posted, result.unchanged


def receipt_csv(ref: str, product: str, quantity: int, day: str = "2026-03-02") -> str:
    return f"receipt_ref,date,product_ref,quantity\n{ref},{day},{product},{quantity}\n"


def count_csv(ref: str, product: str, counted: int, day: str = "2026-03-02") -> str:
    return f"count_ref,date,product_ref,counted\n{ref},{day},{product},{counted}\n"
