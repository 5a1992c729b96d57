"""``WorldConfig(stock_limited=True)``: a member's good listed on several channels is one product with one stock,
the world's generated orders draw on it and never exceed it; every listing reports that one stock. Off by
default, and while the stock never runs out a stock-limited world sells exactly what the default one does."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import timedelta

from connectors.base.sandbox.world import PLATFORMS, World, WorldConfig

SCARCE = WorldConfig(
    seed=7, members=4, orders_per_day=6, days=10, initial_stock=(3, 8), platforms=(*PLATFORMS, "store")
)


def units_sold(world: World) -> Counter[str]:
    """Units of each product_ref in the world's orders, every channel and status (a cancelled order held them)."""
    sold: Counter[str] = Counter()
    for order in world.orders:
        for line in order.lines:
            sold[line.product.product_ref] += line.quantity
    return sold


def test_generated_orders_never_exceed_the_one_stock_across_channels() -> None:
    world = World.generate(replace(SCARCE, stock_limited=True))
    channels: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for product in world.products:
        channels[product.product_ref].add((product.platform, product.shop_ref))
    initial = {product.product_ref: product.initial_stock for product in world.products}
    shared = {ref for ref, where in channels.items() if len(where) > 1}
    assert len(shared) >= 3, "the world cross-lists too little for the test to say anything"
    sold = units_sold(world)
    assert {ref: sold[ref] for ref in initial if sold[ref] > initial[ref]} == {}
    sold_out = {ref for ref in initial if sold[ref] == initial[ref]}
    assert sold_out & shared, "no product listed on several channels sold out: the bound was never tested"
    # Sold on more than one channel, together no more than the one stock.
    assert any(len(_shops_selling(world, ref)) > 1 for ref in sold_out & shared)

    # Without the setting the same demand oversells: the bound above is the setting's doing.
    unlimited = World.generate(SCARCE)
    demand = units_sold(unlimited)
    assert any(demand[p.product_ref] > p.initial_stock for p in unlimited.products)


def test_every_listing_of_a_product_reports_its_one_stock_at_any_moment() -> None:
    world = World.generate(replace(SCARCE, stock_limited=True))
    listings: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for product in world.products:
        listings[product.product_ref].append(product)
    moments = [world.end - timedelta(days=days) for days in range(0, SCARCE.days + 1, 2)] + [world.as_of]
    for ref, where in listings.items():
        for moment in moments:
            levels = {world.stock_of(listing, moment) for listing in where}
            assert len(levels) == 1, (ref, moment, levels)
            assert levels.pop() >= 0, (ref, moment)


def test_while_stock_lasts_a_stock_limited_world_sells_what_the_default_one_does() -> None:
    plenty = WorldConfig(seed=2026, members=8, orders_per_day=6, days=14, platforms=(*PLATFORMS, "store"))
    limited, default = World.generate(replace(plenty, stock_limited=True)), World.generate(plenty)
    assert min(limited.true_stock.left.values()) > 0  # type: ignore[union-attr]

    def history(world: World) -> list[tuple]:  # type: ignore[type-arg]
        return [
            (
                o.order_ref,
                o.created_at,
                o.events,
                [(line.product.sku_ref, line.quantity, line.amount) for line in o.lines],
            )
            for o in world.orders
        ]

    assert history(limited) == history(default)
    assert [w.amount for w in limited.wallet] == [w.amount for w in default.wallet]
    assert {p.product_ref for p in limited.products} < {p.product_ref for p in default.products}  # cross-listed


def _shops_selling(world: World, product_ref: str) -> set[tuple[str, str]]:
    return {
        (order.platform, order.shop.shop_ref)
        for order in world.orders
        for line in order.lines
        if line.product.product_ref == product_ref
    }
