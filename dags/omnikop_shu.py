"""Airflow DAG for year-end profit sharing (SHU): compute, human approval, post (see omnikop.orchestration.shu_dag)."""

from omnikop.orchestration.shu_dag import shu_dag

omnikop_shu = shu_dag()
