"""The store's part of the sandbox world: sales at the till carry no platform fees and no PPh 22."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from connectors.base.sandbox.shape import WorldShape


class StoreWorld(WorldShape):
    fee_schedule: ClassVar[Mapping[str, int]] = {}  # the cooperative's own till: no marketplace fees
