"""Benchmark: peak memory (RSS) of a sync at 20 000 and at 200 000 orders; the ratio shows whether it streams.

For each size a Shopee sandbox world is served by its own process, a fresh PostgreSQL database is configured,
and ``omnikop sync`` of every shop over the whole history (pull → land → parse → map → post) runs in a fresh
interpreter whose peak RSS (VmHWM) is read at the end: neither the world nor the sandbox counts. Target:
peak(largest) / peak(smallest) ≤ 1.2 — nothing proportional to the window is held in memory. Prints one JSON
line last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import bench_parser, configure, fresh_database, peak_rss_mib, sandbox_process, say

TARGET_RATIO = 1.2


def child(db_url: str, since: str, until: str) -> None:
    """Run in a fresh interpreter: sync every configured shop, print peak RSS and counts as JSON."""
    from datetime import datetime

    from connectors.base.windows import Window
    from foundation.config import load_config
    from foundation.db import make_engine
    from omnikop.shops import connector_for
    from sync.pipeline import sync_shop
    from sync.posting import RunSummary

    config, engine = load_config(), make_engine(db_url)
    window = Window.of(datetime.fromisoformat(since), datetime.fromisoformat(until))
    baseline = peak_rss_mib()  # interpreter and imports, before any data
    summary = RunSummary()
    start = time.perf_counter()
    for shop in config.shops:
        summary.add(sync_shop(engine, config, connector_for(config, engine, shop.platform, shop.shop_ref), window))
    print(
        json.dumps(
            {
                "peak_rss_mib": peak_rss_mib(),
                "rss_after_imports_mib": baseline,
                "seconds": time.perf_counter() - start,
                "pages": summary.pages,
                "entries": summary.posted_entries,
                "movements": summary.posted_movements,
            }
        )
    )


def measure(orders: int, pg_url: str) -> dict[str, float]:
    with sandbox_process(orders) as world, fresh_database(pg_url, "memory") as db_url:
        say(f"{world.orders} orders served on {world.url}; syncing in a fresh process")
        with tempfile.TemporaryDirectory() as tmp:
            configure(world, db_url, Path(tmp))
            result = subprocess.run(
                [sys.executable, __file__, "--child", db_url, *world.window],
                env=os.environ.copy(),
                capture_output=True,
                text=True,
                check=False,
            )
        if result.returncode != 0:
            raise SystemExit(f"sync of {orders} orders failed:\n{result.stderr[-4000:]}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        figures["orders"] = world.orders
        say(
            f"{world.orders} orders: peak RSS {figures['peak_rss_mib']:.0f} MiB"
            f" ({figures['rss_after_imports_mib']:.0f} MiB after imports), {figures['entries']} entries"
            f" in {figures['seconds']:.0f} s"
        )
        return figures


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--orders", type=int, nargs="+", default=[20_000, 200_000], help="world sizes (default 20000 200000)"
    )
    args = parser.parse_args()
    runs = [measure(orders, args.pg_url) for orders in sorted(args.orders)]
    small, large = runs[0], runs[-1]
    figures: dict[str, object] = {"benchmark": "memory"}
    for run in runs:
        figures[f"peak_rss_mib_{run['orders']}_orders"] = round(run["peak_rss_mib"], 1)
        figures[f"entries_{run['orders']}_orders"] = run["entries"]
        figures[f"sync_seconds_{run['orders']}_orders"] = round(run["seconds"], 1)
    figures["rss_after_imports_mib"] = round(small["rss_after_imports_mib"], 1)
    figures["ratio_largest_to_smallest"] = round(large["peak_rss_mib"] / small["peak_rss_mib"], 3)
    figures["target_ratio"] = TARGET_RATIO
    figures["meets_target"] = figures["ratio_largest_to_smallest"] <= TARGET_RATIO
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
