"""The report as one self-contained HTML page: inline CSS, a few lines of vanilla JS to sort tables, inline
SVG charts; no fonts, scripts or images from the network. Money is shown as ``Rp 1.234.567``; every cell
keeps its raw value in ``data-v`` so a column sorts by number, not by text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import escape
from typing import Any

import pandas as pd

from ledger.money import format_idr
from reconciliation.categories import CATEGORIES
from reconciliation.report import charts
from reconciliation.report.specs import SPECS
from reconciliation.report.tables import ReportData

# Nothing may load from anywhere: a stray external reference becomes a console error the browser test sees.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
ORDER = (
    "coverage",
    "variances",
    "orders",
    "wallet",
    "balances",
    "withdrawals",
    "bank_lines",
    "store",
    "payments",
    "stock_levels",
    "stock",
    "ledger",
    "audit",
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2327;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.meta{color:#5f6b76;margin:0 0 16px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.tile{background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:12px 14px}
.tile .label{color:#5f6b76;font-size:12px}.tile .amount{font-size:20px;font-weight:600;margin:4px 0}
.tile .sub{color:#5f6b76;font-size:12px}.tile.alert{border-color:#c62828;background:#fff5f5}
.banner{padding:10px 14px;border-radius:8px;margin:14px 0;background:#e8f5e9;border:1px solid #a5d6a7}
.banner.alert{background:#ffebee;border-color:#ef9a9a}
.charts{display:flex;flex-wrap:wrap;gap:24px}.chart text{font-size:12px;fill:#1d2327}.chart .value{fill:#5f6b76}
table{border-collapse:collapse;background:#fff;font-size:12.5px;width:100%}
th,td{border:1px solid #dde3e8;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f5;cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}td.neg{color:#c62828}
td.date{white-space:nowrap}
tr.variance td{background:#fff8e1}.scroll{max-height:520px;overflow:auto;border:1px solid #dde3e8}
.empty{color:#5f6b76;font-style:italic}
"""

SORT_JS = """
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-kind") === "idr" || th.getAttribute("data-kind") === "int";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute("data-v"), y = b.cells[index].getAttribute("data-v");
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def render_html(data: ReportData) -> str:
    open_amount = data.open_amount
    alerting = open_amount > data.alert_open_amount
    banner = (
        f'<div class="banner alert">Open variances {format_idr(open_amount)} exceed the alert threshold'
        f" {format_idr(data.alert_open_amount)}.</div>"
        if alerting
        else f'<div class="banner">Open variances {format_idr(open_amount)} are within the alert threshold'
        f" {format_idr(data.alert_open_amount)}.</div>"
    )
    tiles = "".join(
        _tile(label, sub, amount, alert=alerting and label == "Open variances") for label, sub, amount in data.tiles
    )
    sections = "".join(_table(name, data.tables[name]) for name in ORDER)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rekonsiliasi {escape(data.period)} · omnikop</title>
<style>{CSS}</style></head>
<body>
<h1>Rekonsiliasi marketplace · {escape(data.period)}</h1>
<p class="meta">Period {data.start} – {data.end}; matched as of {data.as_of}; generated {generated}.
Amounts in rupiah; the workbook and CSV files next to this page hold the same tables with raw numbers.</p>
{banner}
<section class="tiles">{tiles}</section>
<h2>Matched vs open, by platform and level</h2>
<div class="charts"><div>{charts.matched_vs_open(data.by_platform)}</div></div>
<h2>Open variances by age</h2>
<div class="charts"><div>{charts.aging(data.aging)}</div></div>
{sections}
<script>{SORT_JS}</script>
</body></html>
"""


def _tile(label: str, sub: str, amount: int | None, *, alert: bool) -> str:
    shown = format_idr(amount) if amount is not None else "–"
    return (
        f'<div class="tile{" alert" if alert else ""}"><div class="label">{escape(label)}</div>'
        f'<div class="amount">{shown}</div><div class="sub">{escape(sub)}</div></div>'
    )


def _table(name: str, frame: pd.DataFrame) -> str:
    title, columns = SPECS[name]
    heading = f'<h2 id="{name}">{escape(title)} <small>({len(frame)} rows)</small></h2>'
    if frame.empty:
        return heading + '<p class="empty">No rows in this period.</p>'
    head = "".join(f'<th data-kind="{kind}">{escape(label)}</th>' for _, label, kind in columns)
    body = []
    for record in frame.to_dict("records"):
        flagged = record.get("result") in CATEGORIES or record.get("mismatch") == "yes"
        css = ' class="variance"' if flagged else ""
        pieces = record.get("unit") == "pcs"  # stock variances count pieces, not rupiah
        cells = "".join(
            _cell(record.get(column), "int" if pieces and kind == "idr" else kind) for column, _, kind in columns
        )
        body.append(f"<tr{css}>{cells}</tr>")
    return (
        f'{heading}<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell(value: Any, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return '<td data-v=""></td>'
    if kind in ("idr", "int"):
        number = int(value)
        shown = format_idr(number) if kind == "idr" else f"{number:,}".replace(",", ".")
        css = "num neg" if number < 0 else "num"
        return f'<td class="{css}" data-v="{number}">{shown}</td>'
    if isinstance(value, date):
        return f'<td class="date" data-v="{value.isoformat()}">{value.isoformat()}</td>'
    text = str(value)
    return f'<td data-v="{escape(text)}">{escape(text)}</td>'
