"""Webhook emitters for push-style sandboxes: deliver the world's events to a receiver over real HTTP, with
duplicates, reordering and forged deliveries on demand (the platform's retry habits and an attacker's).

A platform sandbox subclasses ``PushEmitter`` with how its events look (``events``), how it authenticates a
delivery (``authenticate``) and how a forged one looks (``forge``). The emitter never retries by itself: each
delivery's HTTP status is reported, so a test can redeliver what got a 5xx, as the platform would.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from connectors.base.sandbox.faults import FaultPlan
    from connectors.base.sandbox.world import World, WorldOrder


@dataclass(frozen=True)
class Emission:
    event_id: str
    body: bytes
    order_ref: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    path: str = ""  # where this event goes, when a platform pushes to several endpoints (default: ``path``)


@dataclass(frozen=True)
class DeliveryResult:
    event_id: str
    status: int
    forged: bool = False
    duplicate: bool = False


@dataclass(frozen=True)
class EmitOptions:
    duplicates: bool = False  # about a third of the events are delivered twice, the copy later
    reorder: bool = False  # events arrive in a shuffled order (terminal states before earlier ones)
    forged: int = 0  # this many extra deliveries with a bad signature / token, each a modified real event
    seed: int = 0
    only: tuple[str, ...] = ()  # limit to these order refs (empty: all)


class PushEmitter(ABC):
    path: str

    @abstractmethod
    def events(self, shop_ref: str) -> list[Emission]:
        """The shop's events visible at the world clock, in the order they happened."""

    @abstractmethod
    def authenticate(self, session: requests.Session, base_url: str, emission: Emission) -> dict[str, str]:
        """Headers that make ``emission`` authentic (a signature, a bearer token)."""

    @abstractmethod
    def forge(self, emission: Emission) -> tuple[bytes, dict[str, str]]:
        """A tampered body with headers that must not authenticate."""

    def url(self, base_url: str, emission: Emission) -> str:
        return base_url.rstrip("/") + (emission.path or self.path)

    def plan(self, shop_ref: str, options: EmitOptions) -> list[tuple[Emission, bool, bool]]:
        """(emission, forged, duplicate) in delivery order."""
        rng = random.Random(options.seed)
        events = [e for e in self.events(shop_ref) if not options.only or e.order_ref in options.only]
        plan = [(e, False, False) for e in events]
        if options.reorder:
            rng.shuffle(plan)
        if options.duplicates:
            for emission in [e for i, e in enumerate(events) if i % 3 == 0]:
                plan.insert(rng.randint(_position(plan, emission) + 1, len(plan)), (emission, False, True))
        for emission in rng.sample(events, min(options.forged, len(events))):
            plan.insert(rng.randint(0, len(plan)), (emission, True, False))
        return plan

    def deliver(self, base_url: str, shop_ref: str, options: EmitOptions = EmitOptions()) -> list[DeliveryResult]:
        results = []
        with requests.Session() as session:
            for emission, forged, duplicate in self.plan(shop_ref, options):
                if forged:
                    body, headers = self.forge(emission)
                else:
                    body, headers = emission.body, self.authenticate(session, base_url, emission)
                headers = {"Content-Type": "application/json", **emission.headers, **headers}
                answer = session.post(self.url(base_url, emission), data=body, headers=headers, timeout=10)
                results.append(DeliveryResult(emission.event_id, answer.status_code, forged, duplicate))
        return results


def _position(plan: list[tuple[Emission, bool, bool]], emission: Emission) -> int:
    return next(index for index, (planned, _, _) in enumerate(plan) if planned is emission)


# How a platform renders one world order as pushed events: (order, as of, corrupt?) → (moment, event id, ...).
RenderEvents = Callable[["WorldOrder", datetime, bool], Iterable[tuple[Any, ...]]]


def in_time_order(
    world: World, platform: str, shop_ref: str, faults: FaultPlan, render: RenderEvents
) -> list[tuple[tuple[Any, ...], str]]:
    """Every order's rendered events with its order ref, in the order the platform sends them (moment, then event
    id); the orders the fault plan names in ``corrupt_records`` are rendered corrupt."""
    corrupt = set(faults.corrupt_records)
    timeline = [
        (event, order.order_ref)
        for order in world.orders_of(platform, shop_ref)
        for event in render(order, world.as_of, order.order_ref in corrupt)
    ]
    timeline.sort(key=lambda item: (item[0][0], item[0][1]))
    return timeline
