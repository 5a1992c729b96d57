"""A sync DAG run through Airflow's own test runner posts the same ledger as ``omnikop sync`` for the same
window, and re-running the interval posts nothing. The ledger-check DAG passes on the result."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pendulum
import pytest
import yaml
from airflow.timetables.interval import CronDataIntervalTimetable
from sqlalchemy import func, select

from connectors.base.connection import env_var_name
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.shopee.sandbox import ShopeeSandbox
from core_mapping.csv_io import import_mappings
from foundation.db import make_engine, transaction
from ledger.fingerprint import ledger_fingerprint
from ledger.models import JournalEntry
from members.csv_io import import_members
from omnikop import migrate
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from omnikop.orchestration.airflow_env import AirflowHome

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
RUN_AFTER = pendulum.datetime(2026, 1, 9, 6, 0, tz="UTC")
LOOKBACK_HOURS = 24 * 12

pytestmark = pytest.mark.slow  # real Airflow runs: started first when tests run in parallel


def configure(
    tmp_path: Path, name: str, db_url: str, world: World, server_url: str, sandbox: ShopeeSandbox
) -> tuple[Path, dict[str, str]]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump({"database": {"url": db_url}, "shops": shop_configs(world, lookback_hours=LOOKBACK_HOURS)})
    )
    env = {
        env_var_name(conn_id("shopee", s)): json.dumps(sandbox.connection_for(s, server_url))
        for s in sandbox.shop_refs()
    }
    cli_env = {**os.environ, **env, "OMNIKOP_CONFIG": str(path)}
    cli_env.pop("OMNIKOP_DATABASE_URL", None)
    engine = make_engine(db_url)
    with transaction(engine) as session:
        import_members(session, io.StringIO(members_csv(world)))
        import_mappings(session, io.StringIO(mappings_csv(world)))
    engine.dispose()
    return path, cli_env


@pytest.fixture
def second_database(db_url: str) -> Iterator[str]:
    """An empty, migrated database of the same kind, for the CLI's run; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(db_url).database + "_cli"
    admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(db_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def entries(db_url: str) -> tuple[int, str]:
    engine = make_engine(db_url)
    with transaction(engine) as session:
        result = session.scalar(select(func.count()).select_from(JournalEntry)), ledger_fingerprint(session)
    engine.dispose()
    return result  # type: ignore[return-value]


@pytest.mark.slow(seconds=45)
@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_dag_run_posts_the_same_ledger_as_the_cli_and_a_rerun_posts_nothing(
    db_url, second_database, tmp_path, airflow_home
):
    """On PostgreSQL, the production database; the demo test runs the same DAGs on SQLite end to end."""
    world = World.generate(WorldConfig(days=8, orders_per_day=4, platforms=("shopee",)))
    dag_sandbox, cli_sandbox = ShopeeSandbox(world), ShopeeSandbox(world)
    cli_db = second_database
    with SandboxServer(dag_sandbox.app) as dag_server, SandboxServer(cli_sandbox.app) as cli_server:
        dag_config, dag_env = (
            configure(tmp_path / "dag", "dag", db_url, world, dag_server.url, dag_sandbox)
            if (tmp_path / "dag").mkdir() is None
            else None
        )
        cli_config, cli_env = (
            configure(tmp_path / "cli", "cli", cli_db, world, cli_server.url, cli_sandbox)
            if (tmp_path / "cli").mkdir() is None
            else None
        )
        home = AirflowHome(
            airflow_home,
            dag_config,
            {k: v for k, v in dag_env.items() if k.startswith("AIRFLOW_CONN_")} | {"OMNIKOP_TASK_RETRIES": "0"},
        )
        run = home.dags_test("omnikop_sync_shopee", RUN_AFTER.isoformat())
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        posted, dag_print = entries(db_url)
        assert posted > 20

        interval = CronDataIntervalTimetable("0 1 * * *", timezone="Asia/Jakarta").infer_manual_data_interval(
            run_after=RUN_AFTER
        )
        since = (interval.start - timedelta(hours=LOOKBACK_HOURS)).in_timezone("UTC").strftime("%Y-%m-%dT%H:%M:%S")
        until = interval.end.in_timezone("UTC").strftime("%Y-%m-%dT%H:%M:%S")
        for shop in cli_sandbox.shop_refs():
            subprocess.run(
                [OMNIKOP, "sync", "shopee", "--shop", shop, "--since", since, "--until", until],
                env=cli_env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        assert entries(cli_db) == (posted, dag_print)

        # The rerun and the ledger check go through the same runner in one Airflow process (see dag_runner).
        results = home.run_dags(
            [
                {"dag_id": "omnikop_sync_shopee", "logical_date": RUN_AFTER.isoformat()},
                {"dag_id": "omnikop_ledger_check", "logical_date": RUN_AFTER.isoformat()},
            ]
        )
        assert [r["state"] for r in results] == ["success", "success"], "".join(home.last_output[-40:])
        assert entries(db_url) == (posted, dag_print)
    assert datetime.fromisoformat(until) > datetime.fromisoformat(since)


@pytest.mark.slow(seconds=38)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_one_shop_can_be_backfilled_alone(db_url, tmp_path, airflow_home):
    """``airflow backfill create … --dag-run-conf '{"shops": [SHOP]}'`` plans daily runs over the range; each
    run with that conf syncs only the named shop."""
    world = World.generate(WorldConfig(days=4, orders_per_day=3, platforms=("shopee",)))
    sandbox = ShopeeSandbox(world)
    with SandboxServer(sandbox.app) as server:
        config, env = configure(tmp_path, "backfill", db_url, world, server.url, sandbox)
        home = AirflowHome(
            airflow_home,
            config,
            {k: v for k, v in env.items() if k.startswith("AIRFLOW_CONN_")} | {"OMNIKOP_TASK_RETRIES": "0"},
        )
        assert home.run("dags", "reserialize").returncode == 0
        shop = sandbox.shop_refs()[1]
        plan = home.run(
            "backfill",
            "create",
            "--dag-id",
            "omnikop_sync_shopee",
            "--from-date",
            "2026-01-02",
            "--to-date",
            "2026-01-04",
            "--dag-run-conf",
            json.dumps({"shops": [shop]}),
            "--dry-run",
        )
        assert plan.returncode == 0, plan.stderr[-2000:]
        planned = [line.split("|")[1].strip() for line in plan.stdout.splitlines() if line.startswith("| 2026-")]
        assert planned == ["2026-01-02 18:00:00+00:00", "2026-01-03 18:00:00+00:00"]
        run = home.dags_test("omnikop_sync_shopee", RUN_AFTER.isoformat(), conf={"shops": [shop]})
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    from connectors.base.landing import RawPage

    engine = make_engine(db_url)
    with transaction(engine) as session:
        shops = set(session.scalars(select(RawPage.shop_ref).distinct()))
    engine.dispose()
    assert shops == {shop}
