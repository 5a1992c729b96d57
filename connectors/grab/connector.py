"""Grab (GrabFood / GrabMart merchants) connector.

Orders reach omnikop pushed (Submit Order, Push Order State → the webhook receiver); the list API is a
by-date backfill, not an update-time feed: ``pull("orders", window)`` lists every order of each merchant day
(Jakarta time) the window touches, page by page while ``more``. ``pull("settlements", window)`` reads the
same lists for ``merchantEarning``; settlement reports (files) complete them. ``refetch_orders`` re-reads
orders a state push named (≤10 ids per call). There is no ``stock`` stream: Grab has no partner-side "get menu"
(Grab pulls the menu from the partner's Get Menu endpoint and takes availability pushed to ``PUT /partner/v1/menu``
/ ``batch/menu``), so Grab stock comes from omnikop's own books, not from Grab.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from connectors.base.errors import InvalidPayload
from connectors.base.pagination import PageNumberPaginator
from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.runner import StreamRunner
from connectors.base.streams import Endpoint, Part, Stream, days_in
from connectors.base.webhooks import canonical_json, keep_only
from connectors.base.windows import Window
from connectors.grab import parse
from connectors.grab.client import MAX_ORDER_IDS, PLATFORM, RATE_LIMIT_PER_SECOND, GrabClient
from connectors.grab.events import ORDER_STATE_KIND, SUBMIT_ORDER, load

MERCHANT_DAY = timezone(timedelta(hours=7))  # the list API's ``date`` is the merchant's day (WIB) [I]


merchant_days = days_in(MERCHANT_DAY)  # every merchant day [start, end) touches (none for an empty window)


def _orders_listed(data: Any) -> list[Any]:
    """An order list page's rows are its records (nothing to fetch after it); without them it cannot be read."""
    if not isinstance(data.get("orders"), list):
        raise InvalidPayload("order list lacks 'orders'", platform=PLATFORM, endpoint="/partner/v1/orders")
    return []


class GrabConnector(Connector):
    platform = PLATFORM
    connection_type = "grab"
    streams = ("orders", "settlements")
    push_streams = ("orders", "settlements")
    rate_limit_per_second = RATE_LIMIT_PER_SECOND
    hint_kinds = frozenset({ORDER_STATE_KIND})

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self.client = GrabClient(context)
        self.runner = StreamRunner(PLATFORM, scrub_receivers)
        # Orders and settlements read the same by-day lists (settlements for ``merchantEarning``).
        listing = Endpoint(
            "order_list",
            lambda day, paging: self.client.list_orders(day, paging["page"]),
            paginator=lambda: PageNumberPaginator("page", has_more=lambda data: data.get("more")),
            select=_orders_listed,
        )
        self.declared = {name: Stream(name, (Part(listing, merchant_days),)) for name in ("orders", "settlements")}
        self.currency = str(context.connection.extra.get("currency") or "IDR")

    def check(self) -> None:
        """Token and merchant in one call Grab has: today's first order list page (Jakarta day)."""
        self.client.list_orders(datetime.now(MERCHANT_DAY).date(), 1)

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        if stream in self.declared:
            return self.runner.pull(self.declared[stream], window, resume)
        if stream == "stock":
            raise ValueError(
                "Grab has no menu/stock API to pull: Grab stock comes from omnikop's books (README § Stock)"
            )
        raise ValueError(f"unknown stream {stream!r}; Grab offers orders, settlements")

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse.parse_page(page, self.currency)

    def follow_ups(self, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        """State pushes name an order and nothing more: fetch the orders they name."""
        return self.refetch_orders(hinted_order_ids(pages))

    def refetch_orders(self, order_ids: Iterable[str]) -> Iterator[FetchedPage]:
        """Current state of the named orders (what a state push hinted at), ≤10 per call."""
        unique = list(dict.fromkeys(order_ids))
        for start in range(0, len(unique), MAX_ORDER_IDS):
            response = self.client.orders_by_ids(unique[start : start + MAX_ORDER_IDS])
            yield self.runner.page("orders", "order_list", response, None)


def hinted_order_ids(pages: list[LandedPage]) -> list[str]:
    """Orders named by landed state pushes, in landing order (a malformed push names none: it is quarantined)."""
    named: list[str] = []
    for page in pages:
        if page.kind != ORDER_STATE_KIND:
            continue
        try:
            named.append(str(load(page.body)["orderID"]))
        except (ValueError, KeyError, TypeError):
            continue
    return list(dict.fromkeys(named))


def scrub_receivers(body: bytes) -> bytes:
    """Listed orders carry ``receiver`` (name, phones, address): re-serialise them through the same allowlist
    the receiver applies to pushed orders (integers stay exact)."""
    try:
        data = load(body)
    except ValueError:
        return body  # unreadable: landed as received so its records are quarantined
    if not isinstance(data, dict) or not isinstance(data.get("orders"), list):
        return body
    return canonical_json({**data, "orders": [keep_only(order, SUBMIT_ORDER) for order in data["orders"]]})


CONNECTOR = GrabConnector
