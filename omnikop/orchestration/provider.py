"""Airflow provider metadata (entry point ``apache_airflow_provider``): registers one connection type per
platform the registry discovers (``connectors/<name>/platform.py``). Kept free of Airflow imports because
Airflow calls it while it is itself being imported."""

from __future__ import annotations

from typing import Any

from connectors.base.registry import platforms

HOOKS_MODULE = "omnikop.orchestration.hooks"


def hook_class_name(platform: str) -> str:
    """``shopee`` → ``ShopeeHook``: the class ``omnikop.orchestration.hooks`` defines or generates for it."""
    return f"{platform.capitalize()}Hook"


def connection_types() -> dict[str, str]:
    """conn_type → hook class name, in chart order (the order the four original platforms were listed in)."""
    return {info.name: hook_class_name(info.name) for info in platforms()}


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "omnikop",
        "name": "omnikop",
        "description": "Marketplace and delivery-platform connections for the omnikop cooperative ledger.",
        "versions": ["0.1.0"],
        "connection-types": [
            {"connection-type": conn_type, "hook-class-name": f"{HOOKS_MODULE}.{hook}"}
            for conn_type, hook in connection_types().items()
        ],
    }
