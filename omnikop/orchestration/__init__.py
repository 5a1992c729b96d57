"""Airflow wiring: DAG factories (imported by the thin files in ``dags/``) and the task callables they run.

Nothing here touches the network or a database at import time; DAG files only read ``omnikop.yaml``.
"""
