"""A distributed run, proven here: Airflow's scheduler, dag-processor, api-server and two Celery workers on
PostgreSQL + Redis run the sync DAGs of two cooperatives (tenants). Tasks must run on both workers, and each
cooperative's ledger must equal what the same task functions produce in one process."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from connectors.base.connection import env_var_name
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from core_mapping.csv_io import import_mappings
from foundation.db import make_engine, transaction
from foundation.tenants import Tenant
from ledger.fingerprint import ledger_fingerprint
from members.csv_io import import_members
from omnikop import migrate
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from tests.conftest import PG_URL, REQUIRE_PG, SUMMARY_PROPERTY
from tests.deploy.cluster import celery_cluster

pytestmark = [pytest.mark.slow(seconds=155), pytest.mark.postgres, pytest.mark.timeout(600)]

REDIS_URL = os.environ.get("OMNIKOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
SINCE, UNTIL = "2025-12-01T00:00:00+00:00", "2026-02-20T00:00:00+00:00"
# (tenant, world seed, platforms): the default cooperative and one hosted cooperative, "kop_b".
COOPERATIVES = [(None, 7, ("shopee", "tokopedia")), ("kop_b", 11, ("shopee",))]


def require(condition: bool, reason: str) -> None:
    if not condition:
        if REQUIRE_PG:
            pytest.fail(f"the distributed test is required on CI but {reason}")
        pytest.skip(reason)


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@contextmanager
def pg_database(label: str) -> Iterator[str]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"omnikop_dist_{label}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cooperative_config(world: World, platforms: tuple[str, ...], database: str, prefix: str) -> dict:  # type: ignore[type-arg]
    shops = shop_configs(world, platforms=platforms)
    for shop in shops:
        shop["conn_id"] = f"{prefix}{shop['conn_id']}"
    return {"database": {"url": database}, "shops": shops}


def seed_members_and_mappings(database: str, world: World, platforms: tuple[str, ...]) -> None:
    import io

    engine = make_engine(database)
    migrate.upgrade(engine)
    with transaction(engine) as session:
        import_members(session, io.StringIO(members_csv(world)))
        import_mappings(session, io.StringIO(mappings_csv(world, platforms=platforms)))
    engine.dispose()


def fingerprint(database: str) -> str:
    engine = make_engine(database)
    with Session(engine) as session:
        result = ledger_fingerprint(session)
    engine.dispose()
    return result


def test_two_celery_workers_run_two_cooperatives_syncs_and_match_the_single_process_ledgers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    require(bool(PG_URL), "OMNIKOP_TEST_PG_URL is not set")
    require(redis_reachable(), f"Redis is not reachable at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # a private db index: no stale Celery messages
    started = time.monotonic()

    def phase(what: str) -> None:
        print(f"distributed run: {what} after {time.monotonic() - started:.0f} s", flush=True)

    with ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "OMNIKOP_"))}
        references: dict[str | None, tuple[str, list[tuple[str, str]]]] = {}
        cluster_dbs: dict[str | None, str] = {}
        (tmp_path / "tenants").mkdir()
        for tenant, seed, platforms in COOPERATIVES:
            label, prefix = tenant or "main", f"{tenant}_" if tenant else ""
            world_config = WorldConfig(seed=seed, days=6, orders_per_day=4, platforms=platforms)
            # The cluster and the reference each get their own sandboxes of the same world: refresh tokens are
            # single-use, so the two runs must not share a shop's grant.
            for conn_prefix in (prefix, f"ref_{prefix}"):
                world = World.generate(world_config)
                for platform in platforms:
                    sandbox = sandbox_class(platform)(world)
                    server = stack.enter_context(SandboxServer(sandbox.app))
                    for shop in sandbox.shop_refs():
                        env[env_var_name(f"{conn_prefix}{conn_id(platform, shop)}")] = json.dumps(
                            sandbox.connection_for(shop, server.url)
                        )
            cluster_db = stack.enter_context(pg_database(label))
            reference_db = stack.enter_context(pg_database(f"{label}_ref"))
            for database in (cluster_db, reference_db):
                seed_members_and_mappings(database, world, platforms)
            config = cooperative_config(world, platforms, cluster_db, prefix)
            path = tmp_path / "tenants" / f"{tenant}.yaml" if tenant else tmp_path / "omnikop.yaml"
            path.write_text(yaml.safe_dump(config), encoding="utf-8")
            reference = tmp_path / f"reference_{label}.yaml"
            reference.write_text(
                yaml.safe_dump(cooperative_config(world, platforms, reference_db, f"ref_{prefix}")), encoding="utf-8"
            )
            references[tenant] = (str(reference), [(s["platform"], s["shop_ref"]) for s in config["shops"]])
            cluster_dbs[tenant] = cluster_db
        env.update(OMNIKOP_CONFIG=str(tmp_path / "omnikop.yaml"), OMNIKOP_TENANTS_DIR=str(tmp_path / "tenants"))

        # The single-process result: the very task function the DAG's sync task calls, one shop after another.
        from omnikop.orchestration.tasks import sync_one_shop

        for key, value in env.items():
            if key.startswith("AIRFLOW_CONN_"):
                monkeypatch.setenv(key, value)
        since, until = datetime.fromisoformat(SINCE), datetime.fromisoformat(UNTIL)
        expected: dict[str | None, str] = {}
        for tenant, (reference, shops) in references.items():
            monkeypatch.setenv("OMNIKOP_CONFIG", reference)
            for platform, shop in shops:
                sync_one_shop(platform, shop, since, until)
            expected[tenant] = fingerprint(load_database(reference))

        phase("sandboxes, ledgers and single-process references ready")
        metadata = stack.enter_context(pg_database("airflow"))
        cluster = stack.enter_context(celery_cluster(tmp_path / "airflow", metadata, REDIS_URL, env))
        dag_ids = [Tenant(name).prefixed(f"omnikop_sync_{p}") for name, _, platforms in COOPERATIVES for p in platforms]
        cluster.wait_for(
            "the dag-processor to serialise the sync DAGs",
            "SELECT dag_id FROM serialized_dag WHERE dag_id = ANY(:ids)",
            {"ids": dag_ids},
            lambda rows: len(rows) == len(dag_ids),
            timeout=180,
        )
        phase("cluster up, DAGs serialised")
        for dag_id in dag_ids:  # through the REST API, as an operator's script would
            cluster.api(
                "POST",
                f"/api/v2/dags/{dag_id}/dagRuns",
                {"logical_date": None, "conf": {"since": SINCE, "until": UNTIL}},
            )
            # DAGs start paused; unpausing a sync DAG also schedules its latest (empty) daily interval.
            cluster.api("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
        runs = cluster.wait_for(
            "every sync run to finish",
            "SELECT dag_id, run_type, state FROM dag_run WHERE dag_id = ANY(:ids)",
            {"ids": dag_ids},
            # each DAG: our manual run and the scheduled run unpausing creates
            lambda rows: len(rows) == 2 * len(dag_ids) and all(r.state in ("success", "failed") for r in rows),
            timeout=300,
        )
        phase("every run finished")
        tasks = cluster.wait_for(
            "task instances",
            "SELECT dag_id, task_id, map_index, state, hostname FROM task_instance WHERE dag_id = ANY(:ids)",
            {"ids": dag_ids},
            lambda rows: True,
            timeout=1,
        )
        per_worker = Counter(row.hostname for row in tasks)
        lines = [f"{worker:<10} {count:>3} tasks" for worker, count in sorted(per_worker.items())]
        lines.append(f"{'total':<10} {sum(per_worker.values()):>3} tasks in {len(runs)} runs of {', '.join(dag_ids)}")
        request.node.user_properties.append(
            (SUMMARY_PROPERTY, {"title": "distributed run: tasks per Celery worker", "lines": lines})
        )
        print("\n".join(lines))

        assert Counter((r.dag_id, r.run_type, r.state) for r in runs) == Counter(
            (dag_id, run_type, "success") for dag_id in dag_ids for run_type in ("manual", "scheduled")
        ), cluster.tails()
        assert all(row.state == "success" for row in tasks)
        assert set(per_worker) == {"worker1", "worker2"}, per_worker  # both workers ran tasks, nothing else did
        for tenant, database in cluster_dbs.items():
            assert fingerprint(database) == expected[tenant], f"cooperative {tenant or '(default)'} differs"
        assert expected[None] != expected["kop_b"]  # two different cooperatives' books, kept apart


def load_database(config_file: str) -> str:
    return yaml.safe_load(Path(config_file).read_text(encoding="utf-8"))["database"]["url"]
