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
