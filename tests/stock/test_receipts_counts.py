"""Receipts and stock-takes: goods movements keyed by their document; reruns post nothing; bad files import
nothing; allocation rules and oversold orders (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from connectors.base.records import OrderStatus
from foundation.config import ChannelAllocation
from foundation.csv_import import ImportRejected
from foundation.db import transaction
from ledger.errors import IdempotencyConflict
from ledger.models import GoodsMovement
from stock.allocation import channel_quantity
from stock.levels import stock_rows
from stock.master import oversold_orders
from tests.stock.books import book_file, book_order, count_csv, order, receipt_csv, setup_books, stock_config


def movements(engine):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        query = select(GoodsMovement.idempotency_key, GoodsMovement.quantity, GoodsMovement.reason)
        return sorted(tuple(row) for row in session.execute(query.order_by(GoodsMovement.id)))


def test_receipt_posts_once_and_a_changed_quantity_is_refused(engine, tmp_path):  # type: ignore[no-untyped-def]
    setup_books(engine)
    config = stock_config()
    assert book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", "P-KOPI", 12)) == (1, 0)
    assert book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", "P-KOPI", 12)) == (0, 1)
    assert movements(engine) == [("stock:receipt:RCV-1:P-KOPI:store", 12, "CONSIGNMENT_RECEIVED")]
    with pytest.raises(IdempotencyConflict):
        book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", "P-KOPI", 13))


def test_principal_member_receipt_is_a_purchase(engine, tmp_path):  # type: ignore[no-untyped-def]
    setup_books(engine)
    config = stock_config().model_copy(
        update={"policy": stock_config().policy.model_copy(update={"model": "principal"})}
    )
    book_file(engine, config, tmp_path, "receipt", receipt_csv("PO-7", "P-GULA", 5))
    assert movements(engine) == [("stock:receipt:PO-7:P-GULA:store", 5, "PURCHASE_RECEIVED")]


def test_count_adjusts_to_the_counted_level_and_is_never_recomputed(engine, tmp_path):  # type: ignore[no-untyped-def]
    pages = setup_books(engine)
    config = stock_config()
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", "P-KOPI", 10))
    assert book_file(engine, config, tmp_path, "count", count_csv("OPN-1", "P-KOPI", 7)) == (1, 0)
    book_order(engine, config, pages, order("shopee", "O-1", "P-KOPI", 2, OrderStatus.SHIPPED, 5, shipped=True))
    assert book_file(engine, config, tmp_path, "count", count_csv("OPN-1", "P-KOPI", 7)) == (0, 1)
    assert book_file(engine, config, tmp_path, "count", count_csv("OPN-2", "P-KOPI", 5)) == (0, 1)  # matches
    assert [m for m in movements(engine) if m[2] == "STOCK_COUNT_ADJUSTMENT"] == [
        ("stock:count:OPN-1:P-KOPI:store", -3, "STOCK_COUNT_ADJUSTMENT")
    ]
    with transaction(engine) as session:
        (row,) = [r for r in stock_rows(session, config) if r.position.product_ref == "P-KOPI"]
    assert row.position.on_hand == 5


def test_a_bad_file_imports_nothing_and_names_every_line(engine, tmp_path):  # type: ignore[no-untyped-def]
    setup_books(engine)
    text = (
        "receipt_ref,date,product_ref,quantity\nR1,2026-03-02,P-KOPI,4\nR2,2026-13-01,P-TEH,-1\n,2026-03-02,P-GULA,x\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        book_file(engine, stock_config(), tmp_path, "receipt", text)
    message = str(rejected.value)
    for expected in (
        "line 3: date",
        "line 3: product 'P-TEH'",
        "line 3: quantity",
        "line 4: receipt_ref",
        "line 4: quantity",
    ):
        assert expected in message
    assert movements(engine) == []


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [("all", 0, 7), ("percentage", 50, 3), ("fixed", 5, 5), ("fixed", 10, 7), ("none", 0, 0)],
)
def test_allocation_rules(rule, value, expected):  # type: ignore[no-untyped-def]
    assert channel_quantity(7, ChannelAllocation(rule=rule, value=value)) == expected
    assert channel_quantity(0, ChannelAllocation(rule=rule, value=value)) == 0


def test_buffer_and_channel_rules_shape_what_each_channel_is_offered(engine, tmp_path):  # type: ignore[no-untyped-def]
    pages = setup_books(engine)
    config = stock_config(buffers={"P-KOPI": 2}, channels={"tokopedia": {"rule": "percentage", "value": 50}})
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", "P-KOPI", 10))
    book_order(engine, config, pages, order("shopee", "O-1", "P-KOPI", 3, OrderStatus.PAID, 1))
    with transaction(engine) as session:
        (row,) = [r for r in stock_rows(session, config) if r.position.product_ref == "P-KOPI"]
    assert (row.position.on_hand, row.position.reserved, row.position.available) == (10, 3, 5)
    assert row.channels == {"shopee:100001": 5, "tokopedia:200001": 2}


def test_the_order_beyond_the_last_unit_is_listed_as_oversold(engine, tmp_path):  # type: ignore[no-untyped-def]
    pages = setup_books(engine)
    config = stock_config()
    book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", "P-KOPI", 1))
    book_order(engine, config, pages, order("shopee", "S-1", "P-KOPI", 1, OrderStatus.PAID, 1))
    book_order(engine, config, pages, order("tokopedia", "T-1", "P-KOPI", 1, OrderStatus.PAID, 2))
    with transaction(engine) as session:
        short = oversold_orders(session, config.stock)
        (row,) = [r for r in stock_rows(session, config) if r.position.product_ref == "P-KOPI"]
    assert [(r.platform, r.order_ref, units) for r, units in short] == [("tokopedia", "T-1", 1)]
    assert (row.position.available, row.position.oversold) == (0, 1)


def test_the_migration_creates_exactly_the_stock_push_table_of_the_model(engine):  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from omnikop.schema import metadata

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = [diff for diff in compare_metadata(context, metadata) if "stock_pushes" in str(diff)]
    assert drift == []
