"""Connectors are looked up by platform name: ``connectors/<name>/`` is a platform when it holds
``connector.py`` (exporting ``CONNECTOR``) and ``platform.py`` (exporting ``PLATFORM``, a ``PlatformInfo``).

This is the one source of truth for which platforms exist: configuration validates shop platforms here, the
Airflow hooks and provider, the receivable accounts and their chart rows are all derived from the
declarations. Adding a connector is one folder; discovery needs no edit here.
"""

from __future__ import annotations

import importlib

from sqlalchemy import Engine

from connectors.base.connection import load_connection
from connectors.base.errors import ConfigError
from connectors.base.platform_info import PlatformInfo
from connectors.base.protocol import Connector, ConnectorContext
from connectors.base.tokens import TokenStore
from foundation.platforms import available_platforms


def check_platform(platform: str) -> str:
    """``platform`` if a connector of that name exists; otherwise a ``ConfigError`` listing the ones that do."""
    names = available_platforms()
    if platform not in names:
        raise ConfigError(f"no connector named {platform!r}; available: {', '.join(names)}")
    return platform


def platform_info(platform: str) -> PlatformInfo:
    """The platform's declaration (``connectors/<platform>/platform.py``)."""
    module = importlib.import_module(f"connectors.{check_platform(platform)}.platform")
    info = getattr(module, "PLATFORM", None)
    if not isinstance(info, PlatformInfo) or info.name != platform:
        raise ConfigError(f"connectors/{platform}/platform.py must export PLATFORM, a PlatformInfo named {platform!r}")
    return info


def platforms() -> list[PlatformInfo]:
    """Every platform's declaration in chart order (by receivable account code), the order the ledger lists
    them in; two platforms claiming one receivable account are refused."""
    infos = sorted((platform_info(name) for name in available_platforms()), key=lambda info: info.receivable.code)
    for before, after in zip(infos, infos[1:], strict=False):
        if before.receivable.code == after.receivable.code:
            raise ConfigError(
                f"platforms {before.name!r} and {after.name!r} both declare receivable account {after.receivable.code}"
            )
    return infos


def connector_class(platform: str) -> type[Connector]:
    module = importlib.import_module(f"connectors.{check_platform(platform)}.connector")
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
