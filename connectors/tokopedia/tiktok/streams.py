"""The four pulls of a TikTok-flavored shop.

* orders: ``orders/search`` by update time (page tokens) as the index, details in batches of ≤ 50 ids;
* settlements: daily statements whose ``statement_time`` falls in the window (the window start is taken
  back to 00:00 UTC, the statement granularity), then each statement's transactions, landed with the
  statement's ``payment_id`` as context (the documented link from a statement to the payment that pays it);
* wallet: balance records (``withdrawals`` with all four types), then payments, both by creation time;
* stock: ``products/search`` as the index, ``inventory/search`` per page of ≤ 100 products.
TikTok documents no maximum window (§6.4), so windows are not split. Declared for ``connectors.base.runner``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base.pagination import PageTokenPaginator
from connectors.base.protocol import ConnectorContext, FetchedPage
from connectors.base.runner import StreamRunner
from connectors.base.streams import (
    Details,
    Endpoint,
    Part,
    Scope,
    Stream,
    from_utc_midnight,
    nothing_to_fetch,
    snapshot,
    whole_window,
)
from connectors.base.windows import Window
from connectors.tokopedia.pages import field
from connectors.tokopedia.tiktok.client import DETAIL_BATCH, INVENTORY_BATCH, PLATFORM, TikTokClient
from connectors.tokopedia.tiktok.parse import scrub_personal_data


def _tokens() -> PageTokenPaginator:
    return PageTokenPaginator("page_token", next_cursor=lambda d: d["data"].get("next_page_token"))


def _statements(data: Any) -> list[Any]:
    """A statement list page's statements, each with its id (the key of its transactions)."""
    statements = field(data, "data", "statements")
    for statement in statements:
        field(statement, "id")
    return list(statements)


def statement_context(statement: dict[str, Any], _: Scope) -> dict[str, Any]:
    """A statement's transactions are landed with the statement's payment link (its ``payment_id``)."""
    return {"statement": {name: statement.get(name) for name in ("id", "payment_id", "payment_status")}}


def streams(client: TikTokClient) -> dict[str, Stream]:
    orders = Endpoint(
        "tts_order_search",
        lambda window, paging: client.search_orders(window.start_ts, window.end_ts, paging["page_token"]),
        paginator=_tokens,
        select=lambda data: [str(field(o, "id")) for o in field(data, "data", "orders")],
        details=Details(
            Endpoint("tts_order_detail", lambda ids, _: client.get_orders(ids), unreadable="land"), DETAIL_BATCH
        ),
    )
    # A transactions page that stays unreadable is landed for quarantine; the rest of its statement cannot be
    # reached without that page's token.
    transactions = Endpoint(
        "tts_statement_transactions",
        lambda statement, paging: client.get_statement_transactions(str(statement["id"]), paging["page_token"]),
        paginator=_tokens,
        select=lambda data: nothing_to_fetch(field(data, "data", "statement_transactions")),
        unreadable="land",
    )
    statements = Endpoint(
        "tts_statement_list",
        lambda window, paging: client.get_statements(window.start_ts, window.end_ts, paging["page_token"]),
        paginator=_tokens,
        select=_statements,
        details=Details(transactions, None, statement_context),
    )
    withdrawals = Endpoint(
        "tts_withdrawals",
        lambda window, paging: client.get_withdrawals(window.start_ts, window.end_ts, paging["page_token"]),
        paginator=_tokens,
        select=lambda data: nothing_to_fetch(field(data, "data", "withdrawals")),
    )
    payments = Endpoint(
        "tts_payments",
        lambda window, paging: client.get_payments(window.start_ts, window.end_ts, paging["page_token"]),
        paginator=_tokens,
        select=lambda data: nothing_to_fetch(field(data, "data", "payments")),
    )
    products = Endpoint(
        "tts_product_search",
        lambda _, paging: client.search_products(paging["page_token"]),
        paginator=_tokens,
        select=lambda data: [str(field(p, "id")) for p in field(data, "data", "products")],
        details=Details(
            Endpoint("tts_inventory", lambda ids, _: client.search_inventory(ids), unreadable="land"), INVENTORY_BATCH
        ),
    )
    return {
        "orders": Stream("orders", (Part(orders, whole_window),)),
        "settlements": Stream("settlements", (Part(statements, from_utc_midnight),)),
        # Balance records, then payments.
        "wallet": Stream("wallet", (Part(withdrawals, whole_window), Part(payments, whole_window))),
        "stock": Stream("stock", (Part(products, snapshot),)),
    }


class TikTokPulls:
    def __init__(self, context: ConnectorContext) -> None:
        self.client = TikTokClient(context)
        self.runner = StreamRunner(PLATFORM, scrub_personal_data)
        self.declared = streams(self.client)

    def check(self) -> None:
        """A token (granted or refreshed) and the shop's cipher: proves the credentials and the shop link."""
        self.client.shop_cipher(fresh=True)

    def pull(self, stream: str, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        return self.runner.pull(self.declared[stream], window, resume)
