"""Airflow sync DAGs, one per platform configured in omnikop.yaml (see omnikop.orchestration.dags)."""

from omnikop.config import load_config
from omnikop.orchestration.dags import sync_dag

for _platform in sorted({shop.platform for shop in load_config().shops}):
    globals()[f"omnikop_sync_{_platform}"] = sync_dag(_platform)
