"""A real distributed Airflow on this machine: api-server, scheduler, dag-processor and Celery workers
against PostgreSQL (metadata) and Redis (broker), each its own process group, all stopped on exit.

Workers share one host, so each reports its own name as the task instance's hostname (Airflow's
``core.hostname_callable``): that is how the test tells which worker ran which task.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import Engine, Row, create_engine, text

from omnikop.orchestration.airflow_env import DAGS_FOLDER

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
HOSTNAME_MODULE = '''"""Each test worker's name as its hostname (set by tests/deploy/cluster.py)."""
import os
import socket


def hostname() -> str:
    return os.environ.get("OMNIKOP_TEST_WORKER_NAME") or socket.getfqdn()
'''


USER, PASSWORD = "omnikop", secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    home: Path
    env: dict[str, str]
    metadata_url: str
    api_url: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _token: str = ""

    def api(self, method: str, path: str, body: dict[str, object]) -> dict[str, object]:
        """Airflow's REST API as the test's admin user (what the UI and operators' scripts use)."""
        if not self._token:
            login = requests.post(
                f"{self.api_url}/auth/token", json={"username": USER, "password": PASSWORD}, timeout=30
            )
            login.raise_for_status()
            self._token = login.json()["access_token"]
        answer = requests.request(
            method, f"{self.api_url}{path}", json=body, headers={"Authorization": f"Bearer {self._token}"}, timeout=60
        )
        if answer.status_code >= 300:
            raise AssertionError(f"{method} {path}: {answer.status_code} {answer.text[:2000]}")
        return answer.json()

    def start(self, name: str, *args: str, extra_env: dict[str, str] | None = None) -> None:
        log = (self.home / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            list(args),
            env={**self.env, **(extra_env or {})},
            cwd=self.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() takes its children down too
        )

    def run(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            list(args), env=self.env, cwd=self.home, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def metadata(self) -> Engine:
        return create_engine(self.metadata_url)

    def check_alive(self) -> None:
        dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
        if dead:
            raise AssertionError(f"cluster processes exited: {dead}\n{self.tails()}")

    def wait_for(
        self, what: str, sql: str, params: dict[str, object], done: Callable[[list[Row]], bool], timeout: float
    ) -> list[Row]:
        """Poll Airflow's metadata database until ``done(rows)``; fail with every process's log tail."""
        engine = self.metadata()
        deadline = time.monotonic() + timeout
        try:
            while True:
                with engine.connect() as connection:
                    rows = list(connection.execute(text(sql), params))
                if done(rows):
                    return rows
                self.check_alive()
                if time.monotonic() > deadline:
                    raise AssertionError(f"timed out waiting for {what}; last: {rows}\n{self.tails()}")
                time.sleep(1)
        finally:
            engine.dispose()

    def wait_until_serving(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer within {timeout} s\n{self.tails()}")
            time.sleep(0.5)

    def tails(self, lines: int = 25) -> str:
        out = []
        for name in self.processes:
            log = (self.home / f"{name}.log").read_text(encoding="utf-8", errors="replace").splitlines()
            out.append(f"--- {name} ---\n" + "\n".join(log[-lines:]))
        return "\n".join(out)

    def stop(self) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)  # whatever a warm shutdown left behind
            process.wait(timeout=10)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


@contextmanager
def celery_cluster(
    home: Path, metadata_url: str, broker_url: str, env: dict[str, str], workers: int = 2
) -> Iterator[Cluster]:
    """Migrate via ``omnikop airflow setup`` (metadata, ledgers, pools), then start the cluster."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "omnikop_test_hostname.py").write_text(HOSTNAME_MODULE, encoding="utf-8")
    (home / "passwords.json").write_text(json.dumps({USER: PASSWORD}), encoding="utf-8")
    port = free_port()
    cluster_env = {
        **env,
        "PYTHONPATH": os.pathsep.join(p for p in (str(home), env.get("PYTHONPATH", "")) if p),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "omnikop_test_hostname.hostname",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_url,  # psycopg 3 is sync and async
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
    }
    cluster = Cluster(home, cluster_env, metadata_url, f"http://127.0.0.1:{port}")
    try:
        cluster.run(OMNIKOP, "airflow", "setup")
        cluster.start("api-server", AIRFLOW, "api-server", "--port", str(port), "--workers", "1")
        cluster.start("scheduler", AIRFLOW, "scheduler")
        cluster.start("dag-processor", AIRFLOW, "dag-processor")
        cluster.wait_until_serving(f"{cluster.api_url}/api/v2/version", timeout=180)  # workers need it
        for n in range(1, workers + 1):
            name = f"worker{n}"
            cluster.start(
                name,
                AIRFLOW,
                "celery",
                "worker",
                "--celery-hostname",
                f"{name}@%h",
                "--concurrency",
                "1",
                "--skip-serve-logs",
                extra_env={"OMNIKOP_TEST_WORKER_NAME": name},
            )
        yield cluster
    finally:
        cluster.stop()
