"""The shared webhook receiver: one FastAPI app, one path per platform, every accepted event landed first.

Contract every platform router keeps (``PushConformance`` checks it over real HTTP):

* the body is read as raw bytes, at most ``max_body`` (413 beyond, nothing landed);
* it is authenticated against the RAW bytes (GoBiz/Shopee HMAC) or a bearer token (Grab) before anything else;
  a failure answers 401 and lands nothing;
* an authentic event is landed (``land_page``) and its event id recorded in ``push_events`` in ONE transaction
  *before* the 2xx answer; if that fails the answer is 503 so the platform delivers it again;
* a delivery whose event id was already recorded answers 2xx and lands nothing (duplicates are normal: every
  platform retries on timeouts). ``push_events`` is the explicit check; landing's body-hash dedup is a second net;
* no header value, secret or buyer personal data reaches a log line.

Platform routers live in ``connectors/<platform>/webhooks.py`` and export ``router(receiver) -> APIRouter``;
the app mounts every one it finds, so adding Tokopedia/TikTok push is one new file in that folder.
Secrets come from each shop's Airflow Connection (``load_connection``), read per request so rotation works.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from sqlalchemy import DateTime, Engine, String, UniqueConstraint, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from starlette.concurrency import run_in_threadpool

from connectors.base.connection import ConnectionSpec, load_connection
from connectors.base.errors import ConfigError
from connectors.base.landing import land_page
from connectors.base.protocol import FetchedPage
from connectors.base.registry import available_platforms
from connectors.base.stock_push import StockSource
from foundation.db import Base, BigIntKey, transaction

log = logging.getLogger("omnikop.webhooks")
MAX_BODY = 512 * 1024  # the largest real order event is a few KiB; anything near this is not an event


class PushEvent(Base):
    """Every push event id accepted once per platform; the landed page it became."""

    __tablename__ = "push_events"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(200))
    shop_ref: Mapped[str] = mapped_column(String(80))
    page_id: Mapped[int | None] = mapped_column(BigIntKey, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("platform", "event_id", name="uq_push_events_event"),)


@dataclass(frozen=True)
class PushShop:
    """A configured shop the receiver accepts events for, and the Connection holding its push secrets."""

    platform: str
    shop_ref: str
    conn_id: str


@dataclass(frozen=True)
class Delivery:
    """One authenticated event, cleaned of personal data, ready to land."""

    shop_ref: str
    event_id: str
    page: FetchedPage


@dataclass(frozen=True)
class Landed:
    event_id: str
    page_id: int | None  # None: a duplicate event id, nothing landed

    @property
    def duplicate(self) -> bool:
        return self.page_id is None


class Receiver:
    """What platform routers share: configured shops, their secrets, bounded body reading and landing."""

    def __init__(self, engine: Engine, shops: Sequence[PushShop], *, max_body: int = MAX_BODY) -> None:
        self.engine, self.shops, self.max_body = engine, tuple(shops), max_body
        # Menus with quantities for partner endpoints the platforms pull (Grab's Get Menu); set by the shell.
        self.stock_source: StockSource | None = None

    def shops_of(self, platform: str) -> list[PushShop]:
        return [shop for shop in self.shops if shop.platform == platform]

    def connections(self, platform: str) -> list[tuple[PushShop, ConnectionSpec]]:
        """Each configured shop of ``platform`` with its Connection; a missing Connection is logged, skipped."""
        found = []
        for shop in self.shops_of(platform):
            try:
                found.append((shop, load_connection(shop.conn_id)))
            except ConfigError as error:
                log.error("%s shop %s: %s", platform, shop.shop_ref, error)
        return found

    async def read_body(self, request: Request) -> bytes:
        """The raw body, refusing more than ``max_body`` bytes (413) before reading it all into memory."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise HTTPException(413, "body too large")
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > self.max_body:
                raise HTTPException(413, "body too large")
        return bytes(body)

    async def land(self, platform: str, deliveries: Sequence[Delivery]) -> list[Landed]:
        """Land ``deliveries`` in one transaction (off the event loop); 503 if the database refuses."""
        try:
            return await run_in_threadpool(land_deliveries, self.engine, platform, deliveries)
        except SQLAlchemyError as error:
            log.error("%s: landing failed, answering 503 so the platform retries (%s)", platform, type(error).__name__)
            raise HTTPException(503, "could not store the event; please retry") from None


def land_deliveries(engine: Engine, platform: str, deliveries: Sequence[Delivery]) -> list[Landed]:
    """Record each event id and land its page, atomically; an event id seen before lands nothing."""
    results = []
    with transaction(engine) as session:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        for delivery in deliveries:
            event_row = session.scalar(
                insert(PushEvent)
                .values(
                    platform=platform,
                    event_id=delivery.event_id,
                    shop_ref=delivery.shop_ref,
                    received_at=datetime.now(UTC),
                )
                .on_conflict_do_nothing(index_elements=["platform", "event_id"])
                .returning(PushEvent.id)
            )
            if event_row is None:
                results.append(Landed(delivery.event_id, None))
                continue
            page_id, _ = land_page(session, platform, delivery.shop_ref, delivery.page)
            session.execute(update(PushEvent).where(PushEvent.id == event_row).values(page_id=page_id))
            results.append(Landed(delivery.event_id, page_id))
    for delivery, landed in zip(deliveries, results, strict=True):
        outcome = "duplicate, nothing landed" if landed.duplicate else f"landed as page {landed.page_id}"
        kind = delivery.page.kind
        log.info("%s shop %s event %s (%s): %s", platform, delivery.shop_ref, delivery.event_id, kind, outcome)
    return results


# --- helpers for platform routers -----------------------------------------------------------------------------

Spec = dict[str, Any] | bool


def keep_only(value: Any, spec: Spec) -> Any:
    """Copy of ``value`` with only the keys ``spec`` allows (``True`` keeps a subtree); lists apply it per item.

    An allowlist, not a denylist: a field a platform adds later (a new phone or address field) is dropped
    until someone decides it is needed."""
    if spec is True:
        return value
    if isinstance(value, list):
        return [keep_only(item, spec) for item in value]
    if not isinstance(value, dict) or not isinstance(spec, dict):
        return None
    return {key: keep_only(value[key], sub) for key, sub in spec.items() if key in value}


def canonical_json(value: Any) -> bytes:
    """Deterministic bytes for a cleaned event, so a re-delivered event lands as the identical page.

    Integers stay integers (GoBiz rupiah, Grab minor units); a non-integer number, parsed as ``Decimal``,
    is written as its exact decimal string rather than through float."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_exact).encode()


def _exact(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def body_event_id(body: bytes) -> str:
    """An event id for payloads without one: the body's hash (identical re-deliveries share it)."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def received_page(stream: str, kind: str, path: str, body: bytes, **described: Any) -> FetchedPage:
    """A landed page for a pushed event: the request descriptor names the path, never a header."""
    return FetchedPage(stream, kind, {"push": path, **described}, body, 200, datetime.now(UTC))


# --- the app -----------------------------------------------------------------------------------------------

RouterFactory = Callable[[Receiver], APIRouter]


def platform_routers() -> dict[str, RouterFactory]:
    """``router`` of every ``connectors/<platform>/webhooks.py`` (platforms without one are not mounted)."""
    found: dict[str, RouterFactory] = {}
    for platform in available_platforms():
        try:
            module = importlib.import_module(f"connectors.{platform}.webhooks")
        except ModuleNotFoundError as error:
            if error.name != f"connectors.{platform}.webhooks":
                raise
            continue
        found[platform] = module.router
    return found


def build_app(receiver: Receiver) -> FastAPI:
    app = FastAPI(title="omnikop webhook receiver", docs_url=None, redoc_url=None, openapi_url=None)
    routers = platform_routers()
    for factory in routers.values():
        app.include_router(factory(receiver))

    @app.get("/webhooks/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "platforms": sorted(routers), "shops": len(receiver.shops)}

    return app


def receiver_from_config(engine: Engine, config: Any, *, max_body: int = MAX_BODY) -> Receiver:
    """A receiver for the shops of an ``OmnikopConfig`` (``shops: [{platform, shop_ref, conn_id}]``)."""
    shops = [PushShop(shop.platform, shop.shop_ref, shop.conn_id) for shop in config.shops]
    return Receiver(engine, shops, max_body=max_body)
