"""Shopee stock push: ``POST /api/v2/product/update_stock``, one item per call, up to 50 models.

Contract (Shopee Open Platform, *Stock & price management* best-practice guide, §5 "Updating product stock",
as mirrored in lazykern/ecommerce-api-docs; SDK models WeTools.ShopeeSDK ``ShopeeProductUpdateStockRequestModel``
and wjp-letgo/letgo ``UpdateStockResult``; marketplace_apis.md §1.7): body ``{item_id, stock_list[{model_id
(0 without variants), seller_stock[{location_id?, stock}]}]}``, the stock absolute; answer
``response.success_list[{model_id, location_id, stock}]`` and ``response.failure_list[{model_id,
failed_reason}]`` (partial success in an HTTP 200). Only ``seller_stock`` can be set, never ``shopee_stock``.
"Stock must be ≥ reserved stock" (§1.7): Shopee's figure still holds the units its own open orders reserve, so
the push sends available-to-sell plus this shop's own open orders (``counts_own_reserved``).

Our SKU ref is ``item_id:model_id`` (``parse.py`` builds it from order lines the same way).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connectors.base.errors import ConfigError
from connectors.base.stock_push import PushedPage, StockAck, StockTarget, pushed_page
from connectors.shopee.client import RATE_LIMIT_PER_SECOND, ShopeeClient
from connectors.shopee.connector import ShopeeConnector

MODELS_PER_CALL = 50  # "stock_list … 1-50 entries"


class ShopeeStockPusher:
    batch = MODELS_PER_CALL
    counts_own_reserved = True
    calls_per_second = RATE_LIMIT_PER_SECOND

    def __init__(self, connector: ShopeeConnector) -> None:
        self.client: ShopeeClient = connector.client

    def shown(self, quantity: int) -> int:
        return quantity

    def push(self, targets: Sequence[StockTarget]) -> Iterator[PushedPage]:
        items: dict[str, list[StockTarget]] = {}
        for target in targets:
            item_id, _, model_id = target.sku_ref.partition(":")
            if not item_id.isdigit() or not (model_id or "0").isdigit():
                raise ConfigError(f"Shopee SKU ref {target.sku_ref!r} is not item_id:model_id")
            items.setdefault(item_id, []).append(target)
        for item_id, group in items.items():
            for start in range(0, len(group), MODELS_PER_CALL):
                chunk = group[start : start + MODELS_PER_CALL]
                stock_list = [
                    {"model_id": int(t.sku_ref.partition(":")[2] or 0), "seller_stock": [{"stock": t.quantity}]}
                    for t in chunk
                ]
                response = self.client.update_stock(item_id, stock_list)
                yield PushedPage(pushed_page("update_stock", response), _acks(item_id, chunk, response.data))


def _acks(item_id: str, chunk: Sequence[StockTarget], payload: Any) -> tuple[StockAck, ...]:
    answer = payload.get("response") if isinstance(payload, dict) else None
    answer = answer if isinstance(answer, dict) else {}
    done = {str(row.get("model_id")): row for row in answer.get("success_list") or [] if isinstance(row, dict)}
    failed = {str(row.get("model_id")): row for row in answer.get("failure_list") or [] if isinstance(row, dict)}
    acks = []
    for target in chunk:
        model = str(int(target.sku_ref.partition(":")[2] or 0))
        if model in done and isinstance(done[model].get("stock"), int):
            acks.append(StockAck(target.sku_ref, True, done[model]["stock"]))
        else:
            reason = str(failed.get(model, {}).get("failed_reason") or "not in the answer's success_list")
            acks.append(StockAck(target.sku_ref, False, reason=f"item {item_id}: {reason}"))
    return tuple(acks)


PUSHER = ShopeeStockPusher
