"""One migrated Airflow metadata database (SQLite) per test session, copied into each test's Airflow home:
``airflow db migrate`` takes tens of seconds, and every DAG-run test needs a fresh home of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from omnikop.orchestration.airflow_env import AirflowHome


@pytest.fixture(scope="session")
def migrated_airflow_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("airflow-template")
    AirflowHome(home, home / "unused.yaml", {}).migrate()
    return home / "airflow.db"


@pytest.fixture
def airflow_home(migrated_airflow_db: Path, tmp_path: Path) -> Path:
    """A fresh Airflow home whose metadata database is already migrated."""
    home = tmp_path / "airflow"
    home.mkdir()
    shutil.copy(migrated_airflow_db, home / "airflow.db")
    return home
