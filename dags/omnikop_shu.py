"""Airflow DAG for year-end profit sharing (SHU), one per cooperative (see omnikop.orchestration.shu_dag)."""

from foundation.tenants import tenants
from omnikop.orchestration.shu_dag import shu_dag

for _tenant in tenants():
    _dag = shu_dag(_tenant)
    globals()[_dag.dag_id] = _dag
