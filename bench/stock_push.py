"""Benchmark: one stock push cycle for 10 000 SKUs on each of 4 channels (Shopee, TikTok Shop, GoFood, GrabFood).

Each channel's sandbox runs on loopback (no partner rate limit); the cooperative's books (SQLite) map every
listing to a product with an opening receipt, so every SKU is due. Timed: ``stock.push.push_shop`` per channel
(desired quantities, pending rows, the calls, landing and acknowledgement), then a second cycle that must push
nothing. Reported per channel: seconds, HTTP calls, and the partner's rate-limit floor for those calls (calls ÷
the documented or assumed calls per second: Shopee 10/s, TikTok 10/s [I], GoBiz 5/s [I], Grab batch menu 1/s
[T]), which is what a real cycle cannot beat. Progress on stderr; one JSON line last on stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchlib import say

from connectors.base.connection import connection_json
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.stock_push import stock_pusher
from core_mapping.csv_io import MAPPING_COLUMNS, import_mappings
from foundation.config import parse_config
from foundation.db import make_engine, transaction
from members.csv_io import import_members
from omnikop import migrate
from omnikop.demo.fixtures import members_csv
from stock.push import push_shop
from stock.receipts import receive
from tests.reliability.bench import make_connector

PLATFORMS = ("shopee", "tokopedia", "gojek", "grab")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000, help="SKUs per channel (default 10 000)")
    args = parser.parse_args()
    world = World.generate(WorldConfig(days=1, orders_per_day=1, platforms=PLATFORMS))
    shops = {p: next(s for s in world.shops_on(p) if s.flavor in ("", "tiktok", "food")) for p in PLATFORMS}
    template = {p: world.products_of(p, shops[p].shop_ref)[0] for p in PLATFORMS}
    for number in range(args.skus):
        for index, platform in enumerate(PLATFORMS):
            n = 10_000_000 + number * 4 + index
            model = str(90_000_000 + n) if platform == "shopee" else "0"
            world.products.append(
                replace(
                    template[platform],
                    product_ref=f"B-{number:06d}",
                    sku_ref=f"{40_000_000 + n}:{model}" if platform == "shopee" else str(60_000_000 + n),
                    seller_sku=f"SKU-{platform[:2]}-{number:06d}",
                    item_id=str(40_000_000 + n),
                    model_id=model,
                )
            )
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate.upgrade(engine)
        member = template["shopee"].member_no
        mappings, receipts = io.StringIO(), ["receipt_ref,date,product_ref,quantity"]
        mappings.write(",".join(MAPPING_COLUMNS) + "\n")
        for product in world.products:
            if product.product_ref.startswith("B-"):
                mappings.write(
                    f"sku,{product.platform},{product.shop_ref},{product.sku_ref},{product.seller_sku},"
                    f"{product.product_ref},{product.product_ref},{member},2020-01-01,,\n"
                )
        receipts += [f"R-BENCH,2026-01-01,B-{number:06d},{1 + number % 50}" for number in range(args.skus)]
        (Path(folder) / "receipts.csv").write_text("\n".join(receipts) + "\n", encoding="utf-8")
        say(f"books: {args.skus} products × {len(PLATFORMS)} channels")
        shop_rows = [{"platform": p, "shop_ref": shops[p].shop_ref, "conn_id": f"{p}_bench"} for p in PLATFORMS]
        config = parse_config({"shops": shop_rows})
        with transaction(engine) as session:
            import_members(session, io.StringIO(members_csv(world)))
            mappings.seek(0)
            import_mappings(session, mappings)
            receive(session, Path(folder) / "receipts.csv", config)
        sandboxes = {p: sandbox_class(p)(world) for p in PLATFORMS}
        results = {}
        for platform in PLATFORMS:
            with SandboxServer(sandboxes[platform].app) as server:
                spec = sandboxes[platform].connection_for(shops[platform].shop_ref, server.url)
                spec = {**spec, "extra": {**spec.get("extra", {}), "batch_menu_per_second": 1000}}
                flavor = shops[platform].flavor or None
                connector = make_connector(platform, engine, shops[platform].shop_ref, connection_json(**spec), flavor)
                pusher = stock_pusher(connector)
                started = time.perf_counter()
                summary = push_shop(engine, config, connector)
                seconds = time.perf_counter() - started
                requests = len(sandboxes[platform].state.requests)
                again = push_shop(engine, config, connector)
                results[platform] = {
                    "skus": summary.skus,
                    "acknowledged": summary.acknowledged,
                    "push_calls": summary.calls,
                    "http_requests": requests,
                    "seconds": round(seconds, 2),
                    "rate_limit_floor_seconds": round(requests / pusher.calls_per_second, 1),
                    "second_cycle_calls": again.calls,
                }
                say(f"{platform}: {results[platform]}")
    total = {
        "seconds": round(sum(r["seconds"] for r in results.values()), 2),
        "http_requests": sum(r["http_requests"] for r in results.values()),
        "rate_limit_floor_seconds": max(r["rate_limit_floor_seconds"] for r in results.values()),
    }
    print(json.dumps({"benchmark": "stock_push", "skus_per_channel": args.skus, "channels": results, "total": total}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
