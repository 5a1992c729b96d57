"""The ``omnikop_stock`` DAG through Airflow's own loader and test runner: on the postings asset and every 15
minutes, one mapped push task per platform; a run pushes to the sandboxes and a rerun pushes nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import select

from connectors.base.connection import env_var_name
from foundation.db import transaction
from omnikop.orchestration.airflow_env import DAGS_FOLDER, AirflowHome
from stock.models import StockPush
from tests.stock.books import book_file, receipt_csv
from tests.stock.channels import PRODUCT, serve_channels

pytestmark = pytest.mark.slow  # real Airflow runs


def test_the_stock_dag_is_scheduled_on_postings_and_a_short_timer(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OMNIKOP_CONFIG", str(tmp_path / "none.yaml"))
    (tmp_path / "none.yaml").write_text("{}")
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    dag = bag.dags["omnikop_stock"]
    assert type(dag.timetable).__name__ == "AssetOrTimeSchedule" and not dag.catchup
    assert "omnikop_ledger_postings" in str(dag.timetable.asset_condition)
    pushes = {t.task_id: t.pool for t in dag.tasks if t.task_id.startswith("push_")}
    assert pushes == {f"push_{p}": f"omnikop_{p}" for p in ("shopee", "tokopedia", "gojek", "grab")}


@pytest.mark.slow(seconds=28)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_stock_dag_run_pushes_every_shop_and_a_rerun_pushes_nothing(db_url, engine, tmp_path, airflow_home):  # type: ignore[no-untyped-def]
    with serve_channels() as channels:
        channels.setup_books(engine)
        raw = {"database": {"url": db_url}, **channels.config_raw()}
        config_path = tmp_path / "omnikop.yaml"
        config_path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        book_file(engine, channels.config(), tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 8))
        connections = {env_var_name(f"{p}_{channels.shop(p)}"): channels.connection(p) for p in channels.listings}
        home = AirflowHome(airflow_home, config_path, connections | {"OMNIKOP_TASK_RETRIES": "0"})
        results = home.run_dags(
            [
                {"dag_id": "omnikop_stock", "logical_date": "2026-12-01T01:00:00+00:00"},
                {"dag_id": "omnikop_stock", "logical_date": "2026-12-01T01:15:00+00:00"},
            ]
        )
        assert [r["state"] for r in results] == ["success", "success"], "".join(home.last_output[-60:])
        assert (channels.shown("shopee"), channels.shown("tokopedia")) == (8, 8)
        with transaction(engine) as session:
            rows = session.scalars(select(StockPush)).all()
        assert sorted((r.platform, r.state, r.quantity, r.attempts) for r in rows) == [
            ("shopee", "acknowledged", 8, 1),  # one attempt each: the second run found nothing changed
            ("tokopedia", "acknowledged", 8, 1),
        ]
        assert json.dumps(results)  # the runner reported both runs
