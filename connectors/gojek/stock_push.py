"""GoBiz (GoFood) stock push: items in or out of stock, ``PATCH
/integrations/gofood/outlets/{outlet_id}/v2/menu_item_stocks`` with ``[{"external_id", "in_stock"}]``.

Contract: GoBiz's *Update out-of-stock status* (developer.gobiz.com, marketplace_apis.md §4.3; the path and body as
a public GoBiz adapter sends them [T]); answer ``{"success": true}``; "HTTP 4xx non-recoverable, 5xx recoverable"
(§4.1), handled by the client's error table. GoFood has no quantities: a channel shows "in stock" (1) or
"out of stock" (0), so only a crossing of zero is a change worth a call. ``external_id`` is the merchant's own
item id (the SKU mapping's seller SKU; order lines carry it as ``external_id``). Variants
(``v2/variant_stocks``) are not pushed: omnikop maps menu items, not variants.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from connectors.base.stock_push import PushedPage, StockAck, StockTarget, pushed_page
from connectors.gojek.client import RATE_LIMIT_PER_SECOND, GojekClient
from connectors.gojek.connector import GojekConnector

ITEMS_PER_CALL = 100  # no documented bound; kept modest [I]


class GojekStockPusher:
    batch = ITEMS_PER_CALL
    counts_own_reserved = False
    calls_per_second = RATE_LIMIT_PER_SECOND

    def __init__(self, connector: GojekConnector) -> None:
        self.client: GojekClient = connector.client

    def shown(self, quantity: int) -> int:
        return 1 if quantity > 0 else 0

    def push(self, targets: Sequence[StockTarget]) -> Iterator[PushedPage]:
        for start in range(0, len(targets), ITEMS_PER_CALL):
            chunk = targets[start : start + ITEMS_PER_CALL]
            items = [{"external_id": t.seller_sku or t.sku_ref, "in_stock": t.quantity > 0} for t in chunk]
            # The client's interpreter has checked the ``{success: true, data}`` envelope (else it raised).
            response = self.client.update_item_stocks(items)
            acks = tuple(StockAck(t.sku_ref, True, self.shown(t.quantity)) for t in chunk)
            yield PushedPage(pushed_page("menu_item_stocks", response), acks)


PUSHER = GojekStockPusher
