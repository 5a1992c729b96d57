"""Receipts, counts, sales, returns and cancellations in any order move the stock correctly.

Random event sequences run through the real path (receipt/count files → goods movements; orders → the real
mapper and ledger; reserved from the document store) and are compared after every event with a model kept
by hand. Buyers order only what the channel shows, as the sandboxes' worlds enforce.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base.records import OrderStatus
from foundation.db import make_engine, transaction
from stock.levels import stock_rows
from tests.stock.books import book_file, book_order, count_csv, order, receipt_csv, setup_books, stock_config

EVENT = st.one_of(
    st.tuples(st.just("receive"), st.integers(1, 5)),
    st.tuples(st.just("count"), st.integers(0, 8)),
    st.tuples(st.just("order"), st.sampled_from(["shopee", "tokopedia"]), st.integers(1, 3)),
    st.tuples(st.just("ship"), st.integers(0, 9)),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("return"), st.integers(0, 9)),
)
PRODUCT = "P-KOPI"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(EVENT, min_size=1, max_size=14))
def test_available_is_on_hand_minus_reserved_and_never_negative(events, sqlite_template: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("stock")
    shutil.copy(sqlite_template, tmp / "omnikop.db")
    engine = make_engine(f"sqlite:///{tmp / 'omnikop.db'}")
    config = stock_config()
    pages = setup_books(engine)
    on_hand, orders = 0, []  # the model: units on the shelf; [platform, ref, quantity, state]
    for step, event in enumerate(events, start=1):
        kind = event[0]
        if kind == "receive":
            book_file(engine, config, tmp, "receipt", receipt_csv(f"R{step}", PRODUCT, event[1]))
            on_hand += event[1]
        elif kind == "count" and event[1] >= sum(o[2] for o in orders if o[3] == "open"):
            book_file(engine, config, tmp, "count", count_csv(f"C{step}", PRODUCT, event[1]))
            on_hand = event[1]
        elif kind == "order":
            shown = _row(engine, config).channels[f"{event[1]}:{'100001' if event[1] == 'shopee' else '200001'}"]
            if event[2] <= shown:
                orders.append([event[1], f"O{step}", event[2], "open"])
                book_order(
                    engine, config, pages, order(event[1], f"O{step}", PRODUCT, event[2], OrderStatus.PAID, step)
                )
        elif kind in ("ship", "cancel", "return") and orders:
            target = orders[event[1] % len(orders)]
            platform, ref, quantity, state = target
            if kind == "ship" and state == "open":
                book_order(
                    engine, config, pages, order(platform, ref, PRODUCT, quantity, OrderStatus.SHIPPED, step, True)
                )
                target[3], on_hand = "shipped", on_hand - quantity
            elif kind == "cancel" and state == "open":
                book_order(engine, config, pages, order(platform, ref, PRODUCT, quantity, OrderStatus.CANCELLED, step))
                target[3] = "cancelled"
            elif kind == "return" and state == "shipped":
                book_order(
                    engine, config, pages, order(platform, ref, PRODUCT, quantity, OrderStatus.RETURNED, step, True)
                )
                target[3], on_hand = "returned", on_hand + quantity
        reserved = sum(o[2] for o in orders if o[3] == "open")
        row = _row(engine, config)
        position = row.position
        assert (position.on_hand, position.reserved) == (on_hand, reserved), (step, event)
        assert position.available == on_hand - reserved >= 0, (step, event)
        assert set(row.channels.values()) == {position.available}
    engine.dispose()


def _row(engine, config):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        rows = [row for row in stock_rows(session, config) if row.position.product_ref == PRODUCT]
    if not rows:
        from stock.allocation import Position
        from stock.levels import StockRow

        return StockRow(Position(PRODUCT, "store", 0, 0), "0001", {"shopee:100001": 0, "tokopedia:200001": 0})
    assert len(rows) == 1
    return rows[0]
