"""Pushing stock to a channel: the shared shape every platform's ``stock_push`` module fills in.

A platform folder offers ``connectors/<platform>/stock_push.py`` exporting ``PUSHER``, a callable
``PUSHER(connector) -> StockPusher``. The pusher turns absolute quantities per platform SKU into that
platform's documented stock call(s), through the connector's own client (its signing, token flow, error
table, rate limiter and retry budget), and yields one ``PushedPage`` per call: the request and the answer (to
be landed like any pulled page) and what the answer acknowledged per SKU.

Every quantity is absolute: a push repeated after a crash or a timeout sets the same number again, it never
subtracts twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from connectors.base.errors import ConfigError
from connectors.base.http import ApiResponse
from connectors.base.protocol import Connector, FetchedPage

PUSH_STREAM = "stock_push"


class PushUnsupported(ConfigError):
    """This shop cannot receive stock (no stock API for its platform or flavor): skip it, say why, never retry."""


@dataclass(frozen=True, slots=True)
class StockTarget:
    sku_ref: str  # the platform's SKU id, as the connector's order lines name it
    quantity: int  # absolute units the channel should show
    seller_sku: str | None = None  # the seller's own id (GoBiz external_id, Grab partner item id)


@dataclass(frozen=True, slots=True)
class StockAck:
    sku_ref: str
    ok: bool
    quantity: int | None = None  # what the platform says it now shows (when it says)
    reason: str = ""


@dataclass(frozen=True)
class PushedPage:
    page: FetchedPage | None  # None: refused before any call (nothing to land)
    acks: tuple[StockAck, ...]


class StockPusher(Protocol):
    #: what one call may carry and how fast calls may go (the partner's documented floor; used by the benchmark)
    batch: int
    calls_per_second: float
    #: the channel's stock figure includes what its own open orders reserve (Shopee), rather than only what is
    #: still for sale (TikTok available quantity, Grab maxStock that orders decrement, GoFood in/out of stock)
    counts_own_reserved: bool

    def shown(self, quantity: int) -> int:
        """What the channel can show of ``quantity`` (GoBiz: in stock or not; Grab: at most 9 999 999)."""
        ...

    def push(self, targets: Sequence[StockTarget]) -> Iterator[PushedPage]: ...


@dataclass(frozen=True, slots=True)
class MenuStock:
    """One item of a channel's menu as omnikop serves it (Grab's Get Menu pulls these)."""

    item_id: str  # the partner's (our) item id: the SKU mapping's seller SKU
    name: str
    price: int  # whole rupiah
    quantity: int


# (platform, shop_ref) → the shop's menu items with their quantities; injected into the webhook receiver by the
# shell (omnikop webhooks serve), which knows the stock: connectors never read the ledger.
StockSource = Callable[[str, str], Sequence[MenuStock]]


def pushed_page(kind: str, response: ApiResponse) -> FetchedPage:
    """A push's request and answer, in the form pulled pages are landed in."""
    return FetchedPage(PUSH_STREAM, kind, response.call.descriptor(), response.body, response.status, datetime.now(UTC))


def stock_pusher(connector: Connector) -> StockPusher:
    """The connector's pusher; a platform without ``stock_push.py`` cannot receive stock (said clearly)."""
    try:
        module = importlib.import_module(f"connectors.{connector.platform}.stock_push")
    except ModuleNotFoundError as missing:
        if missing.name != f"connectors.{connector.platform}.stock_push":
            raise
        raise ConfigError(
            f"{connector.platform} has no stock push (connectors/{connector.platform}/stock_push.py)"
        ) from None
    factory: Callable[[Connector], StockPusher] = module.PUSHER
    return factory(connector)
