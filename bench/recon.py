"""Benchmark: reconciliation of 1 000 000 orders (orders ↔ settlements ↔ wallet) on PostgreSQL.

The document store is generated server-side (``INSERT … SELECT … generate_series``, not timed) as the sync
leaves it: per order its canonical order record, and unless cancelled its settlement and escrow credit, across
two Shopee shops; about one order in a thousand carries a discrepancy (settlement missing, or a settlement
that does not add up). Timed: ``reconciliation.run.run_reconciliation`` (read, match the three levels, assert
balances, store the variances). Baseline, same run: one SQL full join of orders with settlements over the same
documents. Targets: < 60 s and < 2 GiB peak RSS. Prints one JSON line last.
"""

from __future__ import annotations

import json
import time

from benchlib import bench_parser, engine_for, fresh_database, peak_rss_mib, say
from sqlalchemy import text

TARGET_SECONDS = 60.0
TARGET_RSS_MIB = 2048.0

# Order n: shop by parity, created through 2026-01..10, gross = unit price × quantity, every 50th cancelled.
ORDERS = """
CREATE TEMP TABLE bench_orders AS
SELECT n,
       CASE WHEN n % 2 = 0 THEN '880000101' ELSE '880000102' END AS shop_ref,
       'O' || n AS order_ref,
       CASE WHEN n % 50 = 0 THEN 'CANCELLED' ELSE 'COMPLETED' END AS status,
       (10000 + (n % 400) * 500) AS unit_price,
       1 + n % 3 AS quantity,
       TIMESTAMP '2026-01-01 00:00:00' + (n::float8 / :orders) * INTERVAL '300 days' AS created_at
  FROM generate_series(1, :orders) AS n;
ALTER TABLE bench_orders ADD COLUMN created_iso text, ADD COLUMN updated_iso text, ADD COLUMN released_iso text;
UPDATE bench_orders SET created_iso = to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
                        updated_iso = to_char(created_at + INTERVAL '5 days', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
                        released_iso = to_char(created_at + INTERVAL '5 days 10 minutes',
                                               'YYYY-MM-DD"T"HH24:MI:SS"+00:00"');
"""
DOCUMENTS = """
INSERT INTO documents (platform, shop_ref, doc_type, external_id, revision, payload, raw_page_id, updated_at)
SELECT 'shopee', shop_ref, 'order', order_ref, '1',
       json_build_object('order_ref', order_ref, 'status', status,
                         'lines', json_build_array(json_build_object('unit_price', unit_price::text,
                                                   'quantity', quantity, 'discount', '0')),
                         'created_at', created_iso,
                         'updated_at', updated_iso)::text,
       1 + n / 50, now()
  FROM bench_orders;
INSERT INTO documents (platform, shop_ref, doc_type, external_id, revision, payload, raw_page_id, updated_at)
SELECT 'shopee', shop_ref, 'settlement', order_ref, '1',
       json_build_object('settlement_ref', order_ref, 'order_ref', order_ref,
                         'released_at', released_iso,
                         'gross', (unit_price * quantity + CASE WHEN n % 1009 = 0 THEN 1000 ELSE 0 END)::text,
                         'net', (unit_price * quantity * 94 / 100)::text)::text,
       100000 + n / 50, now()
  FROM bench_orders WHERE status = 'COMPLETED' AND n % 997 <> 0;
INSERT INTO documents (platform, shop_ref, doc_type, external_id, revision, payload, raw_page_id, updated_at)
SELECT 'shopee', shop_ref, 'wallet', 'W' || order_ref, '1',
       json_build_object('movement_ref', 'W' || order_ref, 'kind', 'ESCROW_CREDIT',
                         'amount', (unit_price * quantity * 94 / 100)::text,
                         'occurred_at', released_iso,
                         'order_ref', order_ref, 'status', 'COMPLETED')::text,
       200000 + n / 100, now()
  FROM bench_orders WHERE status = 'COMPLETED' AND n % 997 <> 0;
"""
BASELINE = """
SELECT count(*) FILTER (WHERE s.id IS NULL) AS missing,
       count(*) FILTER (WHERE (o.payload::json -> 'lines' -> 0 ->> 'unit_price')::bigint
                              * (o.payload::json -> 'lines' -> 0 ->> 'quantity')::bigint
                              <> (s.payload::json ->> 'gross')::bigint) AS mismatched
  FROM (SELECT * FROM documents WHERE doc_type = 'order') o
  FULL JOIN (SELECT * FROM documents WHERE doc_type = 'settlement') s
    ON s.platform = o.platform AND s.shop_ref = o.shop_ref AND s.external_id = o.external_id
"""


def generate(db_url: str, orders: int) -> int:
    engine = engine_for(db_url)
    with engine.begin() as connection:
        for statement in ORDERS.split(";")[:-1]:
            connection.execute(text(statement), {"orders": orders})
        for statement in DOCUMENTS.split(";")[:-1]:
            connection.execute(text(statement))
        count = connection.execute(text("SELECT count(*) FROM documents")).scalar_one()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE documents"))
    engine.dispose()
    return count


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders (default 1000000)")
    args = parser.parse_args()
    from datetime import date

    from foundation.config import OmnikopConfig
    from foundation.db import transaction
    from reconciliation.run import run_reconciliation

    with fresh_database(args.pg_url, "recon") as db_url:
        say(f"generating the documents of {args.orders} orders (not timed)")
        start = time.perf_counter()
        documents = generate(db_url, args.orders)
        say(f"generated {documents} documents in {time.perf_counter() - start:.1f} s")
        engine = engine_for(db_url)
        with engine.connect() as connection:
            start = time.perf_counter()
            missing, mismatched = connection.execute(text(BASELINE)).one()
            baseline = time.perf_counter() - start
        say(f"baseline SQL join: {baseline:.2f} s ({missing} without settlement, {mismatched} mismatched)")
        rss_before = peak_rss_mib()
        with transaction(engine) as session:
            start = time.perf_counter()
            result = run_reconciliation(session, OmnikopConfig(), as_of=date(2026, 12, 1))
            seconds = time.perf_counter() - start
        rss = peak_rss_mib()
        counts = result.counts()
        say(f"reconciliation: {seconds:.1f} s, peak RSS {rss:.0f} MiB, variances {counts}")
        engine.dispose()
    figures = {
        "benchmark": "recon",
        "orders": args.orders,
        "documents": documents,
        "variances": counts,
        "seconds": round(seconds, 2),
        "baseline_sql_join_seconds": round(baseline, 2),
        "ratio_to_baseline": round(seconds / baseline, 2),
        "peak_rss_mib": round(rss, 1),
        "peak_rss_mib_before_run": round(rss_before, 1),
        "target_seconds": TARGET_SECONDS,
        "target_peak_rss_mib": TARGET_RSS_MIB,
        "meets_target": seconds < TARGET_SECONDS and rss < TARGET_RSS_MIB,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
