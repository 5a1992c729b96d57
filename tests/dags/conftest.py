"""One migrated Airflow metadata database (SQLite) per test session, copied into each test's Airflow home:
``airflow db migrate`` takes tens of seconds, and every DAG-run test needs a fresh home of its own."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pytest

from omnikop.orchestration.airflow_env import AirflowHome


@pytest.fixture(scope="session")
def migrated_airflow_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """Migrated once per run: under pytest-xdist the first worker to need it migrates into the run's shared
    temporary folder (under a lock) and the others copy that file, instead of each paying for the migration."""
    if worker_id == "master":  # not distributed: this process is the whole run
        return _migrate(tmp_path_factory.mktemp("airflow-template"))
    shared = tmp_path_factory.getbasetemp().parent  # one folder per run, common to its workers
    with (shared / "airflow-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        database = shared / "airflow-template" / "airflow.db"
        if not database.exists():
            building = shared / f"airflow-template-{worker_id}"
            building.mkdir()
            _migrate(building).parent.rename(database.parent)  # whole or absent, never half-written
        return database


def _migrate(home: Path) -> Path:
    AirflowHome(home, home / "unused.yaml", {}).migrate()
    return home / "airflow.db"


@pytest.fixture
def airflow_home(migrated_airflow_db: Path, tmp_path: Path) -> Path:
    """A fresh Airflow home whose metadata database is already migrated."""
    home = tmp_path / "airflow"
    home.mkdir()
    shutil.copy(migrated_airflow_db, home / "airflow.db")
    return home
