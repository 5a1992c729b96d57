"""The cooperative's own store (gerai): sales come from the cash register's export, not from an API.

``pull`` has nothing to fetch: POS exports are landed by ``omnikop import pos`` (``connectors/store/importer.py``)
and ``parse`` reads them like any landed page, so the same pipeline maps and posts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base.connection import ConnectionSpec
from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.store import parse
from connectors.store.parse import PLATFORM


class StoreConnector(Connector):
    platform = PLATFORM
    connection_type = "store"
    streams = ("orders", "settlements")
    push_streams = ("orders", "settlements")  # handed over as files
    rate_limit_per_second = 1000.0  # nothing is called

    def check(self) -> None:
        """A store has no partner API: there is nothing to authenticate."""

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        raise ValueError(f"a store has no {stream} API: import the POS export with `omnikop import pos FILE`")

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse.parse_page(page)


def outlet_connector(engine: Any, outlet: str) -> StoreConnector:
    """A connector for one outlet without an Airflow Connection (a store has no credentials)."""
    context = ConnectorContext(outlet, ConnectionSpec("store"), TokenStore(engine, PLATFORM, outlet))
    return StoreConnector(context)


CONNECTOR = StoreConnector
