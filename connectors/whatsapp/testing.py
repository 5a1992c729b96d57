"""The WhatsApp conformance harnesses: structure (a folder like every platform's) and push (signed webhooks).

WhatsApp has no API omnikop pulls and no settlement report: the push kit's settlement-file check does not apply
(``settlement_files = False``); payments are confirmations, checked against the world's payments in
``tests/connectors/whatsapp/test_confirm.py``. The order truth is what a WhatsApp order message can say: each
order placed (PENDING) with its gross; its later state is known only once its payment is confirmed.
"""

from __future__ import annotations

from datetime import datetime

from connectors.base.protocol import Connector
from connectors.base.sandbox.emitter import PushEmitter
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.base.testing.push import PushHarness
from connectors.base.testing.truth import Summary, world_summary
from connectors.whatsapp.connector import WhatsappConnector
from connectors.whatsapp.sandbox import WhatsappSandbox, render

WORLD = WorldConfig(orders_per_day=5, days=4, platforms=("whatsapp",))


def whatsapp_truth(world: World, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
    """Orders as the webhook tells them (placed, with their gross); settlements as the payments confirm them
    (gross = net: no platform fees)."""
    if stream == "orders":
        return {o.order_ref: ("PENDING", o.gross) for o in world.orders_of("whatsapp", shop_ref, as_of)}
    if stream == "settlements":
        orders = {o.order_ref: o for o in world.orders_of("whatsapp", shop_ref, as_of)}
        return {p.order_ref: (orders[p.order_ref].gross,) * 2 for p in render.payments(world, shop_ref)}
    return world_summary(world, "whatsapp", shop_ref, stream, as_of)


class WhatsappHarness(Harness):
    platform = "whatsapp"
    page_size = 0  # nothing is pulled
    max_window = None
    list_path = "/webhooks/whatsapp"
    detail_path = "/webhooks/whatsapp"
    world_config = WORLD

    def sandbox(self, world: World) -> PlatformSandbox:
        return WhatsappSandbox(world)

    def connector_class(self) -> type[Connector]:
        return WhatsappConnector

    def token_grants(self, sandbox: PlatformSandbox) -> int:
        return 0  # no tokens: the app secret signs, nothing is granted


class WhatsappPushHarness(PushHarness):
    platform = "whatsapp"
    world_config = WORLD
    personal_data = (render.BUYER_NAME, render.BUYER_NOTE, render.BUYER_TEXT, render.BUYER_WA_ID)
    settlement_files = False

    def sandbox(self, world: World) -> PlatformSandbox:
        return WhatsappSandbox(world)

    def connector_class(self) -> type[Connector]:
        return WhatsappConnector

    def emitter(self, sandbox: PlatformSandbox) -> PushEmitter:
        assert isinstance(sandbox, WhatsappSandbox)
        return sandbox.emitter

    def settlement_report(self, sandbox: PlatformSandbox, shop_ref: str, kind: str) -> bytes:
        raise NotImplementedError("WhatsApp has no settlement report: payments are confirmed (orders confirm)")

    def truth(self, world: World, shop_ref: str, stream: str, as_of: datetime | None = None) -> Summary:
        return whatsapp_truth(world, shop_ref, stream, as_of)
