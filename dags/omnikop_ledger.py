"""Airflow DAGs for the ledger check and reconciliation (on the ledger-postings asset) and the settlement inbox,
one set per cooperative."""

from foundation.tenants import tenants
from omnikop.orchestration.dags import ledger_check_dag, reconciliation_dag, settlement_inbox_dag

for _tenant in tenants():
    for _factory in (ledger_check_dag, reconciliation_dag, settlement_inbox_dag):
        _dag = _factory(_tenant)
        globals()[_dag.dag_id] = _dag
