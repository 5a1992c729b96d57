"""TikTok Shop stock push: ``POST /product/202309/products/{product_id}/inventory/update``.

Contract (TikTok Shop Partner API *Update Inventory*, as typed in lywzx/tiktok-partner-api
``products/UpdateInventory.ts``; marketplace_apis.md §3.7): body ``{"skus": [{"id", "inventory":
[{"warehouse_id"?, "quantity"}]}]}``, the quantity absolute ("the quantity … after the change", 0 ≤ q < 99 999;
the warehouse may be left out for a SKU on one default warehouse); answer ``data.errors[{code, message,
detail{sku_id, extra_errors[…]}}]`` naming the SKUs that failed, so every other SKU of the call succeeded.

The call is per product, and our SKU refs are TikTok SKU ids: the product of each SKU comes from the shop's
product search (the connector's own ``stock`` stream, its paginator and client), read once per push.
Legacy (fs_id) shops are not supported: Tokopedia's old API is being switched off (§2.1).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.base.http import parse_json
from connectors.base.stock_push import PushedPage, PushUnsupported, StockAck, StockTarget, pushed_page
from connectors.base.windows import Window
from connectors.tokopedia.connector import TokopediaConnector
from connectors.tokopedia.tiktok.client import RATE_LIMIT_PER_SECOND, TikTokClient
from connectors.tokopedia.tiktok.streams import TikTokPulls

MAX_QUANTITY = 99_999
SKUS_PER_CALL = 100  # not documented; the sandbox and the benchmark use this bound [I]


class TikTokStockPusher:
    batch = SKUS_PER_CALL
    counts_own_reserved = False
    calls_per_second = RATE_LIMIT_PER_SECOND

    def __init__(self, connector: TokopediaConnector) -> None:
        if not isinstance(connector.api, TikTokPulls):
            raise PushUnsupported(
                f"tokopedia shop {connector.shop_ref} uses the legacy fs_id API:"
                " stock is pushed to TikTok Shop shops only"
            )
        self.connector = connector
        self.client: TikTokClient = connector.api.client

    def shown(self, quantity: int) -> int:
        return quantity

    def push(self, targets: Sequence[StockTarget]) -> Iterator[PushedPage]:
        product_of: dict[str, str] = {}
        now = datetime.now(UTC)
        for page in self.connector.pull("stock", Window(now, now)):
            if page.kind == "tts_product_search":
                product_of.update(_skus_of(page.body))
            yield PushedPage(page, ())
        grouped: dict[str, list[StockTarget]] = {}
        unknown = []
        for target in targets:
            if target.sku_ref in product_of:
                grouped.setdefault(product_of[target.sku_ref], []).append(target)
            else:
                unknown.append(StockAck(target.sku_ref, False, reason="SKU not found in the shop's product search"))
        for product_id, group in grouped.items():
            for start in range(0, len(group), SKUS_PER_CALL):
                chunk = group[start : start + SKUS_PER_CALL]
                skus = [{"id": t.sku_ref, "inventory": [{"quantity": min(t.quantity, MAX_QUANTITY)}]} for t in chunk]
                response = self.client.update_inventory(product_id, skus)
                yield PushedPage(pushed_page("tts_inventory_update", response), _acks(chunk, response.data))
        if unknown:
            yield PushedPage(None, tuple(unknown))


def _skus_of(body: bytes) -> dict[str, str]:
    data = parse_json(body).get("data") or {}
    found = {}
    for product in data.get("products") or []:
        for sku in product.get("skus") or []:
            found[str(sku.get("id"))] = str(product.get("id"))
    return found


def _acks(chunk: Sequence[StockTarget], payload: Any) -> tuple[StockAck, ...]:
    data = payload.get("data") if isinstance(payload, dict) else None
    errors = data.get("errors") if isinstance(data, dict) else None
    failed: dict[str, str] = {}
    for error in errors or []:
        detail = error.get("detail") if isinstance(error, dict) else None
        if isinstance(detail, dict) and detail.get("sku_id"):
            failed[str(detail["sku_id"])] = f"{error.get('code')}: {error.get('message')}"
    return tuple(
        StockAck(t.sku_ref, False, reason=failed[t.sku_ref])
        if t.sku_ref in failed
        else StockAck(t.sku_ref, True, min(t.quantity, MAX_QUANTITY))
        for t in chunk
    )


PUSHER = TikTokStockPusher
