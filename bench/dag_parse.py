"""Benchmark: time for Airflow to parse the dags/ folder with 10 and with 1 000 configured shops.

Each measurement runs Airflow's own DagBag in a fresh interpreter, as the dag-processor does: "cold" is the
first parse (importing omnikop's modules included), "warm" a second parse in the same process. Interpreter
and Airflow start-up are not counted. Target: < 2 s at 1 000 shops, cold.
Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PLATFORMS = ("shopee", "tokopedia", "gojek", "grab")
PROBE = """
import json, time
from airflow.dag_processing.dagbag import DagBag
start = time.perf_counter()
bag = DagBag(dag_folder={folder!r})
cold = time.perf_counter() - start
start = time.perf_counter()
DagBag(dag_folder={folder!r})
warm = time.perf_counter() - start
print(json.dumps({{"seconds": cold, "warm": warm, "dags": len(bag.dag_ids), "errors": len(bag.import_errors)}}))
"""


def measure(shops: int, workdir: Path) -> dict[str, float]:
    config = {
        "shops": [
            {"platform": PLATFORMS[i % len(PLATFORMS)], "shop_ref": f"{100000 + i}", "conn_id": f"shop_{i}"}
            for i in range(shops)
        ]
    }
    path = workdir / f"omnikop-{shops}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {
        **os.environ,
        "OMNIKOP_CONFIG": str(path),
        "AIRFLOW_HOME": str(workdir / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(folder=str(REPO / "dags"))],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, nargs="+", default=[10, 1000], help="shop counts to measure")
    args = parser.parse_args()
    figures: dict[str, object] = {"benchmark": "dag_parse"}
    with tempfile.TemporaryDirectory() as tmp:
        for shops in args.shops:
            result = measure(shops, Path(tmp))
            print(
                f"{shops:>5} shops: {result['seconds']:.3f} s cold, {result['warm']:.3f} s warm,"
                f" {result['dags']} DAGs, {result['errors']} import errors",
                file=sys.stderr,
            )
            figures[f"seconds_{shops}_shops"] = round(result["seconds"], 4)
            figures[f"warm_seconds_{shops}_shops"] = round(result["warm"], 4)
            figures[f"dags_{shops}_shops"] = result["dags"]
            figures[f"import_errors_{shops}_shops"] = result["errors"]
    largest = max(args.shops)
    figures["ratio_largest_to_smallest"] = round(
        figures[f"seconds_{largest}_shops"] / figures[f"seconds_{min(args.shops)}_shops"], 3
    )
    figures["target_seconds"] = 2.0
    figures["meets_target"] = figures[f"seconds_{largest}_shops"] < 2.0
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
