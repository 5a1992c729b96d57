"""The SHU DAG: compute → ApprovalOperator → post, through Airflow's own loader and test runner.

The run test answers the approval through Airflow's REST API (``hitl_responder``) while ``dag.test`` waits for
it, so the whole human-in-the-loop path runs: a "Reject" posts nothing, an "Approve" posts once, and the ledger
records the approving Airflow user and the inputs hash they saw.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from foundation.db import transaction
from ledger.models import JournalEntry
from omnikop.orchestration.airflow_env import DAGS_FOLDER, AirflowHome
from shu.models import ShuApproval, ShuComputation
from tests.shu.books import worked_example_books

RESPONDER = Path(__file__).with_name("hitl_responder.py")

pytestmark = pytest.mark.slow  # real Airflow runs: started first when tests run in parallel


def test_the_shu_dag_computes_then_waits_for_approval_then_posts_and_parses_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "omnikop.yaml"
    path.write_text(yaml.safe_dump({"database": {"url": "postgresql+psycopg://nobody@203.0.113.1:1/never"}}))
    monkeypatch.setenv("OMNIKOP_CONFIG", str(path))
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a DAG file opened a network connection at import time")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from airflow.dag_processing.dagbag import DagBag
    from airflow.providers.standard.operators.hitl import ApprovalOperator

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    assert not [w for w in caught if "deprecat" in str(w.message).lower()], [str(w.message) for w in caught]
    dag = bag.dags["omnikop_shu"]
    assert type(dag.timetable).__name__ == "NullTimetable" and not dag.catchup  # manual trigger only
    assert {t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks} == {
        "compute": ["approve", "post"],
        "approve": ["post"],
        "post": [],
    }
    approve = dag.get_task("approve")
    assert isinstance(approve, ApprovalOperator) and approve.options == ["Approve", "Reject"]
    assert "inputs_hash" in approve.subject and all(task.retries == 0 for task in dag.tasks)


@pytest.mark.slow(seconds=48)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_rejected_run_posts_nothing_and_an_approved_run_posts_once_with_the_approver(
    db_url, engine, tmp_path, airflow_home
):
    worked_example_books(engine)
    config = tmp_path / "omnikop.yaml"
    config.write_text(yaml.safe_dump({"database": {"url": db_url}, "shu": {"output_dir": str(tmp_path / "out")}}))
    passwords = tmp_path / "passwords.json"
    passwords.write_text(json.dumps({"bendahara": "rahasia"}))
    home = AirflowHome(
        airflow_home,
        config,
        {
            "OMNIKOP_TASK_RETRIES": "0",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "bendahara:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__API_AUTH__JWT_SECRET": "omnikop-shu-dag-test-" * 4,
        },
    )
    spec = {
        "dag_id": "omnikop_shu",
        "user": "bendahara",
        "password": "rahasia",
        "answers": {"2026-03-01": "Reject", "2026-03-02": "Approve"},
        "timeout": 180,
    }
    with subprocess.Popen(
        [sys.executable, str(RESPONDER), json.dumps(spec)],
        env=home.env(),
        cwd=home.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as responder:
        results = home.run_dags(
            [
                {"dag_id": "omnikop_shu", "logical_date": f"2026-03-0{day}T00:00:00+00:00", "conf": {"year": 2025}}
                for day in (1, 2)
            ]
        )
        answered, _ = responder.communicate(timeout=60)
    assert [r["state"] for r in results] == ["success", "success"], "".join(home.last_output[-60:]) + answered
    assert responder.returncode == 0 and "['Reject']" in answered and "['Approve']" in answered, answered

    with transaction(engine) as session:
        computations = list(session.scalars(select(ShuComputation).order_by(ShuComputation.id)))
        approval = session.scalars(select(ShuApproval)).one()
        posted = session.scalar(
            select(func.count()).select_from(JournalEntry).where(JournalEntry.source_ref == "shu:2025")
        )
    assert len(computations) == 2 and computations[0].inputs_hash == computations[1].inputs_hash
    assert (approval.approved_by, approval.channel, approval.entries) == ("bendahara", "airflow", 3)
    assert approval.inputs_hash == computations[1].inputs_hash and approval.computation_id == computations[1].id
    assert posted == 3
    assert (tmp_path / "out" / "shu-2025-members.csv").exists()
