"""DAG factories. ``dags/*.py`` call these; every DAG here is cheap to build (no I/O beyond reading config).

Sync DAGs: one per configured platform, ``omnikop_sync_<platform>``, scheduled daily on data intervals in
Asia/Jakarta time. A first task lists the platform's shops (``dag_run.conf["shops"]`` narrows it, which is how
one shop is backfilled); ``sync`` is mapped over them, so one shop's failure never blocks another's. Sync
tasks run in the platform's pool (sized to its partner rate limit) and publish the ledger-postings assets
that schedule the reconciliation and ledger-check DAGs.

Every factory takes the cooperative (``foundation.tenants.Tenant``) it serves: a named tenant's DAG ids, pools
and assets carry its name, and its tasks run against its own config and ledger database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import DAG, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

from foundation.tenants import DEFAULT, Tenant
from omnikop.orchestration.assets import ledger_postings, platform_postings, pool_name, settlement_files
from omnikop.orchestration.tasks import task_retries

START = pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta")
TAGS = ["omnikop"]


def default_args() -> dict[str, Any]:
    return {
        "owner": "omnikop",
        "retries": task_retries(),
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
    }


def sync_dag(platform: str, tenant: Tenant = DEFAULT) -> DAG:
    """Pull → land → map → post every shop of ``platform`` for the run's data interval."""
    with DAG(
        tenant.prefixed(f"omnikop_sync_{platform}"),
        description=f"Sync {platform} shops into the cooperative ledger",
        schedule=CronDataIntervalTimetable("0 1 * * *", timezone="Asia/Jakarta"),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        tags=[*TAGS, *tenant.tag, platform],
        doc_md=__doc__,
    ) as dag:

        @task
        def shops() -> list[str]:
            from omnikop.orchestration.tasks import configured_shops

            conf = get_current_context()["dag_run"].conf or {}
            with tenant.active():
                return configured_shops(platform, conf.get("shops"))

        @task(
            pool=pool_name(platform, tenant),
            outlets=[ledger_postings(tenant), platform_postings(platform, tenant)],
            map_index_template="{{ shop_ref }}",
        )
        def sync(shop_ref: str) -> dict[str, Any]:
            from omnikop.orchestration.tasks import run_window, sync_one_shop

            with tenant.active():
                return sync_one_shop(platform, shop_ref, *run_window(get_current_context()))

        sync.expand(shop_ref=shops())
    return dag


def ledger_check_dag(tenant: Tenant = DEFAULT) -> DAG:
    """Re-verify every ledger invariant whenever postings land; fail loudly on any violation. Alongside, alert on
    shops whose seller authorisation or refresh token ends soon (``omnikop shops expiring``)."""
    with DAG(
        tenant.prefixed("omnikop_ledger_check"),
        description="Ledger invariants (omnikop ledger check)",
        schedule=[ledger_postings(tenant)],
        start_date=START,
        catchup=False,
        default_args={**default_args(), "retries": 0},
        tags=[*TAGS, *tenant.tag],
    ) as dag:

        @task
        def ledger_check() -> str:
            from omnikop.orchestration.tasks import check_ledger_or_fail

            with tenant.active():
                return check_ledger_or_fail()

        @task
        def authorisations() -> str:
            from omnikop.orchestration.tasks import check_authorisations_or_fail

            with tenant.active():
                return check_authorisations_or_fail()

        ledger_check()
        authorisations()  # its own task: an ending authorisation is no ledger violation, and alerts on its own
    return dag


def reconciliation_dag(tenant: Tenant = DEFAULT) -> DAG:
    """Orders ↔ settlements ↔ wallet ↔ bank reconciliation whenever postings land: match, write the month's
    report, and fail (the alert) when open variances exceed ``reconciliation.alert_open_amount``."""
    with DAG(
        tenant.prefixed("omnikop_reconciliation"),
        description="Reconciliation for finance: matching, report, alert on open variances",
        schedule=[ledger_postings(tenant)],
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        tags=[*TAGS, *tenant.tag],
        doc_md=reconciliation_dag.__doc__,
    ) as dag:

        @task
        def reconcile() -> dict[str, Any]:
            from omnikop.orchestration.tasks import reconcile_and_report

            # Asset-triggered runs have no logical date (Airflow 3): then the day the run was triggered.
            run = get_current_context()["dag_run"]
            with tenant.active():
                return reconcile_and_report(run.logical_date or run.run_after)

        reconcile()
    return dag


def settlement_inbox_dag(tenant: Tenant = DEFAULT) -> DAG:
    """Settlement report files (GoBiz, Grab portals) from the configured inbox into landing, hourly.

    Landed reports are posted by the platform's next sync run, like any other landed page.
    """
    with DAG(
        tenant.prefixed("omnikop_settlement_inbox"),
        description="Import settlement report files from the inbox",
        schedule=CronDataIntervalTimetable("15 * * * *", timezone="Asia/Jakarta"),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        tags=[*TAGS, *tenant.tag],
    ) as dag:

        @task
        def platforms() -> list[str]:
            from omnikop.orchestration.tasks import report_platforms

            with tenant.active():
                return report_platforms()

        @task(outlets=[settlement_files(tenant)])
        def import_inbox(platform: str) -> dict[str, Any]:
            from omnikop.orchestration.tasks import import_inbox as run

            with tenant.active():
                return run(platform)

        import_inbox.expand(platform=platforms())
    return dag
