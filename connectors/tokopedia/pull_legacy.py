"""The four pulls of a legacy (fs API) shop.

* orders: ``/v2/order/list`` in windows under 3 days, the list pages being the records (full orders); the
  list is bare, without a next-page flag, so a chunk ends at its first short page;
* settlements: saldo history in ≤ 31-day windows as the index; every row that names an invoice is landed
  together with its order (``context.saldo_entry``), since gross and order id live in the order, net in saldo;
* wallet: the saldo history rows themselves;
* stock: product info by shop, page by page until a short page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse
from connectors.base.protocol import ConnectorContext, FetchedPage
from connectors.base.windows import Window
from connectors.tokopedia.client_legacy import (
    MAX_ORDER_WINDOW,
    MAX_SALDO_WINDOW,
    PRODUCT_PAGE_SIZE,
    LegacyClient,
)
from connectors.tokopedia.pages import Pages, field
from connectors.tokopedia.parse_legacy import invoice_of, scrub_personal_data

log = logging.getLogger("omnikop.connectors")
MAX_UNREADABLE_PAGES = 3


def _last_second(window: Window) -> int:
    """The fs API's ``to_date`` is inclusive; our windows are half-open."""
    return max(window.start_ts, window.end_ts - 1)


def _rows(data: Any) -> list[Any]:
    """``data`` of a list endpoint: a list, or null when there is nothing."""
    rows = field(data, "data")
    if rows is not None and not isinstance(rows, list):
        raise InvalidPayload("response data is not a list", platform="tokopedia")
    return rows or []


class LegacyPulls:
    def __init__(self, context: ConnectorContext) -> None:
        self.client = LegacyClient(context)
        self.pages = Pages(scrub_personal_data)

    def check(self) -> None:
        """A token (only if none is valid) and the shop's info: proves the credentials and the shop link."""
        self.client.shop_info()

    def pull(self, stream: str, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        pulls = {"orders": self.orders, "settlements": self.settlements, "wallet": self.wallet, "stock": self.stock}
        return pulls[stream](window, resume)

    def orders(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        chunks = list(window.split(MAX_ORDER_WINDOW))
        for index in range(resume.get("chunk", 0), len(chunks)):
            first = resume.get("page", 1) if index == resume.get("chunk") else 1
            yield from self._order_chunk(index, chunks[index], first)

    def _order_chunk(self, index: int, chunk: Window, page: int) -> Iterator[FetchedPage]:
        """The list pages of one < 3-day chunk, up to its first short page.

        Page numbers do not depend on the page before, so an unreadable page is landed (its records go to
        quarantine) and the next one is asked for; after ``MAX_UNREADABLE_PAGES`` in a row the chunk is given
        up with a warning, the landed pages showing what is missing."""
        unreadable = 0
        while True:
            try:
                listing = self.client.order_list(chunk.start_ts, _last_second(chunk), page)
                done = len(_rows(listing.data)) < self.client.order_page_size
            except InvalidPayload as error:
                unreadable += 1
                give_up = unreadable >= MAX_UNREADABLE_PAGES
                after = {"chunk": index + 1} if give_up else {"chunk": index, "page": page + 1}
                request = {"path": error.endpoint, "window": chunk.key(), "page": page}
                yield self.pages.unreadable("orders", "fs_order_list", error, request, after)
                if give_up:
                    log.warning("tokopedia order list %s: %d unreadable pages in a row", chunk.key(), unreadable)
                    return
                page += 1
                continue
            unreadable = 0
            yield self.pages.page(
                "orders", "fs_order_list", listing, {"chunk": index + 1} if done else {"chunk": index, "page": page + 1}
            )
            if done:
                return
            page += 1

    def settlements(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        for listing, rows, after in self._saldo(window, resume):
            entries = [row for row in rows if isinstance(row, dict) and invoice_of(row.get("note"))]
            yield from self.pages.with_records(
                "settlements",
                "fs_saldo_index",
                listing,
                entries,
                lambda entry: self.client.order_by_invoice(str(invoice_of(entry["note"]))),
                "fs_saldo_order",
                after,
                lambda entry: {"saldo_entry": entry},
            )

    def wallet(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        for listing, _, after in self._saldo(window, resume):
            yield self.pages.page("wallet", "fs_saldo_history", listing, after)

    def _saldo(self, window: Window, resume: dict[str, Any]) -> Iterator[tuple[ApiResponse, list[Any], dict[str, Any]]]:
        """Each saldo page of the window, with where to resume once it is landed."""
        chunks = list(window.split(MAX_SALDO_WINDOW))
        for index in range(resume.get("chunk", 0), len(chunks)):
            chunk, page = chunks[index], resume.get("page", 1) if index == resume.get("chunk") else 1
            while True:
                listing = self.client.saldo_history(chunk.start_ts, _last_second(chunk), page)
                rows = field(listing.data, "data", "saldo_history") or []
                more = bool(field(listing.data, "data").get("have_next_page"))
                after = {"chunk": index, "page": page + 1} if more else {"chunk": index + 1}
                yield listing, rows, after
                if not more:
                    break
                page += 1

    def stock(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        """Stock is a snapshot: the window does not apply; every product of the shop is read."""
        page = resume.get("page", 1)
        while True:
            listing = self.client.product_info(page)
            done = len(_rows(listing.data)) < PRODUCT_PAGE_SIZE
            yield self.pages.page("stock", "fs_product_info", listing, None if done else {"page": page + 1})
            if done:
                return
            page += 1
