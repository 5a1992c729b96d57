"""One push cycle for one channel (a shop): what it should show, what changed, push it, land and acknowledge.

1. **Desired**: for each of the shop's SKU mappings with a platform SKU id, the product's available-to-sell at
   the shop's location, under the shop's allocation rule. Only *managed* products are pushed: those with an
   opening receipt or count at the location. Without one the unit ledger does not know the level, and pushing
   0 would empty every listing of a cooperative that has not loaded its stock yet.
2. **Changed**: only SKUs whose desired quantity differs from the last acknowledged one (or never
   acknowledged, or left pending by a crash) are pushed.
3. Rows are written ``pending`` and committed *before* the calls; each call's request and answer are landed
   (stream ``stock_push``, marked processed: nothing in them is to be booked) and its acknowledgements
   recorded in one transaction. A worker killed between the call and that transaction leaves the SKUs
   pending; the next cycle sets the same absolute quantity again: no double decrement.

Rate limits and pools are the connector's own (its client's shared limiter and retry budget).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from connectors.base.landing import land_page
from connectors.base.protocol import Connector
from connectors.base.stock_push import PUSH_STREAM, PushedPage, StockTarget, stock_pusher
from core_mapping.models import ProcessedPage, SkuMapping
from foundation.config import OmnikopConfig
from foundation.db import transaction
from ledger.bulk import insert_rows
from ledger.models import GoodsMovement, table_of
from stock.allocation import channel_quantity
from stock.master import pool_of, positions, reservations
from stock.models import StockPush
from sync.pipeline import fault_point

log = logging.getLogger("omnikop.stock")
OPENING_REASONS = ("CONSIGNMENT_RECEIVED", "PURCHASE_RECEIVED", "STOCK_COUNT_ADJUSTMENT")


@dataclass
class PushSummary:
    platform: str
    shop_ref: str
    skus: int = 0  # SKUs of managed products mapped on the shop
    changed: int = 0
    acknowledged: int = 0
    failed: int = 0
    calls: int = 0
    not_managed: list[str] = field(default_factory=list)  # products without an opening count
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.platform}:{self.shop_ref}: {self.skus} SKU(s), {self.changed} changed, {self.acknowledged}"
            f" acknowledged, {self.failed} failed, {self.calls} call(s)"
            + (f"; {len(self.not_managed)} product(s) without an opening count skipped" if self.not_managed else "")
        )


@dataclass(frozen=True, slots=True)
class Desired:
    product_ref: str
    quantity: int
    seller_sku: str | None


def desired_quantities(
    session: Session,
    config: OmnikopConfig,
    platform: str,
    shop_ref: str,
    today: date,
    *,
    with_own_reserved: bool = False,
) -> tuple[dict[str, Desired], list[str]]:
    """sku_ref → what the channel should show (before the channel's own rounding, ``StockPusher.shown``); and
    the mapped products left unmanaged. ``with_own_reserved``: the channel's stock figure still includes what its
    own open orders reserve (Shopee: "stock must be ≥ reserved stock"), so those units are added back."""
    location = config.stock.location_of(platform, shop_ref)
    rule = config.stock.allocation(platform, shop_ref)
    held = positions(session, config.stock)
    managed = _managed(session, config, location)
    own: dict[str, int] = {}
    if with_own_reserved:
        for reservation in reservations(session, config.stock):
            if (reservation.platform, reservation.shop_ref) == (platform, shop_ref):
                own[reservation.product_ref] = own.get(reservation.product_ref, 0) + reservation.quantity
    mappings = session.scalars(
        select(SkuMapping).where(
            SkuMapping.platform == platform, SkuMapping.shop_ref == shop_ref, SkuMapping.sku_ref.is_not(None)
        )
    )
    wanted: dict[str, Desired] = {}
    unmanaged: set[str] = set()
    for mapping in mappings:
        if mapping.effective_from > today or (mapping.effective_to is not None and mapping.effective_to < today):
            continue
        if mapping.product_ref not in managed:
            unmanaged.add(mapping.product_ref)
            continue
        position = held.get((location, mapping.product_ref))
        available = position.available if position is not None else 0
        quantity = channel_quantity(available, rule) + own.get(mapping.product_ref, 0)
        wanted[str(mapping.sku_ref)] = Desired(mapping.product_ref, quantity, mapping.seller_sku)
    return wanted, sorted(unmanaged)


def push_shop(
    engine: Engine,
    config: OmnikopConfig,
    connector: Connector,
    *,
    progress: Callable[[PushSummary], None] | None = None,
) -> PushSummary:
    """Push the shop's changed quantities; raises the connector's error if a call fails beyond its retries
    (the SKUs stay pending and the next cycle pushes them again)."""
    platform, shop_ref = connector.platform, connector.shop_ref
    now = datetime.now(UTC)
    summary = PushSummary(platform, shop_ref)
    pusher = stock_pusher(connector)
    with transaction(engine) as session:
        wanted, summary.not_managed = desired_quantities(
            session, config, platform, shop_ref, now.date(), with_own_reserved=pusher.counts_own_reserved
        )
        summary.skus = len(wanted)
        state = {
            row.sku_ref: row
            for row in session.scalars(
                select(StockPush).where(StockPush.platform == platform, StockPush.shop_ref == shop_ref)
            )
        }
        targets = [
            StockTarget(sku, pusher.shown(want.quantity), want.seller_sku)
            for sku, want in sorted(wanted.items())
            if not _settled(state.get(sku), pusher.shown(want.quantity))
        ]
        _mark_pending(session, platform, shop_ref, targets, wanted, state, now)
    summary.changed = len(targets)
    if not targets:
        return summary
    for pushed in pusher.push(targets):
        if pushed.acks:
            fault_point("stock_pushed")  # the channel took the quantities; omnikop has not recorded it yet
        _record(engine, platform, shop_ref, pushed, summary)
        if progress is not None:
            progress(summary)
    log.info("stock push %s", summary.line())
    return summary


def _settled(row: StockPush | None, quantity: int) -> bool:
    return row is not None and row.state == "acknowledged" and row.acknowledged_quantity == quantity


def _mark_pending(
    session: Session,
    platform: str,
    shop_ref: str,
    targets: list[StockTarget],
    wanted: dict[str, Desired],
    state: dict[str, StockPush],
    now: datetime,
) -> None:
    for target in targets:
        row = state.get(target.sku_ref)
        if row is None:
            row = StockPush(platform=platform, shop_ref=shop_ref, sku_ref=target.sku_ref, attempts=0)
            session.add(row)
        row.product_ref, row.quantity, row.state = wanted[target.sku_ref].product_ref, target.quantity, "pending"
        row.attempts, row.pushed_at, row.reason = (row.attempts or 0) + 1, now, None


def _record(engine: Engine, platform: str, shop_ref: str, pushed: PushedPage, summary: PushSummary) -> None:
    """Land the call's request and answer and apply its acknowledgements, in one transaction."""
    with transaction(engine) as session:
        page_id = None
        if pushed.page is not None:
            page_id, _ = land_page(session, platform, shop_ref, pushed.page)
            if pushed.page.stream == PUSH_STREAM:
                summary.calls += 1
                marker = {"page_id": page_id, "processed_at": datetime.now(UTC), "records": 0, "quarantined": 0}
                insert_rows(session, table_of(ProcessedPage), [marker], skip_any_conflict=True)
        if not pushed.acks:
            return
        rows = {
            row.sku_ref: row
            for row in session.scalars(
                select(StockPush).where(
                    StockPush.platform == platform,
                    StockPush.shop_ref == shop_ref,
                    StockPush.sku_ref.in_([ack.sku_ref for ack in pushed.acks]),
                )
            )
        }
        now = datetime.now(UTC)
        for ack in pushed.acks:
            row = rows[ack.sku_ref]
            row.raw_page_id = page_id
            if ack.ok:
                row.state, row.acknowledged_at = "acknowledged", now
                row.acknowledged_quantity = ack.quantity if ack.quantity is not None else row.quantity
                summary.acknowledged += 1
            else:
                row.state, row.reason = "failed", ack.reason
                summary.failed += 1
                summary.failures.append(f"{ack.sku_ref}: {ack.reason}")


def _managed(session: Session, config: OmnikopConfig, location: str) -> set[str]:
    """Products with an opening receipt or count at ``location``."""
    query = (
        select(GoodsMovement.location, GoodsMovement.product_ref)
        .where(GoodsMovement.reason.in_(OPENING_REASONS))
        .group_by(GoodsMovement.location, GoodsMovement.product_ref)
        .having(func.count() > 0)
    )
    return {product for where, product in session.execute(query) if pool_of(where, config.stock) == location}
