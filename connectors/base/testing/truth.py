"""Compare what a connector parsed with the world's ground truth: per-stream summaries, exact to the rupiah."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from datetime import datetime
from decimal import Decimal

from connectors.base.records import Order, Parsed, Rejected, Settlement, StockLevel, WalletMovement
from connectors.base.sandbox.world import World

Summary = dict[Hashable, object]  # keyed by document ref, or by (kind, amount) for the wallet stream


def world_summary(world: World, platform: str, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
    as_of = as_of or world.as_of
    if stream == "orders":
        return {o.order_ref: (o.status_at(as_of), o.gross) for o in world.orders_of(platform, shop_ref, as_of)}
    if stream == "settlements":
        return {o.order_ref: (s.gross, s.net) for o, s in world.iter_settled(platform, shop_ref, as_of)}
    if stream == "wallet":
        return dict(Counter((w.kind, w.amount) for w in world.wallet_of(platform, shop_ref, as_of)))
    if stream == "stock":
        return {p.sku_ref: world.stock_of(p, as_of) for p in world.products_of(platform, shop_ref)}
    raise ValueError(stream)


def parsed_summary(records: Iterable[Parsed], stream: str) -> Summary:
    """Latest revision per document, in the same shape as ``world_summary``."""
    if stream == "orders":
        latest: dict[str, Order] = {}
        for r in records:
            if isinstance(r, Order) and (r.order_ref not in latest or r.updated_at >= latest[r.order_ref].updated_at):
                latest[r.order_ref] = r
        return {ref: (o.status.value, _int(o.gross)) for ref, o in latest.items()}
    if stream == "settlements":
        # Latest revision of each settlement document, then summed per order: a platform may settle an order
        # in several documents (a sale, then a refund in a later statement).
        settled: dict[str, Settlement] = {}
        for r in records:
            if isinstance(r, Settlement):
                current = settled.get(r.settlement_ref)
                if current is None or _revision(r) >= _revision(current):
                    settled[r.settlement_ref] = r
        per_order: dict[str, tuple[int, int]] = {}
        for s in settled.values():
            gross, net = per_order.get(s.order_ref or s.settlement_ref, (0, 0))
            per_order[s.order_ref or s.settlement_ref] = (gross + _int(s.gross), net + _int(s.net))
        return dict(per_order.items())  # from the pairs: a dict[str, ...] is no dict[Hashable, ...] (invariance)
    if stream == "wallet":
        unique = {r.movement_ref: r for r in records if isinstance(r, WalletMovement)}
        return dict(Counter((m.kind.value, _int(m.amount)) for m in unique.values()))
    if stream == "stock":
        levels: dict[str, dict[str, int]] = {}
        for r in records:
            if isinstance(r, StockLevel):
                levels.setdefault(r.sku_ref, {})[r.location] = r.available
        return {sku: sum(by_location.values()) for sku, by_location in levels.items()}
    raise ValueError(stream)


def _revision(settlement: Settlement) -> tuple[int, str]:
    return (
        (int(settlement.revision), settlement.revision) if settlement.revision.isdigit() else (0, settlement.revision)
    )


def _int(amount: Decimal) -> int:
    if amount != amount.to_integral_value():
        raise AssertionError(f"amount {amount} has a fraction of a rupiah")
    return int(amount)


def mismatch(records: Iterable[Parsed], rejected: Iterable[Rejected], stream: str, truth: Summary) -> str:
    """Why parsed records differ from the ground truth ('' when they match): the first rejections and the
    documents missing, extra or different, so a failing kit check says what went wrong, not only that it did."""
    problems = [f"rejected {r.record_key}: {r.reason} ({r.message})" for r in list(rejected)[:5]]
    parsed = parsed_summary(records, stream)
    if parsed != truth:
        missing = sorted(str(k) for k in truth.keys() - parsed.keys())
        extra = sorted(str(k) for k in parsed.keys() - truth.keys())
        different = sorted(
            f"{k}: {parsed[k]} != {truth[k]}" for k in parsed.keys() & truth.keys() if parsed[k] != truth[k]
        )
        for label, items in (("missing", missing), ("extra", extra), ("different", different)):
            if items:
                problems.append(f"{label} ({len(items)}): {', '.join(items[:5])}")
    return "; ".join(f"{stream}: {p}" for p in problems)
