"""The stock DAG, ``omnikop_stock``: push every channel's available-to-sell whenever postings land (the
ledger-postings asset: a sync posted sales or returns) and every 15 minutes (receipts, counts and orders paid
but not yet shipped change the stock without a posting).

One mapped task per platform, mapped over its shops: each runs in the platform's pool (the partner's rate
limit, shared with the sync DAGs), and one shop's failure never blocks another's. A push is idempotent
(``stock/push.py``), so retries and overlapping runs set the same quantities again.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, AssetOrTimeSchedule, CronTriggerTimetable, task

from foundation.platforms import platforms_with
from foundation.tenants import DEFAULT, Tenant
from omnikop.orchestration.assets import ledger_postings, pool_name
from omnikop.orchestration.dags import START, TAGS, default_args

EVERY = "*/15 * * * *"


def stock_dag(tenant: Tenant = DEFAULT) -> DAG:
    with DAG(
        tenant.prefixed("omnikop_stock"),
        description="Push available-to-sell stock to every channel",
        schedule=AssetOrTimeSchedule(
            timetable=CronTriggerTimetable(EVERY, timezone="Asia/Jakarta"), assets=[ledger_postings(tenant)]
        ),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        tags=[*TAGS, *tenant.tag, "stock"],
        doc_md=__doc__,
    ) as dag:
        for platform in platforms_with("stock_push"):  # the channels that take stock pushes

            @task(task_id=f"shops_{platform}")
            def shops(platform: str = platform) -> list[str]:
                from omnikop.orchestration.stock_tasks import pushable_shops

                with tenant.active():
                    return pushable_shops(platform)

            @task(task_id=f"push_{platform}", pool=pool_name(platform, tenant), map_index_template="{{ shop_ref }}")
            def push(shop_ref: str, platform: str = platform) -> dict[str, Any]:
                from omnikop.orchestration.stock_tasks import push_one_shop

                with tenant.active():
                    return push_one_shop(platform, shop_ref)

            push.expand(shop_ref=shops())
    return dag
