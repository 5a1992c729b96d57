"""Connectors are looked up by platform name: ``connectors/<name>/connector.py`` exports ``CONNECTOR``.

Adding a connector is one folder; discovery needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from sqlalchemy import Engine

import connectors
from connectors.base.connection import load_connection
from connectors.base.errors import ConfigError
from connectors.base.protocol import Connector, ConnectorContext
from connectors.base.tokens import TokenStore


def available_platforms() -> list[str]:
    root = Path(connectors.__file__).parent
    return sorted(
        module.name
        for module in pkgutil.iter_modules([str(root)])
        if module.ispkg and module.name != "base" and (root / module.name / "connector.py").exists()
    )


def connector_class(platform: str) -> type[Connector]:
    if platform not in available_platforms():
        raise ConfigError(f"no connector named {platform!r}; available: {', '.join(available_platforms())}")
    module = importlib.import_module(f"connectors.{platform}.connector")
    cls = getattr(module, "CONNECTOR", None)
    if cls is None or not issubclass(cls, Connector):
        raise ConfigError(f"connectors/{platform}/connector.py must export CONNECTOR, a Connector subclass")
    return cls


def build_connector(
    platform: str, shop_ref: str, conn_id: str, engine: Engine, *, flavor: str | None = None, **options: object
) -> Connector:
    """A connector for one shop, with credentials from its Airflow Connection and tokens in the database."""
    cls = connector_class(platform)
    context = ConnectorContext(
        shop_ref=str(shop_ref),
        connection=load_connection(conn_id),
        tokens=TokenStore(engine, platform, str(shop_ref)),
        flavor=flavor,
        **options,  # type: ignore[arg-type]
    )
    return cls(context)
