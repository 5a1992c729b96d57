"""Settlement report files (CSV/XLSX downloaded from a merchant portal): the one importer and inbox mover.

GoBiz and Grab have no settlement API; their portals export per-outlet settlement reports. A file is LANDED
whole, as received (one landed page per file; stream ``settlements``, kind ``settlement_report_csv`` or
``settlement_report_xlsx``), and parsed later by the platform connector's ``parse`` like any other page.
Landing dedups by content, so importing the same file twice lands nothing new.

Each platform describes its column layout as a ``ReportLayout`` in ``connectors/<platform>/settlement_report.py``
(exported as ``LAYOUT``); the reading and row → ``Settlement`` machinery here is shared. A file is refused
before landing (``ImportRefused`` with a machine-readable reason) when it cannot be read, lacks a required
column, carries personal-data columns, or does not belong to exactly one shop. Row-level problems do not
refuse the file: the row becomes ``Rejected`` (with its row number) at parse time.
"""

from __future__ import annotations

import importlib
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from connectors.base.landing import land_page
from connectors.base.protocol import FetchedPage
from connectors.base.settlement_files.layout import ReportLayout
from connectors.base.settlement_files.table import Table, UnreadableFile, read_table
from foundation.db import transaction

log = logging.getLogger("omnikop.settlement_files")
KINDS = {".csv": "settlement_report_csv", ".xlsx": "settlement_report_xlsx"}
# Column names that suggest buyer personal data: such a file is refused rather than stored.
PERSONAL_COLUMN = re.compile(r"(customer|buyer|eater|pembeli|pelanggan|phone|telepon|address|alamat|email)", re.I)


class ImportRefused(Exception):
    """The file was not landed; ``reason`` is machine-readable, the message says what to do."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ImportResult:
    path: Path
    platform: str
    shop_ref: str
    kind: str
    rows: int
    page_id: int
    new: bool


def layout_of(platform: str) -> ReportLayout:
    """The platform's settlement report layout (``connectors/<platform>/settlement_report.py: LAYOUT``)."""
    try:
        module = importlib.import_module(f"connectors.{platform}.settlement_report")
    except ModuleNotFoundError as error:
        if error.name not in (f"connectors.{platform}", f"connectors.{platform}.settlement_report"):
            raise
        raise ImportRefused("no_report_layout", f"{platform} has no settlement report layout") from None
    return module.LAYOUT


def kind_of(path: Path) -> str:
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise ImportRefused("unsupported_file_type", f"{path.name}: only .csv and .xlsx settlement reports are read")
    return kind


def check_table(layout: ReportLayout, table: Table, shop_ref: str | None) -> str:
    """Validate the header and find the file's one shop; refuse the file otherwise."""
    missing = [column for column in layout.required_columns() if column not in table.columns]
    if missing:
        raise ImportRefused(
            "missing_columns", f"missing column(s) {', '.join(missing)}; expected layout: {layout.describe()}"
        )
    personal = [column for column in table.columns if PERSONAL_COLUMN.search(column)]
    if personal:
        raise ImportRefused(
            "personal_data_columns", f"column(s) {', '.join(personal)} hold buyer personal data; remove them first"
        )
    if not table.rows:
        raise ImportRefused("no_rows", "the file has a header but no rows")
    shops = sorted({str(row.get(layout.shop_column) or "").strip() for _, row in table.rows} - {""})
    if shop_ref is not None:
        others = [shop for shop in shops if shop != shop_ref]
        if others:
            message = f"rows for {', '.join(others)} in a file imported for {shop_ref}"
            raise ImportRefused("other_shops_in_file", message)
        return shop_ref
    if len(shops) != 1:
        found = ", ".join(shops) or "none"
        raise ImportRefused("shop_not_determined", f"{layout.shop_column} values: {found}; one file per shop (--shop)")
    return shops[0]


def import_settlement_file(engine: Engine, platform: str, path: Path, shop_ref: str | None = None) -> ImportResult:
    """Land ``path`` for its shop; ``new`` is False when the identical file was landed before."""
    kind, layout = kind_of(path), layout_of(platform)
    try:
        body = path.read_bytes()
        table = read_table(body, kind)
    except (OSError, UnreadableFile) as error:
        raise ImportRefused("unreadable_file", f"{path.name}: {error}") from None
    shop = check_table(layout, table, shop_ref)
    request = {"source": "settlement_report_file", "filename": path.name, "rows": len(table.rows)}
    page = FetchedPage("settlements", kind, request, body, 200, datetime.now(UTC))
    with transaction(engine) as session:
        page_id, new = land_page(session, platform, shop, page)
    log.info(
        "%s shop %s: %s (%d rows) %s page %d",
        platform,
        shop,
        path.name,
        len(table.rows),
        "landed as" if new else "already landed as",
        page_id,
    )
    return ImportResult(path, platform, shop, kind, len(table.rows), page_id, new)


@dataclass(frozen=True)
class InboxOutcome:
    path: Path  # where the file is now
    result: ImportResult | None
    reason: str = ""


def process_inbox(engine: Engine, platform: str, inbox: Path, shop_ref: str | None = None) -> list[InboxOutcome]:
    """Import every file in ``inbox``: landed (or already landed) files move to ``done/``, refused ones to
    ``rejected/`` beside a ``<name>.reason.txt``. A database error propagates and leaves the file in place,
    so the next run (or the Airflow retry) picks it up again."""
    outcomes = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            result = import_settlement_file(engine, platform, path, shop_ref)
        except ImportRefused as refused:
            target = _move(path, inbox / "rejected")
            target.with_name(target.name + ".reason.txt").write_text(f"{refused.reason}: {refused}\n", "utf-8")
            log.warning("%s: %s refused (%s)", platform, path.name, refused.reason)
            outcomes.append(InboxOutcome(target, None, refused.reason))
            continue
        outcomes.append(InboxOutcome(_move(path, inbox / "done"), result))
    return outcomes


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():  # the same name imported on another day: keep both
        target = folder / f"{path.stem}.{datetime.now(UTC):%Y%m%dT%H%M%S%f}{path.suffix}"
    shutil.move(str(path), target)
    return target
