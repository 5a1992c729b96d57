"""Airflow sync DAGs: one per platform configured for each cooperative (see omnikop.orchestration.dags)."""

from foundation.config import load_config
from foundation.tenants import tenants
from omnikop.orchestration.dags import sync_dag

for _tenant in tenants():
    with _tenant.active():
        _platforms = sorted({shop.platform for shop in load_config().shops})
    for _platform in _platforms:
        _dag = sync_dag(_platform, _tenant)
        globals()[_dag.dag_id] = _dag
