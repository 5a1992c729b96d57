"""Run several DAG runs through Airflow's own test runner in one process.

This calls the very function behind ``airflow dags test`` once per run. Airflow's start-up (above all its
in-process Execution API, ~10 s) is paid once instead of once per run, which is what makes the demo and the
DAG tests quick. Each finished run prints one ``OMNIKOP-DAG-RUN {json}`` line; the process exits 1 at the
first failed run.

    python -m omnikop.orchestration.dag_runner \
        '[{"dag_id": "omnikop_sync_shopee", "logical_date": "2026-10-21T00:00:00+00:00"}]'
"""

from __future__ import annotations

import argparse
import json
import sys
import time

MARKER = "OMNIKOP-DAG-RUN "


def run(dag_id: str, logical_date: str, conf: dict | None = None) -> dict[str, object]:
    import pendulum
    from airflow.cli.commands.dag_command import dag_test

    args = argparse.Namespace(
        dag_id=dag_id,
        logical_date=pendulum.parse(logical_date),
        conf=json.dumps(conf) if conf else None,
        use_executor=False,
        mark_success_pattern=None,
        bundle_name=None,
        dagfile_path=None,
        show_dagrun=False,
        imgcat_dagrun=False,
        save_dagrun=None,
    )
    started = time.monotonic()
    try:
        dag_test(args)
        state = "success"
    except SystemExit as failure:  # dag_test signals a failed run this way
        state = f"failed: {failure}"
    return {
        "dag_id": dag_id,
        "logical_date": logical_date,
        "state": state,
        "seconds": round(time.monotonic() - started, 2),
    }


def main() -> int:
    runs = json.loads(sys.argv[1])
    for spec in runs:
        result = run(spec["dag_id"], spec["logical_date"], spec.get("conf"))
        print(MARKER + json.dumps(result), flush=True)
        if result["state"] != "success":
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
