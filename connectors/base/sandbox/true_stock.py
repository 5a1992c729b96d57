"""One true stock per product across every channel, for worlds generated with ``WorldConfig.stock_limited``.

A member's good listed on several channels is one product: the later listing takes the first one's
``product_ref``, seller SKU and initial stock (its own platform ids and price stay). Generated orders draw on
that one stock first come first served across every channel (by creation time): an order the units left cannot
fill is not placed, so what the world's buyers take never exceeds the stock. Units of an order later cancelled
or returned are not given back to later buyers (the bound stays strict: units sold never exceed the stock at
any moment). Orders are generated as in any world and only then filled, so while the stock lasts a
stock-limited world sells exactly what the same world without the setting does.

Off by default: the default world, and every book compared against one, stays what it always was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.base.sandbox.world import Product, WorldOrder


class TrueStock:
    def __init__(self) -> None:
        self.left: dict[str, int] = {}  # product_ref → units generation may still sell
        self._goods: dict[tuple[str, str], Product] = {}  # (member_no, name) → the good's first listing

    def listed(self, product: Product) -> Product:
        """``product`` as listed: the same product as an earlier listing of the member's good in another shop."""
        first = self._goods.setdefault((product.member_no, product.name), product)
        if first is not product:
            product = replace(
                product,
                product_ref=first.product_ref,
                seller_sku=first.seller_sku,
                initial_stock=first.initial_stock,
            )
        self.left.setdefault(product.product_ref, product.initial_stock)
        return product

    def fill(self, orders: list[WorldOrder]) -> list[WorldOrder]:
        """The orders the stock can fill, first come first served across every channel (by creation time); an
        order the units left cannot fill in full is not placed. Kept orders stay in generation order."""
        placed: set[int] = set()
        for order in sorted(orders, key=lambda o: o.created_at):
            wanted = Counter[str]()
            for line in order.lines:
                wanted[line.product.product_ref] += line.quantity
            if all(units <= self.left[ref] for ref, units in wanted.items()):
                for ref, units in wanted.items():
                    self.left[ref] -= units
                placed.add(id(order))
        return [order for order in orders if id(order) in placed]
