"""Shopee's four pulled streams, declared for ``connectors.base.runner``.

Each window is walked in ≤15-day slices (Shopee's limit); list pages are landed, then their details in batches of
≤50 (``DETAIL_BATCH``).

* orders: ``get_order_list`` by update time (cursor), then ``get_order_detail``;
* settlements: ``get_escrow_list`` by release time (page numbers from 1), then ``get_escrow_detail_batch`` with
  each order's release time as context, then ``get_escrow_detail`` one by one for the orders with returns (their
  refund and adjustments are documented only there); then the wallet's adjustment transactions, each named
  order's ``get_escrow_detail``: escrows adjusted after release (refunds after completion) are not listed again by
  release time;
* wallet: ``get_wallet_transaction_list`` (page numbers from 0);
* stock: ``get_item_list`` (offset), ``get_item_base_info`` per batch, ``get_model_list`` for items with models.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from connectors.base.pagination import CursorPaginator, OffsetPaginator, PageNumberPaginator, page_field
from connectors.base.streams import Details, Endpoint, Part, Scope, Stream, nothing_to_fetch, snapshot, split_by
from connectors.shopee.client import (
    DETAIL_BATCH,
    ESCROW_FIRST_PAGE,
    MAX_WINDOW,
    PLATFORM,
    WALLET_FIRST_PAGE,
    ShopeeClient,
)
from connectors.shopee.statuses import ADJUSTMENT_TYPES

field = partial(page_field, PLATFORM)


def _more(data: Any) -> Any:
    return data["response"].get("more")


def _pages_from(first: int) -> PageNumberPaginator:
    return PageNumberPaginator("page_no", has_more=_more, first=first)


def returned_orders(data: Any) -> list[str]:
    """Orders of a ``get_escrow_detail_batch`` answer that have returns: their refund and adjustments are
    documented only by ``get_escrow_detail``. Read leniently: a malformed row is the parser's to quarantine."""
    rows = data.get("response") if isinstance(data, dict) else None
    found = []
    for row in rows if isinstance(rows, list) else []:
        detail = row.get("escrow_detail") if isinstance(row, dict) else None
        if isinstance(detail, dict) and detail.get("return_order_sn_list") and detail.get("order_sn"):
            found.append(str(detail["order_sn"]))
    return list(dict.fromkeys(found))


def release_times(group: list[str], scope: Scope) -> dict[str, Any]:
    """The listed release time of each order of ``group`` (``get_escrow_list`` has it, the details do not)."""
    released = {str(field(e, "order_sn")): field(e, "escrow_release_time") for e in _escrows(scope.listing)}
    return {"escrow_release_time": {sn: time for sn, time in released.items() if sn in group}}


def _escrows(data: Any) -> list[Any]:
    return field(data, "response", "escrow_list")


def _adjusted_orders(data: Any) -> list[str]:
    return [
        str(t["order_sn"])
        for t in field(data, "response", "transaction_list")
        if t.get("transaction_type") in ADJUSTMENT_TYPES and t.get("order_sn")
    ]


def _models_wanted(data: Any) -> list[str]:
    return [str(i["item_id"]) for i in field(data, "response", "item_list") if i.get("has_model")]


def streams(client: ShopeeClient) -> dict[str, Stream]:
    slices = split_by(MAX_WINDOW)
    escrow_order = Endpoint("escrow_order", lambda group, _: client.get_escrow_detail(group[0]), unreadable="land")
    orders = Endpoint(
        "order_list",
        lambda chunk, paging: client.get_order_list(chunk.start_ts, chunk.end_ts - 1, paging["cursor"]),
        paginator=lambda: CursorPaginator(
            "cursor", next_cursor=lambda d: d["response"].get("next_cursor"), has_more=_more
        ),
        select=lambda data: [str(field(o, "order_sn")) for o in field(data, "response", "order_list")],
        details=Details(
            Endpoint("order_detail", lambda group, _: client.get_order_detail(group), unreadable="land"), DETAIL_BATCH
        ),
    )
    escrows = Endpoint(
        "escrow_list",
        lambda chunk, paging: client.get_escrow_list(chunk.start_ts, chunk.end_ts - 1, paging["page_no"]),
        paginator=lambda: _pages_from(ESCROW_FIRST_PAGE),
        select=lambda data: [str(field(e, "order_sn")) for e in _escrows(data)],
        details=Details(
            Endpoint(
                "escrow_detail",
                lambda group, _: client.get_escrow_detail_batch(group),
                select=returned_orders,
                details=Details(escrow_order, 1, release_times),
                unreadable="land",
            ),
            DETAIL_BATCH,
            release_times,
        ),
    )
    adjustments = Endpoint(
        "adjustment_scan",
        lambda chunk, paging: client.get_wallet_transactions(chunk.start_ts, chunk.end_ts - 1, paging["page_no"]),
        paginator=lambda: _pages_from(WALLET_FIRST_PAGE),
        select=_adjusted_orders,
        details=Details(escrow_order, 1),
    )
    wallet = Endpoint(
        "wallet_list",
        lambda chunk, paging: client.get_wallet_transactions(chunk.start_ts, chunk.end_ts - 1, paging["page_no"]),
        paginator=lambda: _pages_from(WALLET_FIRST_PAGE),
        select=lambda data: nothing_to_fetch(field(data, "response", "transaction_list")),
    )
    stock = Endpoint(
        "item_list",
        lambda _, paging: client.get_item_list(paging["offset"]),
        paginator=lambda: OffsetPaginator(
            "offset",
            has_next=lambda d: d["response"].get("has_next_page"),
            next_offset=lambda d: d["response"].get("next_offset"),
        ),
        select=lambda data: [str(field(i, "item_id")) for i in field(data, "response").get("item", [])],
        details=Details(
            Endpoint(
                "item_base_info",
                lambda group, _: client.get_item_base_info(group),
                select=_models_wanted,
                details=Details(Endpoint("model_list", lambda group, _: client.get_model_list(group[0])), 1),
            ),
            DETAIL_BATCH,
        ),
    )
    return {
        "orders": Stream("orders", (Part(orders, slices),)),
        "settlements": Stream(
            "settlements", (Part(escrows, slices, "escrow"), Part(adjustments, slices, "adjustments"))
        ),
        "wallet": Stream("wallet", (Part(wallet, slices),)),
        "stock": Stream("stock", (Part(stock, snapshot),)),
    }
