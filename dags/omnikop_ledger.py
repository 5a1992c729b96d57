"""Airflow DAGs for the ledger check and reconciliation (on the ledger-postings asset) and the settlement inbox."""

from omnikop.orchestration.dags import ledger_check_dag, reconciliation_dag, settlement_inbox_dag

omnikop_ledger_check = ledger_check_dag()
omnikop_reconciliation = reconciliation_dag()
omnikop_settlement_inbox = settlement_inbox_dag()
