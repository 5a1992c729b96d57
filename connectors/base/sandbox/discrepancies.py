"""Known discrepancies injected into a sandbox world, so reconciliation can be tested against ground truth.

Only active with ``WorldConfig(discrepancies=True)``; the default world is untouched. Four kinds, one each,
all on one platform (Shopee when the world has it) so a single sandbox shows them:

- ``settlement_missing``: a completed order the platform never settles (no escrow release, no wallet credit);
- ``short_payout``: an order settled for its net, but the wallet is credited ``SHORT_PAYOUT`` less;
- ``duplicate_wallet_credit``: an order's escrow credit lands in the wallet twice, three hours apart;
- ``bank_line_unmatched``: a bank credit no withdrawal explains (rendered by ``connectors.base.sandbox.bank``).

Each is recorded in ``World.discrepancies`` with the amounts a correct reconciliation must report.
Amounts are whole rupiah; ``difference = actual - expected`` (negative: the cooperative received less).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.base.sandbox.world import Shop, WalletEntry, World, WorldOrder

SHORT_PAYOUT = 7_500
DUPLICATE_DELAY = timedelta(hours=3)
UNMATCHED_BANK_AMOUNT = 1_250_000
UNMATCHED_BANK_REFERENCE = "FT-ANTARBANK-0042"


@dataclass(frozen=True)
class Discrepancy:
    kind: str
    platform: str | None
    shop_ref: str | None
    ref: str  # the order_ref, or the bank reference of an unmatched bank line
    expected: int
    actual: int
    occurred_at: datetime

    @property
    def difference(self) -> int:
        return self.actual - self.expected


def target_platform(world: World) -> str:
    platforms = world.config.platforms
    return "shopee" if "shopee" in platforms else platforms[0]


def inject_discrepancies(world: World) -> None:
    """Mutate the generated orders (before the wallet is built) and record every injected discrepancy."""
    platform = target_platform(world)
    solo, shared = world.shops_on(platform)[:2]
    solo_orders = _plain_settled(world, solo)
    shared_orders = [o for o in _plain_settled(world, shared) if o.settlements[0].net >= 2 * SHORT_PAYOUT]
    if len(solo_orders) < 3 or not shared_orders:
        raise ValueError("the world is too small to inject discrepancies: it needs 3 settled orders per shop")
    missing = solo_orders[len(solo_orders) // 2]
    duplicate = solo_orders[(2 * len(solo_orders)) // 3]
    short = shared_orders[len(shared_orders) // 3]
    completed = missing.event_time("COMPLETED") or missing.created_at
    missing.settlements.clear()
    net = short.settlements[0].net
    world.discrepancies = [
        Discrepancy("settlement_missing", platform, solo.shop_ref, missing.order_ref, missing.gross, 0, completed),
        Discrepancy(
            "short_payout",
            platform,
            shared.shop_ref,
            short.order_ref,
            net,
            net - SHORT_PAYOUT,
            short.settlements[0].released_at,
        ),
        Discrepancy(
            "duplicate_wallet_credit",
            platform,
            solo.shop_ref,
            duplicate.order_ref,
            duplicate.settlements[0].net,
            2 * duplicate.settlements[0].net,
            duplicate.settlements[0].released_at + DUPLICATE_DELAY,
        ),
        Discrepancy(
            "bank_line_unmatched",
            None,
            None,
            UNMATCHED_BANK_REFERENCE,
            0,
            UNMATCHED_BANK_AMOUNT,
            datetime.combine(world.config.start + timedelta(days=4), time(3), UTC),
        ),
    ]


def tamper_wallet(world: World, shop: Shop, events: list[WalletEntry]) -> list[WalletEntry]:
    """The shop's wallet credits as the platform (wrongly) books them: short-paid and duplicated credits."""
    short = {d.ref: d.expected - d.actual for d in world.discrepancies if d.kind == "short_payout"}
    doubled = {d.ref for d in world.discrepancies if d.kind == "duplicate_wallet_credit"}
    result: list[WalletEntry] = []
    for event in events:
        if event.shop_ref != shop.shop_ref or event.kind != "ESCROW_CREDIT" or event.order_ref is None:
            result.append(event)
            continue
        if event.order_ref in short:
            event = replace(event, amount=event.amount - short[event.order_ref])
        result.append(event)
        if event.order_ref in doubled:
            result.append(
                replace(
                    event, movement_ref=f"{event.movement_ref}-dup", occurred_at=event.occurred_at + DUPLICATE_DELAY
                )
            )
    result.sort(key=lambda entry: (entry.occurred_at, entry.movement_ref))
    return result


def _plain_settled(world: World, shop: Shop) -> list[WorldOrder]:
    """Completed orders settled once, without returns: the simplest orders to tamper with."""
    return [
        order
        for order in world.orders_of(shop.platform, shop.shop_ref, datetime.max.replace(tzinfo=UTC))
        if order.events and order.events[-1][1] == "COMPLETED" and len(order.settlements) == 1 and not order.returned
    ]
