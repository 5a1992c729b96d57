"""The push conformance kit is run against deliberately broken receivers and connectors, one per guarantee,
so no check can pass vacuously: each must fail when the behaviour it guards is removed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, Request, Response
from sqlalchemy.exc import SQLAlchemyError

import connectors.base.webhooks as webhooks
from connectors.base.protocol import Connector, LandedPage
from connectors.base.records import Order, Parsed
from connectors.base.sandbox.world import World
from connectors.base.testing.push import PushConformance, push_env
from connectors.gojek import events
from connectors.gojek.connector import GojekConnector
from connectors.gojek.testing import GojekPushHarness


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(GojekPushHarness.world_config)


def run(harness: GojekPushHarness, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: str,
        *args: object) -> None:  # fmt: skip
    with push_env(harness, world, f"sqlite:///{tmp_path}/kit.db", monkeypatch) as env:
        webhooks.Base.metadata.create_all(env.engine)
        kit = type("Kit", (PushConformance,), {"harness": harness})()
        getattr(kit, check)(env, *args)


def unverified_router(receiver: webhooks.Receiver) -> APIRouter:
    api = APIRouter()

    @api.post("/webhooks/gojek")
    async def accept_anything(request: Request) -> Response:
        event = events.prepare(await receiver.read_body(request))
        page = webhooks.received_page(event.stream, event.kind, "/webhooks/gojek", event.body)
        await receiver.land("gojek", [webhooks.Delivery(event.outlet_id, event.event_id, page)])
        return Response(status_code=200)

    return api


class ArrivalOrderConnector(GojekConnector):
    """Treats the arrival order as the event order (the classic webhook bug)."""

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        for record in super().parse(page):
            if isinstance(record, Order):
                record = dataclasses.replace(record, updated_at=page.fetched_at, revision=str(page.id))
            yield record


class ArrivalOrderHarness(GojekPushHarness):
    def connector_class(self) -> type[Connector]:
        return ArrivalOrderConnector


def test_a_receiver_that_skips_verification_fails_the_forgery_check(world, tmp_path, monkeypatch):
    monkeypatch.setattr(webhooks, "platform_routers", lambda: {"gojek": unverified_router})
    with pytest.raises(AssertionError):
        run(GojekPushHarness(), world, tmp_path, monkeypatch, FORGERY_CHECK)


def test_a_parser_trusting_arrival_order_fails_the_latest_state_check(world, tmp_path, monkeypatch):
    with pytest.raises(AssertionError):
        run(ArrivalOrderHarness(), world, tmp_path, monkeypatch, KIT_ORDER_CHECK)


def test_a_receiver_without_deduplication_fails_the_exactly_once_check(world, tmp_path, monkeypatch):
    original = webhooks.land_deliveries
    counter = iter(range(1_000_000))

    def land_every_copy(engine, platform, deliveries):  # type: ignore[no-untyped-def]
        fresh = [
            dataclasses.replace(d, event_id=f"{d.event_id}#{next(counter)}",
                                page=dataclasses.replace(d.page, body=d.page.body + b" " * next(counter)))
            for d in deliveries
        ]  # fmt: skip
        return original(engine, platform, fresh)

    monkeypatch.setattr(webhooks, "land_deliveries", land_every_copy)
    with pytest.raises(AssertionError):
        run(GojekPushHarness(), world, tmp_path, monkeypatch, KIT_ORDER_CHECK)


def test_a_receiver_that_acknowledges_a_failed_landing_fails_the_5xx_check(world, tmp_path, monkeypatch):
    async def swallow(self, platform, deliveries):  # type: ignore[no-untyped-def]
        try:
            return webhooks.land_deliveries(self.engine, platform, deliveries)
        except SQLAlchemyError:
            return []  # "we'll get it next time": the platform never redelivers

    monkeypatch.setattr(webhooks.Receiver, "land", swallow)
    with pytest.raises(AssertionError):
        run(GojekPushHarness(), world, tmp_path, monkeypatch, LANDING_CHECK, tmp_path)


def test_a_receiver_that_keeps_personal_data_fails_the_privacy_check(world, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(events, "KEEP", True)
    with pytest.raises(AssertionError, match="was kept"):
        run(GojekPushHarness(), world, tmp_path, monkeypatch, PRIVACY_CHECK, caplog)


KIT_ORDER_CHECK = "test_every_order_reaches_its_latest_state_once_despite_duplicates_and_reordering"
LANDING_CHECK = "test_a_landing_failure_answers_5xx_and_the_redelivery_lands"
PRIVACY_CHECK = "test_secrets_and_personal_data_never_reach_logs_or_landing"
FORGERY_CHECK = "test_forged_deliveries_are_refused_and_leave_no_trace"


@pytest.mark.parametrize("check", [KIT_ORDER_CHECK, FORGERY_CHECK])
def test_the_same_setup_passes_with_the_real_receiver_and_connector(world, tmp_path, monkeypatch, check):
    """Positive control: the failures above come from the breakage, not from how the kit is run here."""
    run(GojekPushHarness(), world, tmp_path, monkeypatch, check)
