"""Structural conformance: what every connector folder must provide before its data is checked.

A freshly scaffolded connector passes these; ``PullConformance`` (and ``PushConformance``) then check the data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import requests

from connectors.base.connection import connection_json, parse_connection
from connectors.base.protocol import STREAMS, Connector, ConnectorContext, LandedPage
from connectors.base.records import Rejected
from connectors.base.registry import available_platforms, connector_class
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.harness import Harness
from connectors.base.tokens import TokenStore
from foundation.db import Base, make_engine


class StructureConformance:
    harness: ClassVar[Harness]

    def world(self) -> World:
        return World.generate(WorldConfig(days=1, orders_per_day=2, platforms=(self.harness.platform,)))

    def test_the_registry_discovers_the_connector_and_its_sandbox(self) -> None:
        platform = self.harness.platform
        assert platform in available_platforms()
        assert connector_class(platform) is self.harness.connector_class()
        assert issubclass(sandbox_class(platform), PlatformSandbox)

    def test_the_connector_declares_its_streams_and_limits(self) -> None:
        cls = self.harness.connector_class()
        assert cls.platform == self.harness.platform and cls.connection_type
        assert set(cls.streams) <= set(STREAMS) and set(cls.push_streams) <= set(cls.streams)
        assert cls.rate_limit_per_second > 0

    def test_the_sandbox_serves_on_loopback_with_admin_routes(self) -> None:
        sandbox = self.harness.sandbox(self.world())
        assert sandbox.shop_refs(), "the world has no shops for this platform"
        with SandboxServer(sandbox.app) as server:
            answer = requests.get(f"{server.url}/_sandbox/requests", timeout=10)
        assert answer.status_code == 200 and isinstance(answer.json(), list)

    def test_every_shop_connection_builds_a_connector_without_network(self, tmp_path: Path) -> None:
        world = self.world()
        sandbox = self.harness.sandbox(world)
        engine = make_engine(f"sqlite:///{tmp_path}/structure.db")
        Base.metadata.create_all(engine)
        for shop_ref in sandbox.shop_refs():
            connection = sandbox.connection_for(shop_ref, "http://127.0.0.1:9")
            assert connection["conn_type"] == self.harness.connector_class().connection_type
            spec = parse_connection("structure", connection_json(**connection))
            connector = self.harness.connector_class()(
                ConnectorContext(shop_ref, spec, TokenStore(engine, self.harness.platform, shop_ref))
            )
            assert isinstance(connector, Connector) and connector.shop_ref == shop_ref

    def test_parse_turns_garbage_into_rejections_never_exceptions(self, tmp_path: Path) -> None:
        sandbox = self.harness.sandbox(self.world())
        shop_ref = sandbox.shop_refs()[0]
        engine = make_engine(f"sqlite:///{tmp_path}/structure.db")
        Base.metadata.create_all(engine)
        spec = parse_connection("structure", connection_json(**sandbox.connection_for(shop_ref, "http://127.0.0.1:9")))
        connector = self.harness.connector_class()(
            ConnectorContext(shop_ref, spec, TokenStore(engine, self.harness.platform, shop_ref))
        )
        for stream in connector.streams:
            for body in (b"", b"not json", b'{"unexpected": [1, 2, 3]}', b"[null]"):
                page = LandedPage(1, self.harness.platform, shop_ref, stream, "any", {}, body, datetime.now(UTC))
                assert all(isinstance(record, Rejected) or record is not None for record in connector.parse(page))
