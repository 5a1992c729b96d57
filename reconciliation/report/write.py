"""Write one month's report: ``reconciliation-YYYY-MM.html`` (people), ``.xlsx`` (Excel users) and one
``reconciliation-YYYY-MM-<table>.csv`` per table (raw numbers, for other tools)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from foundation.config import OmnikopConfig
from reconciliation.report.html import render_html
from reconciliation.report.specs import SPECS
from reconciliation.report.stock_levels import StockLevelRow
from reconciliation.report.tables import bank_matched_in_ledger, build_report
from reconciliation.report.xlsx import write_xlsx
from reconciliation.run import ReconResult


def write_report(
    session: Session,
    config: OmnikopConfig,
    result: ReconResult,
    period: str,
    out: Path,
    stock_levels: Iterable[StockLevelRow] = (),
) -> list[Path]:
    """Write the files; ``stock_levels``: the stock across channels, computed by the caller with ``stock``."""
    out.mkdir(parents=True, exist_ok=True)
    data = build_report(session, config, result, period, stock_levels)
    stem = f"reconciliation-{period}"
    html = out / f"{stem}.html"
    html.write_text(render_html(data), encoding="utf-8")
    files = [html, write_xlsx(data, bank_matched_in_ledger(session, data.start, data.end), out / f"{stem}.xlsx")]
    for name, (_, columns) in SPECS.items():
        path = out / f"{stem}-{name.replace('_', '-')}.csv"
        data.tables[name][[column for column, _, _ in columns]].to_csv(path, index=False, encoding="utf-8")
        files.append(path)
    return files
