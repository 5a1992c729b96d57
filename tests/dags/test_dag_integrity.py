"""The dags/ folder through Airflow's own loader: no import errors, no deprecated Airflow 2 APIs, the
expected tasks, pools and assets, and no database or network work at import time."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

import pytest
import yaml

from omnikop.orchestration.airflow_env import DAGS_FOLDER


@pytest.fixture
def dagbag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    config = {
        "database": {"url": "postgresql+psycopg://nobody@203.0.113.1:1/never"},  # unreachable: import must not connect
        "shops": [
            {"platform": "shopee", "shop_ref": "880000101", "conn_id": "shopee_a"},
            {"platform": "shopee", "shop_ref": "880000102", "conn_id": "shopee_b"},
        ],
    }
    path = tmp_path / "omnikop.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("OMNIKOP_CONFIG", str(path))
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a DAG file opened a network connection at import time")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from airflow.dag_processing.dagbag import DagBag

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bag = DagBag(dag_folder=str(DAGS_FOLDER))
    return bag, caught


def test_dags_import_cleanly_without_deprecated_airflow_apis(dagbag):
    bag, caught = dagbag
    assert bag.import_errors == {}
    deprecated = [w for w in caught if "deprecat" in str(w.message).lower() or "Deprecat" in w.category.__name__]
    assert deprecated == [], [str(w.message) for w in deprecated]
    expected = {"omnikop_sync_shopee", "omnikop_ledger_check", "omnikop_reconciliation", "omnikop_settlement_inbox"}
    assert expected <= set(bag.dag_ids)


def test_sync_dag_maps_over_shops_in_the_platform_pool_and_publishes_postings(dagbag):
    bag, _ = dagbag
    dag = bag.dags["omnikop_sync_shopee"]
    assert sorted(dag.task_ids) == ["shops", "sync"]
    sync = dag.get_task("sync")
    assert sync.pool == "omnikop_shopee"
    assert {asset.uri for asset in sync.outlets} == {"omnikop://ledger/postings", "omnikop://ledger/postings/shopee"}
    assert sync.retries == 3 and sync.retry_exponential_backoff
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable" and not dag.catchup


def test_check_and_reconciliation_dags_are_scheduled_on_the_postings_asset(dagbag):
    bag, _ = dagbag
    for dag_id, task_id in (("omnikop_ledger_check", "ledger_check"), ("omnikop_reconciliation", "reconcile")):
        dag = bag.dags[dag_id]
        assert task_id in dag.task_ids
        assert "omnikop://ledger/postings" in str(dag.timetable.asset_condition)


def test_settlement_inbox_dag_maps_over_the_report_platforms(dagbag):
    bag, _ = dagbag
    dag = bag.dags["omnikop_settlement_inbox"]
    assert sorted(dag.task_ids) == ["import_inbox", "platforms"]
    assert {asset.uri for asset in dag.get_task("import_inbox").outlets} == {"omnikop://landing/settlement-files"}
