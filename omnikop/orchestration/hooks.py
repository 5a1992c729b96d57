"""Airflow connection types, one per platform, so the Connections UI shows each platform's own fields.

The hooks only describe the form; connectors read credentials through ``connectors.base.connection``, which
resolves the same Connection inside Airflow and ``AIRFLOW_CONN_<ID>`` outside it.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseHook


class _PlatformHook(BaseHook):
    conn_name_attr = "conn_id"
    fields: dict[str, str] = {}
    placeholders: dict[str, str] = {}

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
        return {"hidden_fields": ["schema", "port"], "relabeling": cls.fields, "placeholders": cls.placeholders}


class ShopeeHook(_PlatformHook):
    conn_type, hook_name, default_conn_name = "shopee", "Shopee Open Platform v2", "shopee_default"
    fields = {"host": "API base URL", "login": "Partner ID", "password": "Partner key"}
    placeholders = {
        "host": "https://partner.shopeemobile.com",
        "extra": '{"refresh_token": "<from the shop authorisation>"}  or  {"code": "<authorisation code>"}',
    }


class TokopediaHook(_PlatformHook):
    conn_type, hook_name, default_conn_name = "tokopedia", "Tokopedia / TikTok Shop", "tokopedia_default"
    fields = {"host": "API base URL", "login": "App key / client id", "password": "App secret / client secret"}
    placeholders = {
        "host": "https://open-api.tiktokglobalshop.com",
        "extra": '{"flavor": "tiktok", "refresh_token": "..."}  or  {"flavor": "legacy", "fs_id": "..."}',
    }


class GojekHook(_PlatformHook):
    conn_type, hook_name, default_conn_name = "gojek", "GoBiz (GoFood/GoMart)", "gojek_default"
    fields = {"host": "API base URL", "login": "Client id", "password": "Client secret"}
    placeholders = {"host": "https://api.gobiz.co.id", "extra": '{"notification_secret": "...", "outlet_id": "..."}'}


class GrabHook(_PlatformHook):
    conn_type, hook_name, default_conn_name = "grab", "GrabFood / GrabMart", "grab_default"
    fields = {"host": "API base URL", "login": "Client id", "password": "Client secret"}
    placeholders = {"host": "https://partner-api.grab.com/grabfood", "extra": '{"scope": "food.partner_api"}'}


HOOKS = (ShopeeHook, TokopediaHook, GojekHook, GrabHook)
