"""Airflow connection types, one per platform, so the Connections UI shows each platform's own fields.

Each hook's conn_type, title and form come from its platform's declaration (``connectors/<name>/platform.py``),
so a new platform needs no edit here: a platform without a class below gets one generated (``HOOKS``). The
hooks only describe the form; connectors read credentials through ``connectors.base.connection``, which
resolves the same Connection inside Airflow and ``AIRFLOW_CONN_<ID>`` outside it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from airflow.sdk import BaseHook

from connectors.base.registry import platform_info, platforms
from omnikop.orchestration.provider import hook_class_name


class _PlatformHook(BaseHook):
    platform: ClassVar[str]
    # What Airflow's providers manager reads off a hook class (BaseHook declares none of them); set below.
    conn_type: ClassVar[str]
    hook_name: ClassVar[str]
    default_conn_name: ClassVar[str]
    conn_name_attr = "conn_id"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Airflow reads these as plain class attributes, so they are set from the declaration once, here."""
        super().__init_subclass__(**kwargs)
        info = platform_info(cls.platform)
        cls.conn_type, cls.hook_name, cls.default_conn_name = info.name, info.form.title, f"{info.name}_default"

    def __init__(self, conn_id: str) -> None:
        super().__init__()
        self.conn_id = conn_id

    def get_conn(self) -> Any:
        return self.get_connection(self.conn_id)

    def test_connection(self) -> tuple[bool, str]:
        """Airflow's Test button: build the connector of a configured shop that uses this Connection and call its
        ``check()`` (a token from the token store, then a cheap call), so a stored single-use refresh token is
        spent, if at all, through the same per-shop lock as a sync. Never raises: Airflow shows the message."""
        from connectors.base.errors import ConnectorError
        from foundation.config import ConfigError, load_config
        from foundation.db import make_engine
        from omnikop.shops import connector_for

        try:
            config = load_config()
            shop = next((s for s in config.shops if s.conn_id == self.conn_id and s.platform == self.conn_type), None)
            if shop is None:
                return False, f"no {self.conn_type} shop in the omnikop configuration uses Connection {self.conn_id!r}"
            engine = make_engine(config.database_url)
            try:
                connector_for(config, engine, shop.platform, shop.shop_ref).check()
            finally:
                engine.dispose()
        except (ConnectorError, ConfigError) as error:
            return False, str(error)
        return True, f"{shop.platform} shop {shop.shop_ref}: the credentials work"

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        form = platform_info(cls.platform).form
        return {
            "hidden_fields": ["schema", "port"],
            "relabeling": dict(form.labels),
            "placeholders": dict(form.placeholders),
        }


class ShopeeHook(_PlatformHook):
    platform = "shopee"


class TokopediaHook(_PlatformHook):
    platform = "tokopedia"


class GojekHook(_PlatformHook):
    platform = "gojek"


class GrabHook(_PlatformHook):
    platform = "grab"


def _hook(platform: str) -> type[_PlatformHook]:
    """The platform's hook class: defined above, or generated and bound to this module under the name the
    provider registers (``omnikop.orchestration.hooks.<Name>Hook``), so Airflow can import it."""
    name = hook_class_name(platform)
    hook = globals().get(name)
    if hook is None:
        hook = type(name, (_PlatformHook,), {"platform": platform, "__module__": __name__})
        globals()[name] = hook
    return hook


HOOKS: tuple[type[_PlatformHook], ...] = tuple(_hook(info.name) for info in platforms())
