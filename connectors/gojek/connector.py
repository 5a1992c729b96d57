"""GoBiz (GoFood/GoMart outlets) connector: orders arrive by webhook, settlements as portal report files,
stock is pulled from the catalog.

``pull`` serves ``stock`` only: GoBiz has no order-list or settlement API (marketplace_apis.md §4.2, §4.4).
Orders are landed by the webhook receiver (``connectors/gojek/webhooks.py``), settlement reports by
``omnikop import settlements``; ``parse`` reads all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.runner import StreamRunner
from connectors.base.streams import Endpoint, Part, Stream, snapshot
from connectors.base.windows import Window
from connectors.gojek import parse
from connectors.gojek.client import PLATFORM, RATE_LIMIT_PER_SECOND, GojekClient


class GojekConnector(Connector):
    platform = PLATFORM
    connection_type = "gojek"
    streams = ("orders", "settlements", "stock")
    push_streams = ("orders", "settlements")
    rate_limit_per_second = RATE_LIMIT_PER_SECOND

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self.client = GojekClient(context)
        self.runner = StreamRunner(PLATFORM)
        # The whole outlet catalog is one response; there is nothing to page or resume.
        catalog = Endpoint("catalog", lambda _, __: self.client.get_catalog())
        self.declared = {"stock": Stream("stock", (Part(catalog, snapshot),))}

    def check(self) -> None:
        self.client.get_outlet()

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        if stream in self.push_streams:
            raise ValueError(
                f"GoBiz has no {stream} API: {stream} arrive by webhook (`omnikop webhooks serve`)"
                " and settlement report files (`omnikop import settlements --platform gojek`)"
            )
        if stream != "stock":
            raise ValueError(f"unknown stream {stream!r}; GoBiz offers stock")
        return self.runner.pull(self.declared[stream], window, resume)

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse.parse_page(page)


CONNECTOR = GojekConnector
