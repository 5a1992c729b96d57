"""WhatsApp's part of the sandbox world: shops are business phone number ids, orders are wamids, and the
cooperative's own catalog carries no platform fees (Meta charges for conversations, not for orders)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from connectors.base.sandbox.shape import WorldShape
from connectors.base.sandbox.world import Shop


def wamid(*parts: object) -> str:
    """A deterministic message id in the Cloud API's look (``wamid.`` + base64)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:27]
    return "wamid.HBgM" + base64.b64encode(digest).decode()


class WhatsappWorld(WorldShape):
    fee_schedule: ClassVar[Mapping[str, int]] = {}

    def shop_ref(self, platform: str, p_index: int, s_index: int) -> str:
        return str(106_540_352_000_000 + p_index * 10 + s_index + 1)

    def order_ref(self, shop: Shop, created: datetime, serial: int) -> str:
        return wamid(shop.shop_ref, created.isoformat(), serial)
