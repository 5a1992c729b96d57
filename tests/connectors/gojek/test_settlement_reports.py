"""GoBiz settlement reports: `omnikop import settlements`, bad rows quarantined by row number, the inbox mover."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.base.landing import RawPage, as_landed
from connectors.base.records import FeeKind, Rejected, Settlement
from connectors.base.sandbox.world import World
from connectors.base.settlement_files import ImportRefused, import_settlement_file, process_inbox
from connectors.base.settlement_files.table import write_table
from connectors.gojek import parse
from connectors.gojek.testing import WORLD
from foundation.db import make_engine, transaction
from tests.ledger.test_check import run_cli

COLUMNS = ["outlet_id", "transaction_id", "order_number", "transaction_type", "settled_at", "currency",
           "gross_sales", "commission", "merchant_promo", "refund", "net_amount"]  # fmt: skip
GOOD = ["G1", "T1", "F-1", "ORDER", "2026-01-05 10:00:00", "IDR", 100000, -20000, -5000, 0, 75000]


def report(tmp_path: Path, rows: list[list[object]], name: str = "report.csv", columns: list[str] = COLUMNS) -> Path:
    path = tmp_path / name
    path.write_bytes(write_table(columns, rows, "settlement_report_" + path.suffix[1:]))
    return path


def parsed(db_url: str, shop: str = "G1") -> list[Settlement | Rejected]:
    with transaction(make_engine(db_url)) as session:
        pages = [as_landed(row) for row in session.query(RawPage).filter_by(platform="gojek", shop_ref=shop)]
    return [record for page in pages for record in parse.parse_page(page)]  # type: ignore[misc]


def test_cli_import_lands_once_and_says_sync_will_post_it(db_url: str, tmp_path: Path) -> None:
    path = report(tmp_path, [GOOD], "gobiz.xlsx")
    first = run_cli(db_url, "import", "settlements", "--platform", "gojek", str(path))
    assert first.returncode == 0, first.stderr
    assert "landed gobiz.xlsx: 1 row(s) for gojek shop G1" in first.stdout and "omnikop sync" in first.stdout
    again = run_cli(db_url, "import", "settlements", "--platform", "gojek", str(path))
    assert again.returncode == 0 and "already landed" in again.stdout and "nothing new" in again.stdout
    (settlement,) = parsed(db_url)
    assert isinstance(settlement, Settlement) and settlement.settlement_ref == "F-1"
    assert (settlement.gross, settlement.net) == (Decimal(100000), Decimal(75000))
    assert settlement.component_total(FeeKind.COMMISSION) == -20000
    assert settlement.component_total(FeeKind.VOUCHER_SELLER) == -5000
    assert settlement.released_at == datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # WIB in the file, UTC in the record
    refused = run_cli(db_url, "import", "settlements", "--platform", "gojek", "--shop", "G2", str(path))
    assert refused.returncode == 2 and "other_shops_in_file" in refused.stderr and "Traceback" not in refused.stderr


def test_bad_rows_are_rejected_with_their_row_number_and_good_rows_still_parse(db_url: str, tmp_path: Path) -> None:
    rows = [
        GOOD,
        ["G1", "T2", "F-2", "ORDER", "2026-01-05 11:00:00", "IDR", 100000, -20000, 0, 0, 79000],  # off by 1 000
        ["G1", "T3", "F-3", "ORDER", "yesterday", "IDR", 50000, -10000, 0, 0, 40000],
        ["G1", "T4", "F-4", "ORDER", "2026-01-05 12:00:00", "IDR", "Rp 50.000", -10000, 0, 0, 40000],
        ["G1", "T5", "F-5", "PAYOUT", "2026-01-05 12:00:00", "IDR", 0, 0, 0, 0, 0],
        ["G1", "T6", "F-6", "ORDER", "2026-01-05 12:00:00", "USD", 10, 0, 0, 0, 10],
        ["G1", "T7", "F-1", "REFUND", "2026-01-09 12:00:00", "IDR", 0, 0, 0, -25000, -25000],
    ]
    import_settlement_file(make_engine(db_url), "gojek", report(tmp_path, rows))
    records = parsed(db_url)
    rejected = {r.record_key: r.reason for r in records if isinstance(r, Rejected)}
    assert rejected == {
        "row:3": "settlement_does_not_add_up",
        "row:4": "invalid_time",
        "row:5": "invalid_amount",
        "row:6": "unknown_type",
        "row:7": "unexpected_currency",
    }
    refund = next(r for r in records if isinstance(r, Settlement) and r.settlement_ref == "F-1:T7")
    assert refund.order_ref == "F-1" and refund.component_total(FeeKind.REFUND) == -25000


@pytest.mark.parametrize(
    ("rows", "columns", "reason"),
    [
        ([GOOD[:-1]], COLUMNS[:-1], "missing_columns"),
        ([GOOD, ["G2", *GOOD[1:]]], COLUMNS, "shop_not_determined"),
        ([[*GOOD, "Budi"]], [*COLUMNS, "customer_name"], "personal_data_columns"),
        ([], COLUMNS, "no_rows"),
    ],
)
def test_files_that_cannot_be_attributed_or_read_are_refused(db_url, tmp_path, rows, columns, reason) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_settlement_file(make_engine(db_url), "gojek", report(tmp_path, rows, columns=columns))
    assert refused.value.reason == reason


def test_inbox_moves_landed_files_to_done_and_refused_ones_to_rejected_with_a_reason(db_url, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report(inbox, [GOOD], "a.csv")
    report(inbox, [GOOD], "b-same-content.csv")
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4")
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    outcomes = {o.path.name: o for o in process_inbox(make_engine(db_url), "gojek", inbox)}
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["a.csv", "b-same-content.csv"]
    assert outcomes["a.csv"].result.new and not outcomes["b-same-content.csv"].result.new  # type: ignore[union-attr]
    reasons = {p.name: p.read_text() for p in (inbox / "rejected").glob("*.reason.txt")}
    assert reasons["notes.pdf.reason.txt"].startswith("unsupported_file_type:")
    assert reasons["broken.xlsx.reason.txt"].startswith("unreadable_file:")
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "rejected"]


def test_the_sandbox_report_matches_the_world_to_the_rupiah_in_both_formats(db_url, tmp_path) -> None:
    from connectors.gojek.sandbox import GojekSandbox

    world = World.generate(WORLD)
    sandbox = GojekSandbox(world)
    shop = sandbox.shop_refs()[1]
    start, end = datetime(2025, 12, 1, tzinfo=UTC), world.as_of
    csv_rows = sandbox.settlement_report(shop, "settlement_report_csv", start, end)
    xlsx_rows = sandbox.settlement_report(shop, "settlement_report_xlsx", start, end)
    engine = make_engine(db_url)
    for name, body in (("r.csv", csv_rows), ("r.xlsx", xlsx_rows)):
        (tmp_path / name).write_bytes(body)
        assert import_settlement_file(engine, "gojek", tmp_path / name).shop_ref == shop
    records = parsed(db_url, shop)
    assert not [r for r in records if isinstance(r, Rejected)]
    per_format = len(records) // 2
    totals = sum(r.net for r in records[:per_format])  # type: ignore[union-attr]
    assert totals == sum(s.net for _, s in world.iter_settled("gojek", shop))
    assert records[:per_format] != [] and [r.net for r in records[:per_format]] == [r.net for r in records[per_format:]]
