"""Shopee connector: resumable pulls of orders, settlements (escrow), wallet and stock.

The streams are declared in ``streams.py`` and run by ``connectors.base.runner``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.runner import StreamRunner
from connectors.base.streams import batches
from connectors.base.windows import Window
from connectors.shopee import parse
from connectors.shopee.client import DETAIL_BATCH, PLATFORM, RATE_LIMIT_PER_SECOND, ShopeeClient
from connectors.shopee.streams import streams


class ShopeeConnector(Connector):
    platform = PLATFORM
    connection_type = "shopee"
    rate_limit_per_second = RATE_LIMIT_PER_SECOND
    hint_kinds = frozenset({parse.PUSH_HINT})

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self.client = ShopeeClient(context)
        self.runner = StreamRunner(PLATFORM, parse.scrub_personal_data)
        self.declared = streams(self.client)

    def check(self) -> None:
        self.client.get_shop_info()

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        if stream not in self.declared:
            raise ValueError(f"unknown stream {stream!r}; Shopee offers {', '.join(self.declared)}")
        return self.runner.pull(self.declared[stream], window, resume)

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse.parse_page(page)

    def follow_ups(self, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        """Order-status pushes (code 3) are hints: fetch the current detail of the orders they name."""
        hinted = parse.pushed_order_sns(pages)
        for group in batches(hinted, DETAIL_BATCH):
            yield self.runner.page("orders", "order_detail", self.client.get_order_detail(group), None)


CONNECTOR = ShopeeConnector
