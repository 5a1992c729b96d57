"""Grab stock push: ``PUT /partner/v1/batch/menu`` ``{merchantID, field: "ITEM", menuEntities[≤200]}``, each
entity ``{id, availableStatus, maxStock}``; the answer ``{merchantID, status: success|partial success|fail,
errors[{entityID, errMsg}]}`` names what failed.

Contract: Grab's own SDKs (grab/grabfood-api-sdk-java ``docs/MenuEntity.md``, ``BatchUpdateMenuResponse.md``,
``MenuEntityError.md``; grab/grabfood-api-sdk-php ``UpdateMenuRecordApi.md``: the method is **PUT**, as for
the single-record ``PUT /partner/v1/menu``); marketplace_apis.md §5.5. ``id`` is "the record's ID on the
partner system" (our seller SKU; Grab's order items carry it as ``id`` next to ``grabItemID``). ``maxStock``
is absolute and at most 9 999 999; UNAVAILABLE needs ``maxStock`` 0, and ``maxStock`` > 0 makes the item
AVAILABLE. Batch menu updates are limited to about 1 request per second per partner [T, §5.2] and answer 409
"too frequently, retry after N seconds" for the same item: the pusher keeps its own 1 rps pool, and the
client's error table treats that 409 as a rate limit (waits, retries within its budget).

Grab also *pulls* the whole menu from the partner's Get Menu endpoint, which omnikop serves
(``connectors/grab/menu.py``), with the same quantities.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connectors.base.ratelimit import shared_limiter
from connectors.base.stock_push import PushedPage, StockAck, StockTarget, pushed_page
from connectors.grab.client import GrabClient
from connectors.grab.connector import GrabConnector

ENTITIES_PER_CALL = 200  # "Batch update menu support at most 200 items"
MAX_STOCK = 9_999_999
BATCH_MENU_PER_SECOND = 1.0


class GrabStockPusher:
    batch = ENTITIES_PER_CALL
    counts_own_reserved = False
    calls_per_second = BATCH_MENU_PER_SECOND

    def __init__(self, connector: GrabConnector) -> None:
        self.client: GrabClient = connector.client
        # Connection extra ``batch_menu_per_second`` may lower it, or raise it for a sandbox.
        rate = float(connector.context.connection.extra.get("batch_menu_per_second") or BATCH_MENU_PER_SECOND)
        self.limiter = shared_limiter("grab:batch_menu", rate)

    def shown(self, quantity: int) -> int:
        return min(max(quantity, 0), MAX_STOCK)

    def push(self, targets: Sequence[StockTarget]) -> Iterator[PushedPage]:
        for start in range(0, len(targets), ENTITIES_PER_CALL):
            chunk = targets[start : start + ENTITIES_PER_CALL]
            entities = [
                {
                    "id": t.seller_sku or t.sku_ref,
                    "availableStatus": "AVAILABLE" if t.quantity > 0 else "UNAVAILABLE",
                    "maxStock": self.shown(t.quantity),
                }
                for t in chunk
            ]
            self.limiter.acquire()
            response = self.client.batch_update_menu(entities)
            yield PushedPage(pushed_page("batch_menu", response), _acks(chunk, response.data))


def _acks(chunk: Sequence[StockTarget], payload: Any) -> tuple[StockAck, ...]:
    status = payload.get("status") if isinstance(payload, dict) else None
    errors = {
        str(e.get("entityID")): str(e.get("errMsg") or "")
        for e in (payload.get("errors") if isinstance(payload, dict) else None) or []
        if isinstance(e, dict)
    }
    acks = []
    for target in chunk:
        entity = target.seller_sku or target.sku_ref
        if status == "fail" or entity in errors:
            acks.append(StockAck(target.sku_ref, False, reason=errors.get(entity) or f"batch status {status}"))
        elif status in ("success", "partial success"):
            acks.append(StockAck(target.sku_ref, True, min(target.quantity, MAX_STOCK)))
        else:
            acks.append(StockAck(target.sku_ref, False, reason=f"unexpected batch status {status!r}"))
    return tuple(acks)


PUSHER = GrabStockPusher
