"""Wiring a configured shop to its connector (credentials from its Airflow Connection)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from connectors.base.protocol import Connector
from connectors.base.registry import build_connector
from connectors.base.windows import Window
from foundation.config import OmnikopConfig


def connector_for(config: OmnikopConfig, engine: Engine, platform: str, shop_ref: str) -> Connector:
    shop = config.shop(platform, shop_ref)
    return build_connector(platform, shop.shop_ref, shop.conn_id, engine, flavor=shop.flavor)


def default_window(
    config: OmnikopConfig, platform: str, shop_ref: str, since: datetime | None, until: datetime | None
) -> Window:
    """Explicit bounds win; otherwise the last day up to now, widened by the shop's lookback for late updates."""
    end = (until or datetime.now(UTC)).replace(microsecond=0)
    start = since or end - timedelta(days=1) - timedelta(hours=config.shop(platform, shop_ref).lookback_hours)
    return Window.of(start, end)
