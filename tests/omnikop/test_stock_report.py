"""The reconciliation report's stock table: each product's stock across channels (on hand, reserved, available,
each channel's offer, last push, mismatch), computed by the shell with ``stock`` and written into the HTML page,
the workbook and the CSV; the same figures in-process and through ``omnikop recon report`` (both databases,
channels pushed over real HTTP to the Shopee and TikTok Shop sandboxes)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import yaml
from openpyxl import load_workbook

from connectors.base.windows import Window
from foundation.db import transaction
from omnikop.stock_report import stock_level_rows
from reconciliation.report.write import write_report
from reconciliation.run import run_reconciliation
from sync.pipeline import sync_shop
from tests.stock.books import book_file, receipt_csv
from tests.stock.channels import PRODUCT, serve_channels
from tests.stock.test_push import cycle

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))
CSV_NAME = "reconciliation-{period}-stock-levels.csv"


def test_the_reconciliation_report_shows_each_products_stock_per_channel(db_url, engine, tmp_path):  # type: ignore[no-untyped-def]
    with serve_channels() as channels:
        channels.setup_books(engine)
        stock = {"channels": {"tokopedia": {"rule": "fixed", "value": 4}}}
        config = channels.config(**stock)
        book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-1", PRODUCT, 10))
        cycle(engine, channels, config)  # Shopee shows 10, TikTok Shop its fixed 4
        moment = channels.world.as_of - timedelta(minutes=5)
        channels.world.place_order("shopee", channels.shop("shopee"), channels.listings["shopee"].sku_ref, 2, moment)
        sync_shop(
            engine,
            config,
            channels.connector(engine, "shopee"),
            Window(moment - timedelta(hours=1), channels.world.as_of),
        )
        # Five more units after the push: Shopee is now offered 13 (+ its own 2 reserved) but still shows 10.
        book_file(engine, config, tmp_path, "receipt", receipt_csv("RCV-2", PRODUCT, 5))
        period = f"{channels.world.as_of:%Y-%m}"
        with transaction(engine) as session:
            result = run_reconciliation(session, config)
            files = write_report(
                session, config, result, period, tmp_path / "in-process", stock_level_rows(session, config)
            )
        cycle(engine, channels, config)  # Shopee is sent 13 + its own 2 reserved, and shows what it should
        with transaction(engine) as session:
            after = {
                (row.channel, row.offered, row.acknowledged, row.mismatch) for row in stock_level_rows(session, config)
            }

    owner = channels.listings["shopee"].member_no
    shopee, tiktok = f"shopee:{channels.shop('shopee')}", f"tokopedia:{channels.shop('tokopedia')}"
    position = [PRODUCT, owner, "store", "15", "2", "0", "13", "0"]
    expected = [
        [*position, shopee, "13", "10", "acknowledged", "10", "yes"],
        [*position, tiktok, "4", "4", "acknowledged", "4", "no"],
    ]
    assert after == {(shopee, 13, 15, False), (tiktok, 4, 4, False)}
    table = next(f for f in files if f.name == CSV_NAME.format(period=period))
    assert _csv(table)[1:] == expected

    html = next(f for f in files if f.suffix == ".html").read_text(encoding="utf-8")
    assert '<h2 id="stock_levels">' in html and "(2 rows)" in html.split('id="stock_levels"')[1][:120]
    assert f'<td data-v="{shopee}">{shopee}</td><td class="num" data-v="13">13</td>' in html
    sheet = load_workbook(next(f for f in files if f.suffix == ".xlsx"))["Stock"]
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert [PRODUCT, owner, "store", 15, 2, 0, 13, 0, shopee, 13, 10, "acknowledged", 10, "yes"] in values

    # The CLI computes the rows the same way (the shell, not reconciliation, reads the stock).
    raw = channels.config_raw(**stock) | {"database": {"url": db_url}}
    (tmp_path / "omnikop.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNIKOP_")}
    env["OMNIKOP_CONFIG"] = str(tmp_path / "omnikop.yaml")
    run = subprocess.run(
        [OMNIKOP, "recon", "report", "--period", period, "--out", str(tmp_path / "cli")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    settled = [[*position, shopee, "13", "15", "acknowledged", "15", "no"], expected[1]]  # after the second cycle
    assert _csv(tmp_path / "cli" / CSV_NAME.format(period=period))[1:] == settled


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))
