"""WhatsApp Business (Cloud API) catalog orders: nothing to pull.

Orders arrive by webhook (``connectors/whatsapp/webhooks.py``, landed by ``omnikop webhooks serve``); payments by
the operator's ``omnikop orders confirm`` (``connectors/whatsapp/confirm.py``), landed as pages too. ``parse``
reads both, so the same pipeline maps and posts them (``omnikop sync whatsapp --shop PHONE_NUMBER_ID``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.base.protocol import Connector, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.windows import Window
from connectors.whatsapp import parse
from connectors.whatsapp.parse import PLATFORM


class WhatsappConnector(Connector):
    platform = PLATFORM
    connection_type = "whatsapp"
    streams = ("orders", "settlements")
    push_streams = ("orders", "settlements")  # orders pushed, settlements confirmed by the operator
    rate_limit_per_second = 1000.0  # nothing is called

    def check(self) -> None:
        """The Cloud API offers no order or payment read omnikop needs; there is nothing to call."""

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        raise ValueError(
            f"WhatsApp has no {stream} API for omnikop: orders arrive by webhook (`omnikop webhooks serve`),"
            " payments by `omnikop orders confirm --platform whatsapp`"
        )

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return parse.parse_page(page)


CONNECTOR = WhatsappConnector
