"""The four pulls of a legacy (fs API) shop.

* orders: ``/v2/order/list`` in windows under 3 days, the list pages being the records (full orders); the
  list is bare, without a next-page flag, so a chunk ends at its first short page;
* settlements: saldo history in ≤ 31-day windows as the index; every row that names an invoice is landed
  together with its order (``context.saldo_entry``), since gross and order id live in the order, net in saldo,
  with the invoice's resolution tickets (``context.resolution_tickets``, read once per window from
  ``TICKET_LOOKBACK`` before it; the ticket answer is landed first) and the shop's PPh 22 rate
  (``context.pph22_bps``), so that parsing a landed page needs nothing else to itemise the sale credit;
* wallet: the saldo history rows themselves;
* stock: product info by shop, page by page until a short page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.base.errors import ConfigError, InvalidPayload
from connectors.base.http import ApiResponse
from connectors.base.protocol import ConnectorContext, FetchedPage
from connectors.base.windows import Window
from connectors.tokopedia.client_legacy import (
    MAX_ORDER_WINDOW,
    MAX_SALDO_WINDOW,
    PRODUCT_PAGE_SIZE,
    TICKET_LOOKBACK,
    LegacyClient,
)
from connectors.tokopedia.deductions_legacy import PPH22_STATUTORY_BPS, WIB
from connectors.tokopedia.pages import Pages, field
from connectors.tokopedia.parse_legacy import invoice_of, scrub_personal_data

log = logging.getLogger("omnikop.connectors")
MAX_UNREADABLE_PAGES = 3


def _last_second(window: Window) -> int:
    """The fs API's ``to_date`` is inclusive; our windows are half-open."""
    return max(window.start_ts, window.end_ts - 1)


def pph22_rate(value: Any) -> int:
    """The shop's PPh 22 rate in basis points (connection extra ``pph22_bps``), the statutory one if unset."""
    if value is None or value == "":
        return PPH22_STATUTORY_BPS
    rate = int(value) if isinstance(value, str) and value.isdigit() else value
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= 10_000:
        raise ConfigError(f"Tokopedia connection: extra.pph22_bps must be 0..10000 basis points, got {value!r}")
    return rate


def _rows(data: Any) -> list[Any]:
    """``data`` of a list endpoint: a list, or null when there is nothing."""
    rows = field(data, "data")
    if rows is not None and not isinstance(rows, list):
        raise InvalidPayload("response data is not a list", platform="tokopedia")
    return rows or []


def tickets_by_invoice(data: Any, shop_id: str) -> dict[str, list[Any]]:
    """The shop's tickets of a Get Resolution Ticket answer, by invoice number (``data.shops[].ticket[]``)."""
    shops = field(data, "data", "shops") or []
    if not isinstance(shops, list):
        raise InvalidPayload("resolution tickets: data.shops is not a list", platform="tokopedia")
    found: dict[str, list[Any]] = {}
    for shop in shops:
        if isinstance(shop, dict) and str(shop.get("shop_id")) == str(shop_id):
            for ticket in shop.get("ticket") or []:
                number = ticket.get("invoice_number") if isinstance(ticket, dict) else None
                found.setdefault(str(number), []).append(ticket)
    return found


class LegacyPulls:
    def __init__(self, context: ConnectorContext) -> None:
        self.client = LegacyClient(context)
        self.pages = Pages(scrub_personal_data)
        self.pph22_bps = pph22_rate(context.connection.extra.get("pph22_bps"))

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
        tickets: dict[str, list[Any]] = {}
        current: Window | None = None
        for chunk, listing, rows, after in self._saldo(window, resume):
            if chunk != current:
                current = chunk
                answer = self._tickets(chunk)
                yield self.pages.page("settlements", "fs_resolution_tickets", answer, None)
                tickets = tickets_by_invoice(answer.data, self.client.shop_id)
            entries = [row for row in rows if isinstance(row, dict) and invoice_of(row.get("note"))]
            yield from self.pages.with_records(
                "settlements",
                "fs_saldo_index",
                listing,
                entries,
                lambda entry: self.client.order_by_invoice(str(invoice_of(entry["note"]))),
                "fs_saldo_order",
                after,
                lambda entry, found=tickets: {
                    "saldo_entry": entry,
                    "resolution_tickets": found.get(str(invoice_of(entry["note"])), []),
                    "pph22_bps": self.pph22_bps,
                },
            )

    def _tickets(self, chunk: Window) -> ApiResponse:
        first = (chunk.start - TICKET_LOOKBACK).astimezone(WIB).date()
        last = datetime.fromtimestamp(_last_second(chunk), WIB).date()
        return self.client.resolution_tickets(first.isoformat(), last.isoformat())

    def wallet(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        for _, listing, _, after in self._saldo(window, resume):
            yield self.pages.page("wallet", "fs_saldo_history", listing, after)

    def _saldo(
        self, window: Window, resume: dict[str, Any]
    ) -> Iterator[tuple[Window, ApiResponse, list[Any], dict[str, Any]]]:
        """Each saldo page of the window with its chunk, and where to resume once it is landed."""
        chunks = list(window.split(MAX_SALDO_WINDOW))
        for index in range(resume.get("chunk", 0), len(chunks)):
            chunk, page = chunks[index], resume.get("page", 1) if index == resume.get("chunk") else 1
            while True:
                listing = self.client.saldo_history(chunk.start_ts, _last_second(chunk), page)
                rows = field(listing.data, "data", "saldo_history") or []
                more = bool(field(listing.data, "data").get("have_next_page"))
                after = {"chunk": index, "page": page + 1} if more else {"chunk": index + 1}
                yield chunk, listing, rows, after
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
