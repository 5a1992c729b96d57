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

Declared for ``connectors.base.runner``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.base.errors import ConfigError, InvalidPayload
from connectors.base.http import ApiResponse
from connectors.base.pagination import PageNumberPaginator
from connectors.base.protocol import ConnectorContext, FetchedPage
from connectors.base.runner import StreamRunner
from connectors.base.streams import (
    BeforeSlice,
    Details,
    Endpoint,
    Part,
    Scope,
    Stream,
    nothing_to_fetch,
    snapshot,
    split_by,
)
from connectors.base.windows import Window
from connectors.tokopedia.legacy.client import (
    MAX_ORDER_WINDOW,
    MAX_SALDO_WINDOW,
    PRODUCT_PAGE_SIZE,
    TICKET_LOOKBACK,
    LegacyClient,
)
from connectors.tokopedia.legacy.deductions import PPH22_STATUTORY_BPS, WIB
from connectors.tokopedia.legacy.parse import invoice_of, scrub_personal_data
from connectors.tokopedia.pages import PLATFORM, field


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


def saldo_rows(data: Any) -> list[Any]:
    """The rows of a saldo history page (``data.saldo_history``, null when there are none)."""
    field(data, "data").get("have_next_page")
    return field(data, "data", "saldo_history") or []


def _saldo_pages() -> PageNumberPaginator:
    return PageNumberPaginator("page", has_more=lambda data: bool(field(data, "data").get("have_next_page")))


def _invoiced(data: Any) -> list[Any]:
    """The saldo rows that name an invoice: each is landed with its order."""
    return [row for row in saldo_rows(data) if isinstance(row, dict) and invoice_of(row.get("note"))]


class LegacyPulls:
    def __init__(self, context: ConnectorContext) -> None:
        self.client = LegacyClient(context)
        self.runner = StreamRunner(PLATFORM, scrub_personal_data)
        self.pph22_bps = pph22_rate(context.connection.extra.get("pph22_bps"))
        self.declared = self._streams()

    def check(self) -> None:
        """A token (only if none is valid) and the shop's info: proves the credentials and the shop link."""
        self.client.shop_info()

    def pull(self, stream: str, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        return self.runner.pull(self.declared[stream], window, resume)

    def _streams(self) -> dict[str, Stream]:
        client = self.client
        # The order list is bare, without a next-page flag: a chunk ends at its first short page. Page numbers do
        # not depend on the page before, so an unreadable page is landed (its records go to quarantine) and the
        # next one is asked for (``unreadable="skip"``).
        orders = Endpoint(
            "fs_order_list",
            lambda chunk, paging: client.order_list(chunk.start_ts, _last_second(chunk), paging["page"]),
            paginator=lambda: PageNumberPaginator("page", has_more=lambda d: len(_rows(d)) >= client.order_page_size),
            select=lambda data: nothing_to_fetch(_rows(data)),
            unreadable="skip",
        )

        def saldo(kind: str, select: Any, details: Details | None = None) -> Endpoint:
            return Endpoint(
                kind,
                lambda chunk, paging: client.saldo_history(chunk.start_ts, _last_second(chunk), paging["page"]),
                paginator=_saldo_pages,
                select=select,
                details=details,
            )

        sale_orders = Endpoint(
            "fs_saldo_order",
            lambda entry, _: client.order_by_invoice(str(invoice_of(entry["note"]))),
            unreadable="land",
        )
        tickets = BeforeSlice(
            "fs_resolution_tickets", self._tickets, lambda data: tickets_by_invoice(data, client.shop_id)
        )
        stock = Endpoint(
            "fs_product_info",
            lambda _, paging: client.product_info(paging["page"]),
            paginator=lambda: PageNumberPaginator("page", has_more=lambda d: len(_rows(d)) >= PRODUCT_PAGE_SIZE),
            select=lambda data: nothing_to_fetch(_rows(data)),
        )
        by_saldo_window = split_by(MAX_SALDO_WINDOW)
        return {
            "orders": Stream("orders", (Part(orders, split_by(MAX_ORDER_WINDOW)),)),
            "settlements": Stream(
                "settlements",
                (
                    Part(
                        saldo("fs_saldo_index", _invoiced, Details(sale_orders, None, self._sale_context)),
                        by_saldo_window,
                        before_slice=tickets,
                    ),
                ),
            ),
            "wallet": Stream(
                "wallet", (Part(saldo("fs_saldo_history", lambda d: nothing_to_fetch(saldo_rows(d))), by_saldo_window),)
            ),
            "stock": Stream("stock", (Part(stock, snapshot),)),
        }

    def _sale_context(self, entry: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """Gross and order id live in the order, net in saldo: the order is landed with its saldo row, the
        invoice's resolution tickets and the shop's PPh 22 rate, so parsing it needs nothing else."""
        return {
            "saldo_entry": entry,
            "resolution_tickets": scope.preamble.get(str(invoice_of(entry["note"])), []),
            "pph22_bps": self.pph22_bps,
        }

    def _tickets(self, chunk: Window) -> ApiResponse:
        first = (chunk.start - TICKET_LOOKBACK).astimezone(WIB).date()
        last = datetime.fromtimestamp(_last_second(chunk), WIB).date()
        return self.client.resolution_tickets(first.isoformat(), last.isoformat())
