"""Airflow DAG pushing stock to every channel, one per cooperative (see omnikop.orchestration.stock_dag)."""

from foundation.tenants import tenants
from omnikop.orchestration.stock_dag import stock_dag

for _tenant in tenants():
    _dag = stock_dag(_tenant)
    globals()[_dag.dag_id] = _dag
