"""Answer pending Human-in-the-loop requests through Airflow's own REST API, as an approver does in the UI.

Run as a separate process next to a DAG run that waits for input (``dag.test`` parks HITL tasks and keeps polling
the metadata database until a response arrives). It serves Airflow's real API app in-process (FastAPI test
client, no port), logs in as a Simple-auth-manager user, lists the open requests and PATCHes each one with the
answer chosen for its run, so the response carries that user's identity exactly as the UI's would.

    python hitl_responder.py '{"dag_id": "omnikop_shu", "user": "ani", "password": "…",
                               "answers": {"<logical date prefix>": "Approve"}, "timeout": 120}'

If some answer is still owed at the timeout, every open request of the DAG is rejected so the waiting DAG run
ends (``dag.test`` would wait forever) and the caller sees a failure instead of a hang.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> int:
    spec = json.loads(sys.argv[1])
    from airflow.api_fastapi.app import create_app
    from fastapi.testclient import TestClient

    client = TestClient(create_app("core"))
    login = client.post("/auth/token", json={"username": spec["user"], "password": spec["password"]})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    pending = dict(spec["answers"])
    deadline = time.monotonic() + spec.get("timeout", 120)
    while pending and time.monotonic() < deadline:
        for detail in open_requests(client, headers, spec["dag_id"]):
            logical_date = detail["task_instance"].get("logical_date") or ""
            match = next((key for key in pending if logical_date.startswith(key)), None)
            if match is not None:
                answer(client, headers, detail, pending.pop(match))
        time.sleep(0.5)
    if not pending:
        return 0
    print(f"no request appeared for {sorted(pending)}; rejecting what is open", flush=True)
    for detail in open_requests(client, headers, spec["dag_id"]):
        answer(client, headers, detail, "Reject")
    return 1


def open_requests(client: Any, headers: dict[str, str], dag_id: str) -> list[dict[str, Any]]:
    listing = client.get(f"/api/v2/dags/{dag_id}/dagRuns/~/hitlDetails", headers=headers)
    listing.raise_for_status()
    return [detail for detail in listing.json()["hitl_details"] if not detail["response_received"]]


def answer(client: Any, headers: dict[str, str], detail: dict[str, Any], option: str) -> None:
    instance = detail["task_instance"]
    url = (
        f"/api/v2/dags/{instance['dag_id']}/dagRuns/{instance['dag_run_id']}"
        f"/taskInstances/{instance['task_id']}/{instance['map_index']}/hitlDetails"
    )
    response = client.patch(url, headers=headers, json={"chosen_options": [option]})
    response.raise_for_status()
    print(f"answered {instance['logical_date']}: {response.json()['chosen_options']}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
