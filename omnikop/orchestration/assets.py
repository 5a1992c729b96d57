"""Assets the DAGs publish and consume (Airflow 3 ``airflow.sdk.Asset``)."""

from __future__ import annotations

from airflow.sdk import Asset

LEDGER_POSTINGS = Asset(name="omnikop_ledger_postings", uri="omnikop://ledger/postings")
SETTLEMENT_FILES = Asset(name="omnikop_settlement_files", uri="omnikop://landing/settlement-files")


def platform_postings(platform: str) -> Asset:
    return Asset(name=f"omnikop_{platform}_postings", uri=f"omnikop://ledger/postings/{platform}")


def pool_name(platform: str) -> str:
    return f"omnikop_{platform}"
