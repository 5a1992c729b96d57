"""Airflow provider metadata (entry point ``apache_airflow_provider``): registers one connection type per
platform. Kept free of Airflow imports because Airflow calls it while it is itself being imported."""

from __future__ import annotations

from typing import Any

CONNECTION_TYPES = {
    "shopee": "ShopeeHook",
    "tokopedia": "TokopediaHook",
    "gojek": "GojekHook",
    "grab": "GrabHook",
}


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "omnikop",
        "name": "omnikop",
        "description": "Marketplace and delivery-platform connections for the omnikop cooperative ledger.",
        "versions": ["0.1.0"],
        "connection-types": [
            {"connection-type": conn_type, "hook-class-name": f"omnikop.orchestration.hooks.{hook}"}
            for conn_type, hook in CONNECTION_TYPES.items()
        ],
    }
