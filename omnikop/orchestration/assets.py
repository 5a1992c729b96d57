"""Assets the DAGs publish and consume (Airflow 3 ``airflow.sdk.Asset``), and pool names; per cooperative."""

from __future__ import annotations

from airflow.sdk import Asset

from foundation.tenants import DEFAULT, Tenant


def ledger_postings(tenant: Tenant = DEFAULT) -> Asset:
    return Asset(name=tenant.prefixed("omnikop_ledger_postings"), uri=tenant.uri("ledger/postings"))


def settlement_files(tenant: Tenant = DEFAULT) -> Asset:
    return Asset(name=tenant.prefixed("omnikop_settlement_files"), uri=tenant.uri("landing/settlement-files"))


def platform_postings(platform: str, tenant: Tenant = DEFAULT) -> Asset:
    return Asset(name=tenant.prefixed(f"omnikop_{platform}_postings"), uri=tenant.uri(f"ledger/postings/{platform}"))


def pool_name(platform: str, tenant: Tenant = DEFAULT) -> str:
    return tenant.prefixed(f"omnikop_{platform}")
