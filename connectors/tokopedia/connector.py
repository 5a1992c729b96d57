"""Tokopedia connector: one platform, two APIs, chosen per shop by its flavor.

* ``tiktok`` (default): the TikTok Shop Partner API, where Tokopedia shops live since the 2024-25 merger
  (marketplace_apis.md §2.1, §3);
* ``legacy``: the fs_id Open API, for shops not yet migrated (§2).

The flavor comes from the shop's configuration (``shops[].flavor``, passed as ``ConnectorContext.flavor``), or
else from the Connection's ``extra.flavor``. Every landed page's ``kind`` names its flavor (``tts_…``/``fs_…``),
so ``parse`` reads any page correctly whatever the connector's own flavor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base.errors import ConfigError
from connectors.base.protocol import Connector, ConnectorContext, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.windows import Window
from connectors.tokopedia.legacy import parse as parse_legacy
from connectors.tokopedia.legacy.streams import LegacyPulls
from connectors.tokopedia.tiktok import parse as parse_tiktok
from connectors.tokopedia.tiktok.streams import TikTokPulls

FLAVORS = ("tiktok", "legacy")


def flavor_of(context: ConnectorContext) -> str:
    flavor = context.flavor or str(context.connection.extra.get("flavor") or "") or "tiktok"
    if flavor not in FLAVORS:
        raise ConfigError(f"shop {context.shop_ref}: flavor {flavor!r} is neither 'tiktok' nor 'legacy'")
    return flavor


class TokopediaConnector(Connector):
    platform = "tokopedia"
    connection_type = "tokopedia"
    # Legacy documents 5 req/s per endpoint; TikTok documents none. The pool is sized for the stricter one.
    rate_limit_per_second = 4.0

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self.flavor = flavor_of(context)
        self.api: TikTokPulls | LegacyPulls = TikTokPulls(context) if self.flavor == "tiktok" else LegacyPulls(context)

    def check(self) -> None:
        self.api.check()

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        if stream not in self.streams:
            raise ValueError(f"unknown stream {stream!r}; Tokopedia offers {', '.join(self.streams)}")
        return self.api.pull(stream, window, resume or {})

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse_page(page)


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    """Any landed Tokopedia page, by the flavor its ``kind`` names."""
    module = parse_legacy if page.kind.startswith("fs_") else parse_tiktok
    return module.parse_page(page)


CONNECTOR = TokopediaConnector
