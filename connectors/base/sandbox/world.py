"""The sandbox world: one seeded, deterministic history of members, shops, products, orders and money.

Each platform sandbox renders this world in its own API dialect, so after a sync the ledger can be compared
with the world's ground truth to the rupiah. Everything here is platform-neutral: what differs per platform (id
formats, fee schedule, PPh 22, shop flavors, food lifecycle) is the ``WorldShape`` its sandbox class declares.

The world has a clock (``as_of``): an order event, settlement revision or wallet movement after ``as_of``
is not visible yet. Moving the clock forward makes late updates appear (a refund after completion, a
settlement adjusted after release), which is how incremental pulls with lookback are tested.

Amounts are whole rupiah (``int``); rates are basis points applied with half-up rounding.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from connectors.base.sandbox.listings import Listings
from connectors.base.sandbox.true_stock import TrueStock

if TYPE_CHECKING:
    from connectors.base.sandbox.discrepancies import Discrepancy
    from connectors.base.sandbox.shape import WorldShape

# The default world's platforms, in generation order: the order feeds the seeded generator, so changing it
# changes every default world (and every book compared against one).
PLATFORMS = ("shopee", "tokopedia", "gojek", "grab")


def world_platforms(platform: str) -> tuple[str, ...]:
    """The platforms of a world served for ``platform``: the default ones when it is one of them (its world
    stays what it always was), else ``platform`` alone (a new connector's sandbox, which renders only its own
    shops: in the default world it would have none)."""
    return PLATFORMS if platform in PLATFORMS else (platform,)


@dataclass(frozen=True)
class WorldConfig:
    seed: int = 7
    members: int = 6
    orders_per_day: int = 6  # per shop
    days: int = 10
    start: date = date(2026, 1, 1)
    platforms: tuple[str, ...] = PLATFORMS
    cancel_rate: float = 0.08
    return_rate: float = 0.06
    late_refund_rate: float = 0.06
    voucher_rate: float = 0.15
    withdrawal_every_days: int = 3
    # Off by default (every other sandbox renders the same world): inject the reconciliation discrepancies of
    # ``connectors.base.sandbox.discrepancies`` and record them as ground truth in ``World.discrepancies``.
    discrepancies: bool = False
    # Off by default (the default world stays what it is): one true stock per product across channels, which
    # generated orders draw on and never exceed (``connectors.base.sandbox.true_stock``).
    stock_limited: bool = False
    initial_stock: tuple[int, int] = (200, 500)  # units of each product, drawn uniformly (inclusive)


@dataclass(frozen=True)
class Member:
    member_no: str
    name: str
    join_date: date


@dataclass(frozen=True)
class Shop:
    platform: str
    shop_ref: str
    name: str
    member_nos: tuple[str, ...]
    flavor: str = ""  # tokopedia: 'tiktok' | 'legacy'; grab/gojek: 'food' | 'mart'


@dataclass(frozen=True)
class Product:
    product_ref: str
    shop_ref: str
    platform: str
    member_no: str
    sku_ref: str  # the platform's item/model id
    seller_sku: str
    name: str
    price: int
    initial_stock: int
    item_id: str = ""  # parent item id where the platform has item + model
    model_id: str = ""


@dataclass(frozen=True)
class Line:
    product: Product
    quantity: int
    unit_price: int
    unit_discount: int = 0  # seller discount per unit (whole rupiah, so every platform can render it)

    @property
    def discount(self) -> int:
        return self.unit_discount * self.quantity

    @property
    def amount(self) -> int:
        return (self.unit_price - self.unit_discount) * self.quantity


@dataclass(frozen=True)
class SettlementRevision:
    """What the platform releases to the seller for an order; later revisions adjust it (late refunds)."""

    revision: int
    released_at: datetime
    gross: int
    fees: dict[str, int]  # fee kind (canonical taxonomy) → signed amount, negative = charged to the seller
    refunds: int = 0  # signed, ≤ 0: money given back to the buyer out of this order

    @property
    def net(self) -> int:
        return self.gross + sum(self.fees.values()) + self.refunds


@dataclass
class WorldOrder:
    platform: str
    shop: Shop
    order_ref: str
    created_at: datetime
    lines: tuple[Line, ...]
    events: list[tuple[datetime, str]]  # (time, canonical status), ascending
    returned: dict[str, int] = field(default_factory=dict)  # sku_ref → quantity returned
    returned_at: datetime | None = None
    settlements: list[SettlementRevision] = field(default_factory=list)
    voucher_seller: int = 0

    @property
    def gross(self) -> int:
        return sum(line.amount for line in self.lines)

    def status_at(self, as_of: datetime) -> str | None:
        visible = [status for moment, status in self.events if moment <= as_of]
        return visible[-1] if visible else None

    def updated_at(self, as_of: datetime) -> datetime:
        times = [moment for moment, _ in self.events if moment <= as_of]
        times += [s.released_at for s in self.settlements if s.released_at <= as_of]
        if self.returned_at and self.returned_at <= as_of:
            times.append(self.returned_at)
        return max(times)

    def event_time(self, status: str) -> datetime | None:
        return next((moment for moment, s in self.events if s == status), None)

    def settlement_at(self, as_of: datetime) -> SettlementRevision | None:
        visible = [s for s in self.settlements if s.released_at <= as_of]
        return visible[-1] if visible else None

    def returned_at_time(self, as_of: datetime) -> dict[str, int]:
        return dict(self.returned) if self.returned_at and self.returned_at <= as_of else {}


@dataclass
class _ShopOrders:
    """One shop's orders in generation order, by reference, and the latest creation time (for the clock)."""

    orders: list[WorldOrder] = field(default_factory=list)
    by_ref: dict[str, WorldOrder] = field(default_factory=dict)
    latest_created: datetime = datetime.min.replace(tzinfo=UTC)

    def add(self, order: WorldOrder) -> None:
        self.orders.append(order)
        self.by_ref[order.order_ref] = order
        self.latest_created = max(self.latest_created, order.created_at)


@dataclass(frozen=True)
class WalletEntry:
    platform: str
    shop_ref: str
    movement_ref: str
    kind: str  # ESCROW_CREDIT | WITHDRAWAL | ADJUSTMENT
    amount: int  # signed, + into the wallet
    occurred_at: datetime
    order_ref: str | None = None
    bank_reference: str | None = None


FOOD_NAMES = ("Nasi Goreng", "Ayam Geprek", "Es Teh Manis", "Mie Ayam", "Sate Madura", "Soto Betawi")
GOODS_NAMES = ("Keripik Singkong", "Batik Tulis", "Kopi Gayo 250g", "Sambal Roa", "Tas Anyaman", "Madu Hutan")


class World:
    """Generate with ``World.generate(config)``; identical configs give identical worlds."""

    def __init__(self, config: WorldConfig) -> None:
        self.config = config
        self.members: list[Member] = []
        self.shops: list[Shop] = []
        self.products: list[Product] = []
        self.orders: list[WorldOrder] = []
        self.wallet: list[WalletEntry] = []
        self.discrepancies: list[Discrepancy] = []  # ground truth of what was injected (WorldConfig.discrepancies)
        self.end = datetime.combine(config.start + timedelta(days=config.days), time(), UTC)
        # Default clock: everything in the generated history has happened (settlements, late refunds, payouts).
        self.as_of = self.end + timedelta(days=40)
        # Per-shop indexes, rebuilt when orders or wallet entries are added (see ``_shop_orders``).
        self._orders_index: tuple[int, dict[tuple[str, str], _ShopOrders]] = (-1, {})
        self._wallet_index: tuple[int, dict[tuple[str, str], list[WalletEntry]]] = (-1, {})
        self._shapes: dict[str, WorldShape] = {}
        self._products_index: tuple[int, dict[tuple[str, str], list[Product]]] = (-1, {})
        self.listings = Listings()  # quantities set by the seller's stock pushes (sandbox update endpoints)
        self.true_stock = TrueStock() if config.stock_limited else None

    @classmethod
    def generate(cls, config: WorldConfig | None = None) -> World:
        world = cls(config or WorldConfig())
        world._build(random.Random(world.config.seed))
        return world

    # --- queries ---------------------------------------------------------------------------------------

    def shops_on(self, platform: str) -> list[Shop]:
        return [shop for shop in self.shops if shop.platform == platform]

    def shop(self, platform: str, shop_ref: str) -> Shop:
        return next(s for s in self.shops if s.platform == platform and s.shop_ref == shop_ref)

    def products_of(self, platform: str, shop_ref: str) -> list[Product]:
        """A shop's products; indexed once per catalogue size (stock pushes ask per call, for 10 000s of SKUs)."""
        if self._products_index[0] != len(self.products):
            index: dict[tuple[str, str], list[Product]] = {}
            for product in self.products:
                index.setdefault((product.platform, product.shop_ref), []).append(product)
            self._products_index = (len(self.products), index)
        return list(self._products_index[1].get((platform, shop_ref), []))

    def orders_of(self, platform: str, shop_ref: str, as_of: datetime | None = None) -> list[WorldOrder]:
        """Orders of one shop that exist at ``as_of`` (default: the world clock), in generation order."""
        as_of = as_of or self.as_of
        shop = self._shop_orders().get((platform, shop_ref))
        if shop is None:
            return []
        if shop.latest_created <= as_of:
            return list(shop.orders)
        return [o for o in shop.orders if o.created_at <= as_of]

    def order(self, platform: str, shop_ref: str, order_ref: str, as_of: datetime | None = None) -> WorldOrder | None:
        """One order of a shop by reference, if it exists at ``as_of``: a dict lookup, not a scan."""
        shop = self._shop_orders().get((platform, shop_ref))
        order = shop.by_ref.get(order_ref) if shop else None
        return order if order is not None and order.created_at <= (as_of or self.as_of) else None

    def wallet_of(self, platform: str, shop_ref: str, as_of: datetime | None = None) -> list[WalletEntry]:
        as_of = as_of or self.as_of
        if self._wallet_index[0] != len(self.wallet):
            index: dict[tuple[str, str], list[WalletEntry]] = {}
            for entry in self.wallet:
                index.setdefault((entry.platform, entry.shop_ref), []).append(entry)
            self._wallet_index = (len(self.wallet), index)
        return [w for w in self._wallet_index[1].get((platform, shop_ref), []) if w.occurred_at <= as_of]

    def _shop_orders(self) -> dict[tuple[str, str], _ShopOrders]:
        """Orders grouped by shop. Sandbox endpoints ask per request; scanning every order of a large world
        each time made a sync quadratic in the world size. Orders are only ever appended, so the count tells
        whether the index is current."""
        if self._orders_index[0] != len(self.orders):
            index: dict[tuple[str, str], _ShopOrders] = {}
            for order in self.orders:
                index.setdefault((order.platform, order.shop.shop_ref), _ShopOrders()).add(order)
            self._orders_index = (len(self.orders), index)
        return self._orders_index[1]

    def stock_of(self, product: Product, as_of: datetime | None = None) -> int:
        """Available stock: what the seller's last push set (minus orders since), else initial, minus goods
        shipped, plus goods returned (as of the clock)."""
        shown = self.listings.shown(product.platform, product.shop_ref, product.sku_ref)
        if shown is not None:
            return shown
        as_of = as_of or self.as_of
        level = product.initial_stock
        # In a stock-limited world every listing of the product draws on its one stock.
        listings = [p for p in self.products if p.product_ref == product.product_ref] if self.true_stock else [product]
        for listing in listings:
            for order in self.orders_of(listing.platform, listing.shop_ref, as_of):
                shipped = order.event_time("SHIPPED")
                for line in order.lines:
                    if line.product is listing and shipped and shipped <= as_of:
                        level -= line.quantity
                level += order.returned_at_time(as_of).get(listing.sku_ref, 0)
        return level

    def place_order(self, platform: str, shop_ref: str, sku_ref: str, quantity: int, at: datetime) -> WorldOrder:
        """A buyer orders (and pays) on one channel, now: refused with ``OutOfStock`` beyond what it shows."""
        product = next(p for p in self.products_of(platform, shop_ref) if p.sku_ref == sku_ref)
        self.listings.take(platform, shop_ref, sku_ref, quantity)
        shop = self.shop(platform, shop_ref)
        serial = len(self.orders) + 1
        line = Line(product, quantity, product.price)
        events = [(at, "PENDING"), (at, "PAID")]
        order = WorldOrder(platform, shop, self.shape(platform).order_ref(shop, at, serial), at, (line,), events)
        self.orders.append(order)
        return order

    # --- generation -------------------------------------------------------------------------------------

    def shape(self, platform: str) -> WorldShape:
        """The platform's shape, as its sandbox class declares it (``PlatformSandbox.shape``)."""
        if platform not in self._shapes:
            # Imported here: the catalog imports the sandbox classes, and they import this module.
            from connectors.base.sandbox.catalog import sandbox_class

            self._shapes[platform] = sandbox_class(platform).shape
        return self._shapes[platform]

    def _build(self, rng: random.Random) -> None:
        config = self.config
        for index in range(1, config.members + 1):
            join = config.start - timedelta(days=rng.randint(60, 900))
            self.members.append(Member(f"{index:04d}", f"Anggota {index:04d}", join))
        for p_index, platform in enumerate(config.platforms):
            self._add_shops(rng, platform, p_index)
        for shop in self.shops:
            self._add_orders(rng, shop)
        if self.true_stock is not None:
            self.orders = self.true_stock.fill(self.orders)
        if config.discrepancies:
            from connectors.base.sandbox.discrepancies import inject_discrepancies

            inject_discrepancies(self)
        for shop in self.shops:
            self._add_wallet(shop)

    def add_channel(self, platform: str) -> None:
        """Add one more platform's shops, products, orders and wallet, drawn from a generator of its own: the rest
        of the world stays exactly what it was, so a channel added to an existing world (the demo's) adds to its
        books without changing any other platform's (adding it to ``WorldConfig.platforms`` would re-draw all)."""
        rng = random.Random(f"{self.config.seed}:{platform}")
        shops = self._add_shops(rng, platform, len({shop.platform for shop in self.shops}))
        for shop in shops:
            self._add_orders(rng, shop)
        for shop in shops:
            self._add_wallet(shop)

    def _add_shops(self, rng: random.Random, platform: str, p_index: int) -> list[Shop]:
        """Two shops per platform: one member's own shop, and a cooperative shop selling several members' goods."""
        member_nos = [m.member_no for m in self.members]
        solo = member_nos[p_index % len(member_nos)]
        shared = tuple(sorted(rng.sample(member_nos, k=min(3, len(member_nos)))))
        shape = self.shape(platform)
        added = []
        for s_index, owners in enumerate(((solo,), shared)):
            flavor = shape.flavors[s_index]
            shop = Shop(
                platform, shape.shop_ref(platform, p_index, s_index), f"{platform} shop {s_index + 1}", owners, flavor
            )
            self.shops.append(shop)
            self._add_products(rng, shop)
            added.append(shop)
        return added

    def _add_products(self, rng: random.Random, shop: Shop) -> None:
        names = FOOD_NAMES if shop.flavor == "food" else GOODS_NAMES
        for index in range(4):
            owner = shop.member_nos[index % len(shop.member_nos)]
            number = len(self.products) + 1
            item_id = str(3_000_000 + number * 10)
            model_id = str(9_000_000 + number * 10) if index % 2 else "0"
            sku_ref = self.shape(shop.platform).sku_ref(item_id, model_id, number)
            price = rng.choice((12_000, 18_500, 25_000, 35_000, 48_000, 75_000, 120_000, 215_000))
            product = Product(
                product_ref=f"P-{number:04d}",
                shop_ref=shop.shop_ref,
                platform=shop.platform,
                member_no=owner,
                sku_ref=sku_ref,
                seller_sku=f"M{owner}-{number:03d}",
                name=f"{names[index % len(names)]} ({owner})",
                price=price,
                initial_stock=rng.randint(*self.config.initial_stock),
                item_id=item_id,
                model_id=model_id,
            )
            self.products.append(self.true_stock.listed(product) if self.true_stock else product)

    def _add_orders(self, rng: random.Random, shop: Shop) -> None:
        config = self.config
        products = self.products_of(shop.platform, shop.shop_ref)
        shape = self.shape(shop.platform)
        for day in range(config.days):
            for _ in range(config.orders_per_day):
                serial = len(self.orders) + 1
                created = datetime.combine(config.start + timedelta(days=day), time(), UTC) + timedelta(
                    seconds=rng.randint(0, 86_399)
                )
                chosen = rng.sample(products, k=rng.choice((1, 1, 2, 3)))
                lines = tuple(Line(p, rng.choice((1, 1, 2, 3)), p.price, rng.choice((0, 0, 0, 1_000))) for p in chosen)
                order = WorldOrder(shop.platform, shop, shape.order_ref(shop, created, serial), created, lines, [])
                self._lifecycle(rng, order, shape.food)
                self.orders.append(order)

    def _lifecycle(self, rng: random.Random, order: WorldOrder, food: bool) -> None:
        config, t0 = self.config, order.created_at
        order.events.append((t0, "PENDING"))
        order.events.append((t0 + timedelta(minutes=rng.randint(1, 30)), "PAID"))
        if rng.random() < config.cancel_rate:
            order.events.append((t0 + timedelta(hours=rng.randint(1, 20)), "CANCELLED"))
            return
        step = timedelta(minutes=40) if food else timedelta(days=1)
        order.events.append((t0 + step / 2 + timedelta(minutes=5), "READY"))
        order.events.append((t0 + step, "SHIPPED"))
        order.events.append((t0 + step * 2, "DELIVERED"))
        completed = t0 + (step * 3 if food else timedelta(days=5))
        if not food and len(order.lines) > 1 and rng.random() < config.return_rate * 3:
            # Partial return before completion: one unit of the first line comes back and is refunded.
            returned_line = order.lines[0]
            order.returned = {returned_line.product.sku_ref: 1}
            order.returned_at = t0 + timedelta(days=4)
        order.events.append((completed, "COMPLETED"))
        if not food and rng.random() < config.voucher_rate:
            order.voucher_seller = 5_000
        first = SettlementRevision(
            1,
            completed + timedelta(minutes=10),
            order.gross,
            self.shape(order.platform).fees(order),
            self._refund(order),
        )
        order.settlements.append(first)
        if rng.random() < config.late_refund_rate:
            # Completed, settled, and later partially refunded: the platform claws the money back.
            claw = -min(order.lines[0].unit_price - order.lines[0].unit_discount, first.net)
            order.settlements.append(
                SettlementRevision(
                    2,
                    first.released_at + timedelta(days=rng.randint(3, 9)),
                    first.gross,
                    first.fees,
                    first.refunds + claw,
                )
            )

    def _refund(self, order: WorldOrder) -> int:
        return -sum(line.unit_price * order.returned.get(line.product.sku_ref, 0) for line in order.lines)

    def _add_wallet(self, shop: Shop) -> None:
        """Escrow credits at release, clawbacks at late refunds, and a withdrawal every few days."""
        events: list[WalletEntry] = []
        for order in self.orders_of(shop.platform, shop.shop_ref, datetime.max.replace(tzinfo=UTC)):
            previous = 0
            for revision in order.settlements:
                delta = revision.net - previous
                kind = "ESCROW_CREDIT" if revision.revision == 1 else "ADJUSTMENT"
                events.append(
                    WalletEntry(
                        shop.platform,
                        shop.shop_ref,
                        f"W{order.order_ref}-{revision.revision}",
                        kind,
                        delta,
                        revision.released_at,
                        order.order_ref,
                    )
                )
                previous = revision.net
        events.sort(key=lambda entry: (entry.occurred_at, entry.movement_ref))
        if self.config.discrepancies:
            from connectors.base.sandbox.discrepancies import tamper_wallet

            events = tamper_wallet(self, shop, events)
        balance, result = 0, []
        payday = datetime.combine(self.config.start, time(9), UTC) + timedelta(days=self.config.withdrawal_every_days)
        last = self.end + timedelta(days=30)
        index = 0
        while payday <= last:
            while index < len(events) and events[index].occurred_at <= payday:
                balance += events[index].amount
                result.append(events[index])
                index += 1
            if balance > 0:
                number = len(result) + 1
                result.append(
                    WalletEntry(
                        shop.platform,
                        shop.shop_ref,
                        f"WD-{shop.shop_ref}-{number:05d}",
                        "WITHDRAWAL",
                        -balance,
                        payday,
                        None,
                        f"TRF{shop.shop_ref[-4:]}{payday:%Y%m%d}",
                    )
                )
                balance = 0
            payday += timedelta(days=self.config.withdrawal_every_days)
        result.extend(events[index:])
        self.wallet.extend(result)

    def iter_settled(
        self, platform: str, shop_ref: str, as_of: datetime | None = None
    ) -> Iterator[tuple[WorldOrder, SettlementRevision]]:
        for order in self.orders_of(platform, shop_ref, as_of):
            revision = order.settlement_at(as_of or self.as_of)
            if revision is not None:
                yield order, revision
