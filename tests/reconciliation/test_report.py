"""The month's report: the workbook opens with openpyxl and its totals equal the ledger's; one CSV per table
with raw numbers; the HTML page shows Indonesian amounts, loads nothing from the network, and renders in
headless Chromium without a console error (a copy with a deliberate error proves the check can fail)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ledger.reports import trial_balance
from reconciliation.report.specs import SHEETS, SPECS
from reconciliation.report.tables import bank_matched_in_ledger
from reconciliation.report.write import write_report
from reconciliation.run import run_reconciliation
from tests.reconciliation.helpers import BANK_ACCOUNT, import_statement, serve_world, sqlite_copy

PERIOD, END = "2026-01", date(2026, 1, 31)


@pytest.fixture(scope="module")
def report(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:  # type: ignore[type-arg]
    """One synced discrepancy world and its January report, shared by this module's tests (read only)."""
    workdir = tmp_path_factory.mktemp("report")
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        serve_world(sqlite_copy(sqlite_template, workdir), workdir, monkeypatch, discrepancies=True) as setup,
    ):
        setup.sync_in_process()
        with setup.session() as session:
            import_statement(session, setup.config(), BANK_ACCOUNT, setup.bank_statement())
            result = run_reconciliation(session, setup.config())
            files = write_report(session, setup.config(), result, PERIOD, workdir / "report")
            ledger = {row.code: row.net_debit for row in trial_balance(session, as_of=END)}
            matched_in_ledger = bank_matched_in_ledger(session, date(2026, 1, 1), END)
        yield {"setup": setup, "files": files, "ledger": ledger, "bank_matched": matched_in_ledger}


def test_the_workbook_has_a_sheet_per_level_raw_numbers_and_totals_equal_to_the_ledger(report):
    workbook = load_workbook(next(f for f in report["files"] if f.suffix == ".xlsx"))
    assert workbook.sheetnames == ["Summary", *SHEETS]
    for sheet in workbook.worksheets:
        floats = [cell.coordinate for row in sheet.iter_rows() for cell in row if isinstance(cell.value, float)]
        assert floats == [], f"{sheet.title} holds floats at {floats[:5]}"
    summary = _rows(workbook["Summary"])
    start = summary.index(["Account", "Name", "Balance"])
    clearing = {}
    for row in summary[start + 1 :]:
        if not row or row[0] is None:
            break
        clearing[row[0]] = row[2]
    assert clearing and clearing == {code: report["ledger"][code] for code in clearing}
    per_account: dict[str, int] = defaultdict(int)
    for row in _rows(workbook["Ledger"])[2:]:
        if row and row[0]:
            per_account[row[0]] += row[3]
    assert dict(per_account) == clearing
    assert "1-1350" not in clearing  # everything withdrawn reached the bank: nothing left in transit
    level3 = summary[summary.index(["Source", "Amount"]) + 1 : summary.index(["Source", "Amount"]) + 3]
    assert level3[0][1] == level3[1][1] == report["bank_matched"] > 0
    variances = _table(_rows(workbook["Variances"]), "Id")
    truth = {(d.kind, d.difference) for d in report["setup"].world.discrepancies}
    assert {(row["Category"], row["Difference"]) for row in variances} == truth


def test_every_table_has_a_csv_with_raw_numbers(report):
    csvs = [f for f in report["files"] if f.suffix == ".csv"]
    assert len(csvs) == len(SPECS)
    with next(f for f in csvs if f.name.endswith("-variances.csv")).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    truth = {(d.kind, str(d.difference)) for d in report["setup"].world.discrepancies}
    assert {(row["category"], row["difference"]) for row in rows} == truth


def test_the_html_page_shows_rupiah_in_indonesian_format_and_loads_nothing(report):
    page = next(f for f in report["files"] if f.suffix == ".html").read_text(encoding="utf-8")
    assert "-Rp 7.500" in page and "Rp 1.250.000" in page and 'data-v="-7500"' in page
    assert " src=" not in page and " href=" not in page and "@import" not in page
    assert page.count('<table class="sortable">') >= 6 and "<svg" in page


def test_the_html_renders_in_headless_chromium_without_console_errors(report, tmp_path: Path):
    page = next(f for f in report["files"] if f.suffix == ".html")
    screenshot, console = render(page, tmp_path / "good")
    assert console == [], console
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
    broken = tmp_path / "broken.html"
    injected = '<img src="https://example.invalid/logo.png"><script>notDefinedAnywhere();</script><script>'
    broken.write_text(page.read_text(encoding="utf-8").replace("<script>", injected, 1), encoding="utf-8")
    _, complaints = render(broken, tmp_path / "bad")
    text = "\n".join(complaints)
    assert "notDefinedAnywhere" in text and "Content Security Policy" in text, text  # the check can fail


def render(page: Path, workdir: Path) -> tuple[Path, list[str]]:
    """Screenshot ``page`` with headless Chromium; return the PNG and the page's console messages."""
    binary = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
    if binary is None:
        reason = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("OMNIKOP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and OMNIKOP_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    workdir.mkdir(parents=True)
    screenshot = workdir / "page.png"
    result = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={workdir / 'profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1280,2200",
            "--enable-logging=stderr",
            "--v=0",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert screenshot.exists(), result.stderr[-2000:]
    return screenshot, [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def _table(rows: list[list], first_heading: str) -> list[dict]:  # type: ignore[type-arg]
    """The data rows of the table whose header row starts with ``first_heading``, as dicts."""
    start = next(index for index, row in enumerate(rows) if row and row[0] == first_heading)
    found = []
    for row in rows[start + 1 :]:
        if not row:
            break
        found.append(dict(zip(rows[start], row, strict=False)))
    return found


def _rows(sheet) -> list[list]:  # type: ignore[no-untyped-def, type-arg]
    """Cell values per row, without the empty cells openpyxl pads each row with."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows
