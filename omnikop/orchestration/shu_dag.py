"""The year-end SHU DAG: compute → human approval (Airflow HITL ``ApprovalOperator``) → post.

Triggered by hand once the books of a year are final, with ``conf={"year": 2025}`` (optionally ``"surplus"``).
``compute`` stores the computation and writes its tables; ``approve`` waits — for as long as the RAT takes — in
Airflow's *Required Actions* (UI or REST API) showing the pools and the inputs hash; ``post`` runs only on
"Approve" (a "Reject" skips it) and posts that very hash, recording the responding user as the approver.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.hitl import ApprovalOperator
from airflow.sdk import DAG, Param, get_current_context, task

from foundation.tenants import DEFAULT, Tenant
from omnikop.orchestration.dags import START, TAGS, default_args

COMPUTED = "ti.xcom_pull(task_ids='compute')"


def shu_dag(tenant: Tenant = DEFAULT) -> DAG:
    with DAG(
        tenant.prefixed("omnikop_shu"),
        description="Year-end SHU: compute, approve (human in the loop), post",
        schedule=None,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args={**default_args(), "retries": 0},
        params={"year": Param(None, type=["null", "integer"], description="financial year (tahun buku)")},
        tags=[*TAGS, *tenant.tag, "shu"],
        doc_md=__doc__,
    ) as dag:

        @task
        def compute() -> dict[str, Any]:
            from omnikop.orchestration.shu_tasks import compute_for_approval, year_from_conf

            conf = get_current_context()["dag_run"].conf or {}
            with tenant.active():
                return compute_for_approval(year_from_conf(conf), conf.get("surplus"))

        approve = ApprovalOperator(
            task_id="approve",
            subject=f"Approve SHU {{{{ {COMPUTED}['year'] }}}} (inputs {{{{ {COMPUTED}['inputs_hash'][:12] }}}})",
            body=f"{{{{ {COMPUTED}['body'] }}}}",
        )

        @task
        def post(computed: dict[str, Any], approval: dict[str, Any]) -> dict[str, Any]:
            from omnikop.orchestration.shu_tasks import post_approved

            with tenant.active():
                return post_approved(computed["year"], computed["inputs_hash"], approval)

        computed = compute()
        computed >> approve
        post(computed, approve.output)  # type: ignore[arg-type]  # XComArgs, resolved to the dicts at run time
    return dag
