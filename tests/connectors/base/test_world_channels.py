"""``World.add_channel``: a platform added to an existing world brings its own shops, products and orders, drawn
from a generator of its own, and leaves everything the world already held exactly as it was."""

from __future__ import annotations

from connectors.base.sandbox.world import World, WorldConfig


def _snapshot(world: World) -> tuple[object, ...]:
    orders = [(o.order_ref, o.created_at, o.lines, o.events, o.settlements, o.returned) for o in world.orders]
    return (world.members, world.shops, world.products, orders, world.wallet)


def test_an_added_channel_changes_nothing_the_world_held_and_is_deterministic():
    config = WorldConfig(days=3, orders_per_day=3, discrepancies=True)
    before, extended, again = World.generate(config), World.generate(config), World.generate(config)
    extended.add_channel("whatsapp")
    again.add_channel("whatsapp")
    added = [shop for shop in extended.shops if shop.platform == "whatsapp"]
    assert len(added) == 2 and all(extended.orders_of("whatsapp", shop.shop_ref) for shop in added)
    held = len(before.orders), len(before.shops), len(before.products)
    trimmed = (
        extended.members,
        extended.shops[: held[1]],
        extended.products[: held[2]],
        [(o.order_ref, o.created_at, o.lines, o.events, o.settlements, o.returned) for o in extended.orders[: held[0]]],
        [w for w in extended.wallet if w.platform != "whatsapp"],
    )
    assert trimmed == _snapshot(before)
    assert _snapshot(extended) == _snapshot(again)
