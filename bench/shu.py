"""Benchmark: year-end SHU compute for 100 000 members and 5 000 000 journal lines on PostgreSQL.

The ledger is generated server-side (``INSERT … SELECT … generate_series``, not timed) in the shape
``core_mapping`` posts: per order a sale entry (receivable debited, the member's consignment payable credited
and tagged ``member_volume``) and a commission entry (payable debited, commission income credited), plus
each member's simpanan pokok. Timed: ``shu.compute.compute_shu`` (snapshot of surplus, volumes and capital,
allocation, storing the computation). Baseline, same run: one plain ``SELECT member_no, sum(…) GROUP BY
member_no`` over the volume-tagged lines. Target: compute < 30 s. Prints one JSON line last.
"""

from __future__ import annotations

import json
import time

from benchlib import bench_parser, engine_for, fresh_database, peak_rss_mib, say
from sqlalchemy import text

TARGET_SECONDS = 30.0
YEAR = 2025
LINES_PER_ORDER = 4  # sale entry (2 lines) + commission entry (2 lines)

MEMBERS = """
INSERT INTO members (member_no, name, join_date, status, created_at)
SELECT lpad(m::text, 6, '0'), 'Anggota ' || m, DATE '2020-01-01' + (m % 1500), 'active', now()
  FROM generate_series(1, :members) AS m
"""
ENTRIES = """
INSERT INTO journal_entries (id, idempotency_key, content_hash, kind, effective_date, recorded_at, currency,
                             description, source_type, source_ref)
SELECT e, 'bench:' || e, md5(e::text), 'ENTRY', DATE '2025-01-01' + (e % 365), now(), 'IDR', '',
       'bench', 'bench:order:' || (e / 2)
  FROM generate_series(1, :entries) AS e
"""
# Entry e (even: sale, odd: commission) of order e / 2, owned by member (e / 2) % members + 1.
LINES = """
INSERT INTO journal_lines (entry_id, line_no, account_code, side, amount, member_no, shop_ref, tag)
SELECT e, n,
       CASE WHEN e % 2 = 0 THEN (CASE WHEN n = 1 THEN '1-1310' ELSE '2-1200' END)
            ELSE (CASE WHEN n = 1 THEN '2-1200' ELSE '4-1300' END) END,
       CASE WHEN n = 1 THEN 'D' ELSE 'C' END,
       CASE WHEN e % 2 = 0 THEN 10000 + (e::bigint * 7919) % 490000 ELSE 500 + (e::bigint * 7919) % 24500 END,
       CASE WHEN (e % 2 = 0 AND n = 2) OR (e % 2 = 1 AND n = 1)
            THEN lpad(((e / 2) % :members + 1)::text, 6, '0') END,
       CASE WHEN e % 2 = 0 AND n = 1 THEN '880000101' END,
       CASE WHEN e % 2 = 0 AND n = 2 THEN 'member_volume' END
  FROM generate_series(1, :entries) AS e CROSS JOIN generate_series(1, 2) AS n
"""
SAVINGS = """
WITH s AS (SELECT m, :entries + m AS e FROM generate_series(1, :members) AS m)
INSERT INTO journal_entries (id, idempotency_key, content_hash, kind, effective_date, recorded_at, currency,
                             description, source_type, source_ref)
SELECT e, 'bench:savings:' || m, md5(m::text), 'ENTRY', DATE '2024-12-31', now(), 'IDR', '', 'savings', NULL FROM s;
INSERT INTO journal_lines (entry_id, line_no, account_code, side, amount, member_no, shop_ref, tag)
SELECT :entries + m, n, CASE WHEN n = 1 THEN '1-1200' ELSE '3-1100' END, CASE WHEN n = 1 THEN 'D' ELSE 'C' END,
       100000 + (m % 7) * 50000, CASE WHEN n = 2 THEN lpad(m::text, 6, '0') END, NULL,
       CASE WHEN n = 2 THEN 'savings' END
  FROM generate_series(1, :members) AS m CROSS JOIN generate_series(1, 2) AS n;
"""
BASELINE = """
SELECT l.member_no, sum(CASE WHEN l.side = 'C' THEN l.amount ELSE -l.amount END)
  FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
 WHERE l.tag IN ('member_volume', 'member_refund', 'member_refund_shared') AND l.member_no IS NOT NULL
   AND e.effective_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
 GROUP BY l.member_no
"""


def generate(db_url: str, members: int, lines: int) -> dict[str, int]:
    """Members, savings and order entries; foreign-key and balance triggers are off for the load only."""
    entries = (lines - 2 * members) // 2
    engine = engine_for(db_url)
    with engine.begin() as connection:
        connection.execute(text("SET session_replication_role = replica"))
        connection.execute(text(MEMBERS), {"members": members})
        say(f"  {members} members")
        connection.execute(text(ENTRIES), {"entries": entries})
        say(f"  {entries} entries")
        connection.execute(text(LINES), {"entries": entries, "members": members})
        for statement in SAVINGS.split(";")[:-1]:
            connection.execute(text(statement), {"entries": entries, "members": members})
        sequence = "SELECT setval(pg_get_serial_sequence('journal_entries', 'id'), :n)"
        connection.execute(text(sequence), {"n": entries + members})
        count = connection.execute(text("SELECT count(*) FROM journal_lines")).scalar_one()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE journal_entries"))
        connection.execute(text("VACUUM ANALYZE journal_lines"))
        connection.execute(text("VACUUM ANALYZE members"))
    engine.dispose()
    return {"entries": entries + members, "lines": count}


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members (default 100000)")
    parser.add_argument("--lines", type=int, default=5_000_000, help="journal lines (default 5000000)")
    args = parser.parse_args()
    from foundation.config import ShuConfig
    from foundation.db import transaction
    from shu.compute import compute_shu

    with fresh_database(args.pg_url, "shu") as db_url:
        say(f"generating {args.members} members and {args.lines} journal lines (not timed)")
        start = time.perf_counter()
        shape = generate(db_url, args.members, args.lines)
        say(f"generated in {time.perf_counter() - start:.1f} s: {shape['entries']} entries, {shape['lines']} lines")
        engine = engine_for(db_url)
        with engine.connect() as connection:
            start = time.perf_counter()
            volumes = connection.execute(text(BASELINE)).all()
            baseline = time.perf_counter() - start
        say(f"baseline GROUP BY: {baseline:.2f} s ({len(volumes)} members with volume)")
        with transaction(engine) as session:
            start = time.perf_counter()
            run = compute_shu(session, YEAR, ShuConfig())
            seconds = time.perf_counter() - start
        say(f"SHU compute: {seconds:.2f} s, surplus {run.allocation.surplus}, {len(run.snapshot.members)} members")
        engine.dispose()
    figures = {
        "benchmark": "shu",
        "members": args.members,
        "journal_lines": shape["lines"],
        "journal_entries": shape["entries"],
        "members_allocated": len(run.snapshot.members),
        "surplus": run.allocation.surplus,
        "compute_seconds": round(seconds, 2),
        "baseline_group_by_seconds": round(baseline, 2),
        "ratio_compute_to_baseline": round(seconds / baseline, 2),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "target_seconds": TARGET_SECONDS,
        "meets_target": seconds < TARGET_SECONDS,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
