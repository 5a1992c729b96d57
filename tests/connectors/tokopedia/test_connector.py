"""The connector picks each shop's flavor: the shop configuration, then the Connection, then TikTok."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.base.connection import ConnectionSpec
from connectors.base.errors import ConfigError
from connectors.base.protocol import ConnectorContext
from connectors.tokopedia.connector import flavor_of


def context(flavor: str | None, extra: dict[str, Any] | None = None) -> ConnectorContext:
    return ConnectorContext("1", ConnectionSpec("c", extra=extra or {}), tokens=None, flavor=flavor)  # type: ignore[arg-type]


def test_the_shop_configuration_chooses_the_flavor_then_the_connection_then_tiktok():
    assert flavor_of(context("legacy", {"flavor": "tiktok"})) == "legacy"
    assert flavor_of(context(None, {"flavor": "legacy"})) == "legacy"
    assert flavor_of(context(None)) == "tiktok"
    with pytest.raises(ConfigError, match="neither"):
        flavor_of(context("lazada"))
