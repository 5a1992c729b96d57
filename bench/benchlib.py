"""What the benchmarks share: a throw-away PostgreSQL database, a sandbox in its own process, progress on stderr.

The sandbox runs in a child process so that its world (every order, in memory) and its HTTP serving neither
share the GIL with the pipeline being measured nor count toward the pipeline's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

# A script's folder comes first on sys.path, where ``shu`` would name bench/shu.py rather than the package:
# every benchmark imports this module before any omnikop package, so drop the folder here (repo root stays).
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REPO = Path(__file__).resolve().parents[1]


def pg_url_default() -> str:
    return os.environ.get("OMNIKOP_BENCH_PG_URL", DEFAULT_PG_URL)


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """The common command line of the PostgreSQL benchmarks: ``--help`` from the module docstring, ``--pg-url``."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--pg-url", default=pg_url_default(), help="PostgreSQL server (env OMNIKOP_BENCH_PG_URL)")
    return parser


def say(message: str) -> None:
    """Progress for the operator: stderr, so stdout carries only the JSON line."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def fresh_database(server_url: str, prefix: str, *, migrate: bool = True) -> Iterator[str]:
    """Create ``omnikop_bench_<prefix>_<random>`` on the server, migrate it, yield its URL, drop it after."""
    from foundation.db import make_engine
    from omnikop.migrate import upgrade

    name = f"omnikop_bench_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        if migrate:
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
        yield url
    finally:
        if os.environ.get("OMNIKOP_BENCH_KEEP_DB"):  # for EXPLAIN after a run; drop it yourself
            say(f"kept database {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_sqlite_database(prefix: str) -> Iterator[str]:
    """A migrated SQLite file in a temporary folder (the embedded default), yield its URL, delete it after."""
    import tempfile

    from foundation.db import make_engine
    from omnikop.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix=f"omnikop_bench_{prefix}_") as folder:
        url = f"sqlite:///{Path(folder) / 'omnikop.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def psycopg_dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy URL, for psycopg's own ``COPY``."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class SandboxWorld:
    """A platform sandbox served by a child process, and what omnikop needs to reach it."""

    url: str
    shops: list[dict[str, Any]]  # shop_configs entries for omnikop.yaml
    connections: dict[str, dict[str, Any]]  # AIRFLOW_CONN_* variable → connection JSON
    members_csv: str
    mappings_csv: str
    orders: int
    window: tuple[str, str]  # ISO start, end covering the whole history
    generate_seconds: float


SERVE = """
import json, sys, time
from connectors.base.connection import env_var_name
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from datetime import timedelta
platform, days, per_day, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start = time.perf_counter()
world = World.generate(WorldConfig(seed=seed, days=days, orders_per_day=per_day, platforms=(platform,)))
sandbox = sandbox_class(platform)(world)
generated = time.perf_counter() - start
server = SandboxServer(sandbox.app).start()
print(json.dumps({
    "url": server.url,
    "shops": shop_configs(world, platforms=[platform]),
    "connections": {env_var_name(conn_id(platform, s)): sandbox.connection_for(s, server.url)
                    for s in sandbox.shop_refs()},
    "members_csv": members_csv(world),
    "mappings_csv": mappings_csv(world, platforms=[platform]),
    "orders": len(world.orders),
    "window": [(world.end - timedelta(days=days + 1)).isoformat(), world.as_of.isoformat()],
    "generate_seconds": generated,
}), flush=True)
sys.stdin.read()
server.stop()
"""


@contextmanager
def sandbox_process(orders: int, *, platform: str = "shopee", seed: int = 7) -> Iterator[SandboxWorld]:
    """Serve a world of about ``orders`` orders (two shops, 50 days or fewer) until the block ends."""
    days = max(1, min(50, orders // 200))
    per_day = max(1, round(orders / (2 * days)))
    child = subprocess.Popen(
        [sys.executable, "-c", SERVE, platform, str(days), str(per_day), str(seed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"sandbox process exited ({child.wait()}) before serving")
        data = json.loads(line)
        data["window"] = tuple(data["window"])
        yield SandboxWorld(**data)
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def configure(world: SandboxWorld, db_url: str, workdir: Path) -> None:
    """Point omnikop at the database and the sandbox (config file and connection variables in ``os.environ``),
    then import the world's members and mappings as an admin would."""
    import io

    import yaml

    from core_mapping.csv_io import import_mappings
    from foundation.db import make_engine, transaction
    from members.csv_io import import_members

    path = workdir / "omnikop.yaml"
    path.write_text(yaml.safe_dump({"database": {"url": db_url}, "shops": world.shops}), encoding="utf-8")
    os.environ["OMNIKOP_CONFIG"] = str(path)
    os.environ.pop("OMNIKOP_DATABASE_URL", None)
    for name, connection in world.connections.items():
        os.environ[name] = json.dumps(connection)
    engine = make_engine(db_url)
    with transaction(engine) as session:
        import_members(session, io.StringIO(world.members_csv))
    with transaction(engine) as session:
        import_mappings(session, io.StringIO(world.mappings_csv))
    engine.dispose()


def engine_for(url: str) -> Engine:
    from foundation.db import make_engine

    return make_engine(url)
