"""The four pulls of a TikTok-flavored shop.

* orders: ``orders/search`` by update time (page tokens) as the index, details in batches of ≤ 50 ids;
* settlements: daily statements whose ``statement_time`` falls in the window (the window start is taken
  back to 00:00 UTC, the statement granularity), then each statement's transactions, landed with the
  statement's ``payment_id`` as context (the documented link from a statement to the payment that pays it);
* wallet: balance records (``withdrawals`` with all four types), then payments, both by creation time;
* stock: ``products/search`` as the index, ``inventory/search`` per page of ≤ 100 products.
TikTok documents no maximum window (§6.4), so windows are not split.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from connectors.base.errors import InvalidPayload
from connectors.base.pagination import PageTokenPaginator
from connectors.base.protocol import ConnectorContext, FetchedPage
from connectors.base.windows import Window
from connectors.tokopedia.client_tiktok import DETAIL_BATCH, INVENTORY_BATCH, TikTokClient
from connectors.tokopedia.pages import Pages, batches, field
from connectors.tokopedia.parse_tiktok import scrub_personal_data


def _tokens() -> PageTokenPaginator:
    return PageTokenPaginator("page_token", next_cursor=lambda d: d["data"].get("next_page_token"))


class TikTokPulls:
    def __init__(self, context: ConnectorContext) -> None:
        self.client = TikTokClient(context)
        self.pages = Pages(scrub_personal_data)

    def check(self) -> None:
        """A token (granted or refreshed) and the shop's cipher: proves the credentials and the shop link."""
        self.client.shop_cipher(fresh=True)

    def pull(self, stream: str, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        pulls = {"orders": self.orders, "settlements": self.settlements, "wallet": self.wallet, "stock": self.stock}
        return pulls[stream](window, resume)

    def orders(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        if window.start >= window.end:
            return
        pager = _tokens()
        pager.restore(resume)
        while not pager.done:
            listing = self.client.search_orders(window.start_ts, window.end_ts, pager.cursor)
            ids = [str(field(o, "id")) for o in field(listing.data, "data", "orders")]
            pager.advance(listing.data)
            yield from self.pages.with_records(
                "orders",
                "tts_order_search",
                listing,
                batches(ids, DETAIL_BATCH),
                self.client.get_orders,
                "tts_order_detail",
                pager.state(),
            )

    def settlements(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        if window.start >= window.end:
            return
        start = datetime.combine(window.start.astimezone(UTC).date(), time(), UTC)
        pager = _tokens()
        pager.restore(resume)
        while not pager.done:
            listing = self.client.get_statements(int(start.timestamp()), window.end_ts, pager.cursor)
            statements = field(listing.data, "data", "statements")
            ids = [str(field(s, "id")) for s in statements]
            pager.advance(listing.data)
            after = pager.state()
            yield self.pages.page("settlements", "tts_statement_list", listing, None if ids else after)
            for number, statement in enumerate(statements, start=1):
                yield from self._transactions(statement, after if number == len(ids) else None)

    def _transactions(self, statement: dict[str, Any], after: dict[str, Any] | None) -> Iterator[FetchedPage]:
        statement_id = str(statement["id"])
        context = {"statement": {name: statement.get(name) for name in ("id", "payment_id", "payment_status")}}
        pager = _tokens()
        while not pager.done:
            try:
                page = self.client.get_statement_transactions(statement_id, pager.cursor)
                field(page.data, "data", "statement_transactions")
            except InvalidPayload as error:
                # Unreadable even after retries: land it for quarantine; the rest of this statement cannot
                # be reached without the page's token.
                request = {"path": error.endpoint, "statement_id": statement_id, "page_token": pager.cursor}
                yield self.pages.unreadable(
                    "settlements", "tts_statement_transactions", error, {**request, "context": context}, after
                )
                return
            pager.advance(page.data)
            checkpoint = after if pager.done else None
            yield self.pages.page("settlements", "tts_statement_transactions", page, checkpoint, context)

    def wallet(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        """Balance records, then payments. The checkpoint holds both cursors (the balance records' at its top
        level, as before payments were read, so an older checkpoint resumes and then reads the payments)."""
        if window.start >= window.end:
            return
        records, payments = _tokens(), _tokens()
        records.restore(resume)
        payments.restore(resume.get("payments") or {})
        while not records.done:
            page = self.client.get_withdrawals(window.start_ts, window.end_ts, records.cursor)
            field(page.data, "data", "withdrawals")
            records.advance(page.data)
            yield self.pages.page("wallet", "tts_withdrawals", page, {**records.state(), "payments": payments.state()})
        while not payments.done:
            page = self.client.get_payments(window.start_ts, window.end_ts, payments.cursor)
            field(page.data, "data", "payments")
            payments.advance(page.data)
            yield self.pages.page("wallet", "tts_payments", page, {**records.state(), "payments": payments.state()})

    def stock(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        """Stock is a snapshot: the window does not apply; every active product is read."""
        pager = _tokens()
        pager.restore(resume)
        while not pager.done:
            listing = self.client.search_products(pager.cursor)
            ids = [str(field(p, "id")) for p in field(listing.data, "data", "products")]
            pager.advance(listing.data)
            yield from self.pages.with_records(
                "stock",
                "tts_product_search",
                listing,
                batches(ids, INVENTORY_BATCH),
                self.client.search_inventory,
                "tts_inventory",
                pager.state(),
            )
