"""Run Airflow itself for omnikop: an embedded SQLite Airflow home, pools, and ``airflow dags test`` runs.

Used by the demo, ``omnikop airflow standalone`` and the DAG tests, so all three drive the real DAGs through
Airflow's own CLI exactly as an operator would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foundation.tenants import DEFAULT, Tenant
from omnikop.orchestration.assets import pool_name
from omnikop.orchestration.dag_runner import MARKER

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"


def pool_spec(platforms_by_tenant: Mapping[Tenant, list[str]]) -> dict[str, dict[str, Any]]:
    """``airflow pools import`` content: one pool per cooperative and platform, sized to the partner limit."""
    return {
        pool_name(platform, tenant): {
            "slots": pool_slots(platform),
            "description": f"{platform} partner rate limit" + (f" for {tenant.name}" if tenant.name else ""),
            "include_deferred": False,
        }
        for tenant, platforms in platforms_by_tenant.items()
        for platform in platforms
    }


def import_pools(
    platforms_by_tenant: Mapping[Tenant, list[str]],
    path: Path,
    run: Callable[..., subprocess.CompletedProcess[str]],
    log: Path | None = None,
) -> dict[str, int]:
    """Write the pool spec to ``path`` and import it with ``run("pools", "import", path)``."""
    spec = pool_spec(platforms_by_tenant)
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    result = run("pools", "import", str(path), log=log)
    if result.returncode != 0:
        raise RuntimeError(f"airflow pools import failed:\n{result.stderr[-3000:]}")
    return {name: pool["slots"] for name, pool in spec.items()}


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def pool_slots(platform: str) -> int:
    """Concurrent shop syncs the partner allows: the app-wide limit over what one shop's client uses."""
    from connectors.base.registry import connector_class

    cls = connector_class(platform)
    partner = getattr(cls, "partner_rate_limit_per_second", cls.rate_limit_per_second * 5)
    return max(1, int(partner // cls.rate_limit_per_second))


@dataclass
class AirflowHome:
    home: Path
    config_path: Path
    extra_env: Mapping[str, str]
    last_output: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.home = self.home.resolve()  # Airflow refuses relative SQLite paths
        self.config_path = self.config_path.resolve()

    def env(self) -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        env.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__UNIT_TEST_MODE="False",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{self.home / 'airflow.db'}",
            AIRFLOW__LOGGING__LOGGING_LEVEL=self.extra_env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
            OMNIKOP_CONFIG=str(self.config_path),
        )
        env.pop("OMNIKOP_DATABASE_URL", None)  # the config file names the database
        return env

    def run(self, *args: str, log: Path | None = None, timeout: int = 900) -> subprocess.CompletedProcess[str]:
        self.home.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [airflow_bin(), *args], env=self.env(), capture_output=True, text=True, timeout=timeout, cwd=self.home
        )
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as handle:
                handle.write(f"$ airflow {' '.join(args)}\n{result.stdout}\n{result.stderr}\n")
        return result

    def migrate(self, log: Path | None = None) -> None:
        result = self.run("db", "migrate", log=log)
        if result.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{result.stderr[-3000:]}")

    def set_pools(self, platforms: list[str], log: Path | None = None) -> dict[str, int]:
        self.home.mkdir(parents=True, exist_ok=True)
        return import_pools({DEFAULT: platforms}, self.home / "omnikop_pools.json", self.run, log)

    def run_dags(
        self,
        runs: list[dict[str, Any]],
        log: Path | None = None,
        on_result: Callable[[dict[str, Any]], None] | None = None,
    ) -> list[dict[str, Any]]:
        """DAG runs through Airflow's own test runner, all in one process (see ``dag_runner``).

        ``runs`` holds ``{"dag_id", "logical_date", "conf"?}``; ``on_result`` is called as each run finishes.
        Stops at the first failed run; returns the results so far. Airflow's own output goes to ``log``.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "omnikop.orchestration.dag_runner", json.dumps(runs)]
        results: list[dict[str, Any]] = []
        self.last_output = []
        with subprocess.Popen(
            command, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.home
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(MARKER):
                    results.append(json.loads(line[len(MARKER) :]))
                    if on_result:
                        on_result(results[-1])
                else:
                    self.last_output.append(line)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as handle:
                handle.write(f"$ dag runner {json.dumps(runs)}\n{''.join(self.last_output)}\n")
        return results

    def dags_test(
        self, dag_id: str, logical_date: str, log: Path | None = None, conf: dict | None = None
    ) -> subprocess.CompletedProcess[str]:
        """One run through the ``airflow dags test`` command itself (a fresh Airflow process)."""
        args = ["dags", "test", dag_id, logical_date]
        if conf:
            args += ["--conf", json.dumps(conf)]
        return self.run(*args, log=log)
