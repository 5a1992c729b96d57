"""What a connector is: pulls that yield raw pages to land, and a parser from landed pages to canonical records.

A connector knows its platform and nothing of the ledger. ``pull`` is resumable: each page it yields may carry
a ``checkpoint`` (its position once that page is landed); given that checkpoint back as ``resume``, the pull
continues after it without fetching completed pages again.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from connectors.base.connection import ConnectionSpec
from connectors.base.http import RetryBudget
from connectors.base.records import Parsed
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window

STREAMS = ("orders", "settlements", "wallet", "stock")


@dataclass(frozen=True)
class FetchedPage:
    """One raw response as received (the request descriptor holds no secrets)."""

    stream: str
    kind: str  # which response this is, e.g. 'order_detail'; tells ``parse`` how to read it
    request: dict[str, Any]
    body: bytes
    http_status: int
    fetched_at: datetime
    checkpoint: dict[str, Any] | None = None


@dataclass(frozen=True)
class LandedPage:
    id: int
    platform: str
    shop_ref: str
    stream: str
    kind: str
    request: dict[str, Any]
    body: bytes
    fetched_at: datetime


@dataclass
class ConnectorContext:
    shop_ref: str
    connection: ConnectionSpec
    tokens: TokenStore
    flavor: str | None = None
    timeout: tuple[float, float] = (5.0, 30.0)
    budget: RetryBudget = field(default_factory=RetryBudget)
    sleep: Callable[[float], None] = time.sleep


class Connector(ABC):
    platform: ClassVar[str]
    connection_type: ClassVar[str]
    streams: ClassVar[tuple[str, ...]] = STREAMS
    # Streams the platform pushes (webhooks) or hands over as files instead of offering a pull API.
    push_streams: ClassVar[tuple[str, ...]] = ()
    # Partner rate limit the client keeps under, and the Airflow pool size derived from it.
    rate_limit_per_second: ClassVar[float] = 10.0
    # Kinds of landed page that only hint at a change (``follow_ups`` reads these and no others). Empty: the
    # pipeline does not scan the backlog for hints at all (after a large pull that scan read every page body).
    hint_kinds: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self.shop_ref = context.shop_ref

    @abstractmethod
    def check(self) -> None:
        """Prove the credentials work (obtain a token, call a cheap endpoint); raise ``AuthError`` if not."""

    @abstractmethod
    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        """Fetch ``stream`` for records updated in ``window``, continuing after ``resume`` if given."""

    @abstractmethod
    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        """Canonical records (or ``Rejected`` with a reason) from one landed page; never raises on bad data."""

    def follow_ups(self, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        """Pages to fetch because some landed pages only *hint* at a change (a Grab state push names an order;
        a Shopee push says an order changed). Called by the pipeline before parsing, on the unprocessed pages
        whose kind is in ``hint_kinds``. Default: pushes carry everything, nothing to fetch."""
        return iter(())

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a log line (for redaction and the secrets scan)."""
        return self.context.connection.secret_values()
