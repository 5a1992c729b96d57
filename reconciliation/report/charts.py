"""Inline SVG charts for the report page (no script, no network): matched vs open per platform and level,
and open variances by age. Bar lengths are computed in exact integers scaled to whole pixels."""

from __future__ import annotations

from html import escape

import pandas as pd

from ledger.money import format_idr

MATCHED, OPEN = "#2e7d32", "#c62828"


def matched_vs_open(by_platform: pd.DataFrame, width: int = 980) -> str:
    if by_platform.empty:
        return '<p class="empty">Nothing matched or open in this period.</p>'
    label_width, bar_width, row = 250, width - 250 - 280, 30  # 280 px on the right for the amounts
    largest = max(1, int((by_platform["matched"] + by_platform["open"]).max()))
    height = row * len(by_platform) + 36
    parts = [
        f'<svg class="chart" role="img" aria-label="Amount matched and open by platform and level"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, record in enumerate(by_platform.sort_values(["platform", "level"]).to_dict("records")):
        y = index * row + 4
        matched, open_ = int(record["matched"]), int(record["open"])
        green = matched * bar_width // largest
        red = max(2, open_ * bar_width // largest) if open_ else 0
        label = f"{record['platform']} · {record['level']}"
        parts.append(f'<text x="0" y="{y + 18}" class="label">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{green}" height="18" fill="{MATCHED}">'
            f"<title>matched {format_idr(matched)}</title></rect>"
        )
        parts.append(
            f'<rect x="{label_width + green}" y="{y + 4}" width="{red}" height="18" fill="{OPEN}">'
            f"<title>open {format_idr(open_)}</title></rect>"
        )
        text = format_idr(matched) + (f" · open {format_idr(open_)}" if open_ else "")
        parts.append(f'<text x="{label_width + green + red + 6}" y="{y + 18}" class="value">{escape(text)}</text>')
    legend_y = height - 8
    parts.append(f'<rect x="{label_width}" y="{legend_y - 10}" width="12" height="12" fill="{MATCHED}"/>')
    parts.append(f'<text x="{label_width + 16}" y="{legend_y}" class="value">matched</text>')
    parts.append(f'<rect x="{label_width + 90}" y="{legend_y - 10}" width="12" height="12" fill="{OPEN}"/>')
    parts.append(f'<text x="{label_width + 106}" y="{legend_y}" class="value">open variances</text>')
    parts.append("</svg>")
    return "".join(parts)


def aging(buckets: pd.DataFrame, width: int = 520, height: int = 220) -> str:
    if int(buckets["count"].sum()) == 0:
        return '<p class="empty">No open variances.</p>'
    columns = len(buckets)
    slot = width // columns
    top, chart = 24, height - 24 - 40
    largest = max(1, int(buckets["amount"].max()))
    parts = [
        f'<svg class="chart" role="img" aria-label="Open variances by age" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, record in enumerate(buckets.to_dict("records")):
        amount, count = int(record["amount"]), int(record["count"])
        bar = amount * chart // largest if amount else 0
        x = index * slot + slot // 6
        y = top + chart - bar
        parts.append(
            f'<rect x="{x}" y="{y}" width="{slot * 2 // 3}" height="{bar}" fill="{OPEN}">'
            f"<title>{escape(record['bucket'])}: {count} open, {format_idr(amount)}</title></rect>"
        )
        if count:
            parts.append(f'<text x="{x}" y="{y - 6}" class="value">{escape(format_idr(amount))}</text>')
        parts.append(f'<text x="{x}" y="{top + chart + 18}" class="label">{escape(record["bucket"])}</text>')
        parts.append(f'<text x="{x}" y="{top + chart + 34}" class="value">{count} open</text>')
    parts.append("</svg>")
    return "".join(parts)
