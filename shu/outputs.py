"""What ``shu compute`` writes for the RAT: member and pool tables (CSV + HTML) and the frozen inputs.

``shu-<year>-inputs.json`` is the canonical JSON itself, so ``sha256sum`` of that file is the inputs hash printed
in the HTML and asked for at approval: anyone can check that the figures approved are the figures computed.
Rendering reads only the stored results dict, so a stored computation renders exactly as it was computed.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ledger.money import format_idr

MEMBER_COLUMNS = ["member_no", "name", "eligible", "reason", "volume", "capital", "jua", "jma", "total"]
POOL_COLUMNS = ["component", "label", "bps", "amount", "to_members", "to_reserve", "account"]
STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #ccc;padding:.35rem .6rem}.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;margin-bottom:.4rem}code{font-size:.9em}"""


def write_outputs(
    year: int, inputs_hash: str, inputs_json: str, results: Mapping[str, Any], out_dir: Path
) -> list[Path]:
    """Write the four files for ``year`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    members, pools = out_dir / f"shu-{year}-members.csv", out_dir / f"shu-{year}-pools.csv"
    page, frozen = out_dir / f"shu-{year}.html", out_dir / f"shu-{year}-inputs.json"
    _write_csv(members, MEMBER_COLUMNS, results["members"])
    _write_csv(pools, POOL_COLUMNS, results["pools"])
    page.write_text(render_html(year, inputs_hash, results), encoding="utf-8")
    frozen.write_text(inputs_json, encoding="utf-8")
    return [members, pools, page, frozen]


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def render_html(year: int, inputs_hash: str, results: Mapping[str, Any]) -> str:
    weighted = results["capital_base"] == "time_weighted"
    capital = "rupiah-hari (time-weighted)" if weighted else "saldo akhir tahun"

    def capital_cell(value: int) -> str:
        return f"<td class='n'>{value:,}</td>".replace(",", ".") if weighted else money_cell(value)

    pool_rows = "".join(
        f"<tr><td>{html.escape(p['label'])}</td><td class='n'>{p['bps']}</td>{money_cell(p['amount'])}"
        f"{money_cell(p['to_members'])}{money_cell(p['to_reserve'])}<td>{p['account']}</td></tr>"
        for p in results["pools"]
    )
    member_rows = "".join(
        f"<tr><td>{html.escape(m['member_no'])}</td><td>{html.escape(m['name'])}</td>"
        f"<td>{'ya' if m['eligible'] else 'tidak'} — {html.escape(m['reason'])}</td>"
        f"{money_cell(m['volume'])}{capital_cell(m['capital'])}{money_cell(m['jua'])}{money_cell(m['jma'])}"
        f"{money_cell(m['total'])}</tr>"
        for m in results["members"]
    )
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>SHU tahun buku {year}</title><style>{STYLE}</style></head><body>
<h1>Pembagian SHU tahun buku {year}</h1>
<p>SHU setelah pajak: <b>{format_idr(results["surplus"])}</b> ({html.escape(results["surplus_source"])});
sisa pembulatan ke cadangan {format_idr(results["rounding_residual"])}; total ke cadangan
{format_idr(results["reserve_total"])}; total ke anggota {format_idr(results["members_total"])}.</p>
<p>Hash input beku (sha256): <code>{inputs_hash}</code> — belum diposting sampai disetujui.</p>
<table><caption>Alokasi per komponen</caption>
<tr><th>Komponen</th><th>bp</th><th>Jumlah</th><th>Ke anggota</th><th>Ke cadangan</th><th>Akun</th></tr>
{pool_rows}</table>
<table><caption>Per anggota (penyebut: anggota yang berhak saja; modal = pokok + wajib, {capital})</caption>
<tr><th>No.</th><th>Nama</th><th>Berhak</th><th>Volume transaksi</th><th>Modal</th><th>JUA</th><th>JMA</th>
<th>Jumlah</th></tr>
{member_rows}</table>
</body></html>
"""


def money_cell(units: int) -> str:
    return f"<td class='n'>{format_idr(units)}</td>"
