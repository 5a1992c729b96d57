"""Shopee connector: resumable pulls of orders, settlements (escrow), wallet and stock.

Each stream walks the window in ≤15-day slices (Shopee's limit). List pages are landed, then their details in
batches of ≤50; the checkpoint is recorded with the last page of each list page, so a resumed pull starts at
the first list page it had not finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.base.errors import InvalidPayload
from connectors.base.http import ApiResponse
from connectors.base.pagination import CursorPaginator, OffsetPaginator, PageNumberPaginator
from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.windows import Window
from connectors.shopee import parse
from connectors.shopee.client import (
    DETAIL_BATCH,
    ESCROW_FIRST_PAGE,
    MAX_WINDOW,
    PLATFORM,
    RATE_LIMIT_PER_SECOND,
    WALLET_FIRST_PAGE,
    ShopeeClient,
)
from connectors.shopee.statuses import ADJUSTMENT_TYPES


def batches(values: Sequence[str], size: int) -> list[list[str]]:
    unique = list(dict.fromkeys(values))
    return [unique[start : start + size] for start in range(0, len(unique), size)]


def field(data: Any, *path: str) -> Any:
    """``data[path…]`` or ``InvalidPayload`` naming the missing key (a list page we cannot page past)."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise InvalidPayload(f"response lacks {'.'.join(path)}", platform=PLATFORM)
        data = data[key]
    return data


class ShopeeConnector(Connector):
    platform = PLATFORM
    connection_type = "shopee"
    rate_limit_per_second = RATE_LIMIT_PER_SECOND

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self.client = ShopeeClient(context)

    def check(self) -> None:
        self.client.get_shop_info()

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        pulls = {"orders": self._orders, "settlements": self._settlements, "wallet": self._wallet, "stock": self._stock}
        if stream not in pulls:
            raise ValueError(f"unknown stream {stream!r}; Shopee offers {', '.join(pulls)}")
        return pulls[stream](window, resume or {})

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse.parse_page(page)

    def follow_ups(self, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        """Order-status pushes (code 3) are hints: fetch the current detail of the orders they name."""
        hinted = parse.pushed_order_sns(pages)
        for group in batches(hinted, DETAIL_BATCH):
            yield self._page("orders", "order_detail", self.client.get_order_detail(group), None)

    # --- pulls -------------------------------------------------------------------------------------------

    def _orders(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        chunks = list(window.split(MAX_WINDOW))
        for index in range(resume.get("chunk", 0), len(chunks)):
            chunk = chunks[index]
            pager = CursorPaginator(
                "cursor",
                next_cursor=lambda d: d["response"].get("next_cursor"),
                has_more=lambda d: d["response"].get("more"),
            )
            if index == resume.get("chunk"):
                pager.restore(resume)
            while not pager.done:
                listing = self.client.get_order_list(chunk.start_ts, chunk.end_ts - 1, pager.cursor)
                order_sns = [str(field(o, "order_sn")) for o in field(listing.data, "response", "order_list")]
                pager.advance(listing.data)
                after = {"chunk": index + 1} if pager.done else {"chunk": index, **pager.state()}
                yield from self._with_details(
                    "orders",
                    "order_list",
                    listing,
                    batches(order_sns, DETAIL_BATCH),
                    self.client.get_order_detail,
                    "order_detail",
                    after,
                )

    def _settlements(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        chunks = list(window.split(MAX_WINDOW))
        phase_escrow = resume.get("phase", "escrow") == "escrow"
        for index in range(resume.get("chunk", 0) if phase_escrow else len(chunks), len(chunks)):
            chunk = chunks[index]
            pager = PageNumberPaginator(
                "page_no", has_more=lambda d: d["response"].get("more"), first=ESCROW_FIRST_PAGE
            )
            if index == resume.get("chunk") and phase_escrow:
                pager.restore(resume)
            while not pager.done:
                listing = self.client.get_escrow_list(chunk.start_ts, chunk.end_ts - 1, pager.page)
                escrows = field(listing.data, "response", "escrow_list")
                released = {str(field(e, "order_sn")): field(e, "escrow_release_time") for e in escrows}
                pager.advance(listing.data)
                after = (
                    {"phase": "escrow", "chunk": index + 1}
                    if pager.done
                    else {"phase": "escrow", "chunk": index, **pager.state()}
                )
                if pager.done and index == len(chunks) - 1:
                    after = {"phase": "adjustments", "chunk": 0}
                yield from self._with_details(
                    "settlements",
                    "escrow_list",
                    listing,
                    batches(list(released), DETAIL_BATCH),
                    self.client.get_escrow_detail_batch,
                    "escrow_detail",
                    after,
                    {"escrow_release_time": released},
                    follow=_returned_orders,
                )
        # Escrows adjusted after release (refunds after completion) are not listed again by release time;
        # the wallet's adjustment transactions name them, and get_escrow_detail (the only endpoint documenting
        # order_adjustment) gives each its adjusted escrow.
        start = resume.get("chunk", 0) if resume.get("phase") == "adjustments" else 0
        for index in range(start, len(chunks)):
            chunk = chunks[index]
            pager = PageNumberPaginator(
                "page_no", has_more=lambda d: d["response"].get("more"), first=WALLET_FIRST_PAGE
            )
            if index == resume.get("chunk") and resume.get("phase") == "adjustments":
                pager.restore(resume)
            while not pager.done:
                scan = self.client.get_wallet_transactions(chunk.start_ts, chunk.end_ts - 1, pager.page)
                adjusted = [
                    str(t["order_sn"])
                    for t in field(scan.data, "response", "transaction_list")
                    if t.get("transaction_type") in ADJUSTMENT_TYPES and t.get("order_sn")
                ]
                pager.advance(scan.data)
                after = {
                    "phase": "adjustments",
                    "chunk": index + (1 if pager.done else 0),
                    **({} if pager.done else pager.state()),
                }
                yield from self._with_details(
                    "settlements",
                    "adjustment_scan",
                    scan,
                    batches(adjusted, 1),
                    lambda group: self.client.get_escrow_detail(group[0]),
                    "escrow_order",
                    after,
                )

    def _wallet(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        chunks = list(window.split(MAX_WINDOW))
        for index in range(resume.get("chunk", 0), len(chunks)):
            chunk = chunks[index]
            pager = PageNumberPaginator(
                "page_no", has_more=lambda d: d["response"].get("more"), first=WALLET_FIRST_PAGE
            )
            if index == resume.get("chunk"):
                pager.restore(resume)
            while not pager.done:
                page = self.client.get_wallet_transactions(chunk.start_ts, chunk.end_ts - 1, pager.page)
                field(page.data, "response", "transaction_list")
                pager.advance(page.data)
                after = {"chunk": index + 1} if pager.done else {"chunk": index, **pager.state()}
                yield self._page("wallet", "wallet_list", page, after)

    def _stock(self, window: Window, resume: dict[str, Any]) -> Iterator[FetchedPage]:
        pager = OffsetPaginator(
            "offset",
            has_next=lambda d: d["response"].get("has_next_page"),
            next_offset=lambda d: d["response"].get("next_offset"),
        )
        pager.restore(resume)
        while not pager.done:
            listing = self.client.get_item_list(pager.offset)
            item_ids = [str(field(i, "item_id")) for i in field(listing.data, "response").get("item", [])]
            pager.advance(listing.data)
            after = pager.state()
            yield self._page("stock", "item_list", listing, None if item_ids else after)
            with_models: list[str] = []
            groups = batches(item_ids, DETAIL_BATCH)
            for number, group in enumerate(groups, start=1):
                info = self.client.get_item_base_info(group)
                with_models += [
                    str(i["item_id"]) for i in field(info.data, "response", "item_list") if i.get("has_model")
                ]
                last = number == len(groups) and not with_models
                yield self._page("stock", "item_base_info", info, after if last else None)
            for number, item_id in enumerate(with_models, start=1):
                models = self.client.get_model_list(item_id)
                yield self._page("stock", "model_list", models, after if number == len(with_models) else None)

    # --- helpers -----------------------------------------------------------------------------------------

    def _with_details(
        self,
        stream: str,
        list_kind: str,
        listing: ApiResponse,
        groups: list[list[str]],
        fetch: Any,
        detail_kind: str,
        after: dict[str, Any],
        context: dict[str, Any] | None = None,
        follow: Callable[[Any], list[str]] | None = None,
    ) -> Iterator[FetchedPage]:
        """Land a list page, then each batch of its details; the checkpoint rides on the last one.

        ``follow`` names, from a detail batch, the orders whose escrow must also be read one by one with
        ``get_escrow_detail`` (those with returns); their pages follow the batch's, before the checkpoint.
        """
        yield self._page(stream, list_kind, listing, None if groups else after)
        for number, group in enumerate(groups, start=1):
            checkpoint = after if number == len(groups) else None
            try:
                detail = fetch(group)
            except InvalidPayload as error:
                yield _unreadable(stream, detail_kind, error, group, context, checkpoint)
                continue
            singles = follow(detail.data) if follow else []
            yield self._page(stream, detail_kind, detail, None if singles else checkpoint, _subset(context, group))
            for index, order_sn in enumerate(singles, start=1):
                last = checkpoint if index == len(singles) else None
                try:
                    single = self.client.get_escrow_detail(order_sn)
                except InvalidPayload as error:
                    yield _unreadable(stream, "escrow_order", error, [order_sn], context, last)
                    continue
                yield self._page(stream, "escrow_order", single, last, _subset(context, [order_sn]))

    def _page(
        self,
        stream: str,
        kind: str,
        response: ApiResponse,
        checkpoint: dict[str, Any] | None,
        context: dict[str, Any] | None = None,
    ) -> FetchedPage:
        request = response.call.descriptor()
        if context:
            request["context"] = context
        body = parse.scrub_personal_data(response.body)
        return FetchedPage(stream, kind, request, body, response.status, _now(), checkpoint)


def _unreadable(
    stream: str,
    kind: str,
    error: InvalidPayload,
    ids: list[str],
    context: dict[str, Any] | None,
    checkpoint: dict[str, Any] | None,
) -> FetchedPage:
    """A persistently unreadable detail answer, landed as received (buyer data masked) so its records are
    quarantined, not lost."""
    request = {"path": error.endpoint, "ids": ids, "context": _subset(context, ids)}
    body = parse.scrub_personal_data(error.body or b"")
    return FetchedPage(stream, kind, request, body, error.http_status or 200, _now(), checkpoint)


def _returned_orders(data: Any) -> list[str]:
    """Orders of a ``get_escrow_detail_batch`` answer that have returns: their refund and adjustments are
    documented only by ``get_escrow_detail``. Read leniently: a malformed row is the parser's to quarantine."""
    rows = data.get("response") if isinstance(data, dict) else None
    found = []
    for row in rows if isinstance(rows, list) else []:
        detail = row.get("escrow_detail") if isinstance(row, dict) else None
        if isinstance(detail, dict) and detail.get("return_order_sn_list") and detail.get("order_sn"):
            found.append(str(detail["order_sn"]))
    return list(dict.fromkeys(found))


def _subset(context: dict[str, Any] | None, ids: list[str]) -> dict[str, Any] | None:
    if not context:
        return None
    return {name: {key: value for key, value in mapping.items() if key in ids} for name, mapping in context.items()}


def _now() -> datetime:
    return datetime.now(UTC)


CONNECTOR = ShopeeConnector
