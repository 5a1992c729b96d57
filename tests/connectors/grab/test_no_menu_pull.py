"""Grab has no partner-side "get menu": Grab pulls the menu from the partner's own Get Menu endpoint and takes
availability pushed with ``PUT /partner/v1/menu`` / ``batch/menu``. So the sandbox serves no
``GET /partner/v1/merchant/menu`` and the connector pulls no inventory (Grab stock comes from omnikop's books)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from connectors.base.connection import connection_json, parse_connection
from connectors.base.protocol import ConnectorContext
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import FAST_BUDGET
from connectors.base.tokens import TokenStore
from connectors.base.windows import Window
from connectors.grab.connector import GrabConnector
from connectors.grab.sandbox import GrabSandbox
from foundation.db import Base, make_engine


def test_the_sandbox_has_no_grab_side_menu_and_the_connector_pulls_no_stock(tmp_path: Path) -> None:
    world = World.generate(WorldConfig(orders_per_day=2, days=1, platforms=("grab",)))
    sandbox = GrabSandbox(world)
    shop = world.shops_on("grab")[0].shop_ref
    engine = make_engine(f"sqlite:///{tmp_path}/t.db")
    Base.metadata.create_all(engine)
    with SandboxServer(sandbox.app) as server:
        spec = parse_connection("grab_t", connection_json(**sandbox.connection_for(shop, server.url)))
        connector = GrabConnector(
            ConnectorContext(shop, spec, TokenStore(engine, "grab", shop), None, budget=FAST_BUDGET)
        )
        connector.check()  # authenticates against an endpoint Grab has (the order list), not the menu
        assert sandbox.state.requests_to("/merchant/menu") == []
        token = connector.client.access_token()
        menu = requests.get(
            f"{server.url}/partner/v1/merchant/menu",
            params={"merchantID": shop},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert menu.status_code == 404
    assert "stock" not in GrabConnector.streams
    assert not hasattr(connector.client, "get_menu")
    window = Window(datetime.now(UTC) - timedelta(days=1), datetime.now(UTC))
    with pytest.raises(ValueError, match="stock"):
        list(connector.pull("stock", window))
