"""Airflow DAGs for the ledger check and reconciliation, scheduled on the ledger-postings asset."""

from omnikop.orchestration.dags import ledger_check_dag, reconciliation_dag

omnikop_ledger_check = ledger_check_dag()
omnikop_reconciliation = reconciliation_dag()
